// parse_url (web/client.hpp): splits an absolute http/https/ws/wss URL into scheme, host, port
// and request target. Deliberately small: no user info, no relative references, no
// normalisation beyond lower-casing the scheme. The target is passed on as written (the caller
// percent-encodes), but a space or control character in any part is refused, since it would
// break the request line.
#include "base/ascii.hpp"
#include "base/errors.hpp"
#include "web/client.hpp"

#include <fmt/core.h>

#include <charconv>

namespace goop::web {
namespace {

bool has_space_or_control(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return true;
  }
  return false;
}

Error invalid(std::string_view url, std::string_view why) {
  return Error(make_error_code(Errc::kInvalidArgument),
               fmt::format("invalid URL \"{}\": {}", url, why));
}

std::uint16_t default_port(std::string_view scheme) {
  return (scheme == "https" || scheme == "wss") ? 443 : 80;
}

}  // namespace

Expected<Url> parse_url(std::string_view url) {
  const std::size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) {
    return invalid(url, "expected scheme://host[:port]/path (e.g. http://127.0.0.1:8787/)");
  }
  Url u;
  u.scheme = ascii::lower(url.substr(0, sep));
  if (u.scheme != "http" && u.scheme != "https" && u.scheme != "ws" && u.scheme != "wss") {
    return invalid(url,
                   fmt::format("unsupported scheme \"{}\" (use http, https, ws or wss)", u.scheme));
  }
  std::string_view rest = url.substr(sep + 3);
  const std::size_t auth_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, auth_end);
  rest = auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);

  if (authority.find('@') != std::string_view::npos) {
    return invalid(url, "user names and passwords in URLs are not supported");
  }
  std::string_view host = authority;
  std::string_view port_text;
  if (!host.empty() && host.front() == '[') {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos)
      return invalid(url, "unterminated IPv6 address (missing ']')");
    const std::string_view after = host.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return invalid(url, "unexpected text after the IPv6 address");
      port_text = after.substr(1);
    }
    host = host.substr(1, close - 1);
  } else if (host.find(':') != host.rfind(':')) {
    return invalid(url, "an IPv6 address must be written in brackets ([::1]:8787)");
  } else if (const std::size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    port_text = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty()) return invalid(url, "no host");
  if (has_space_or_control(host))
    return invalid(url, "the host contains a space or control character");
  u.host = std::string(host);

  u.port = default_port(u.scheme);
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto* end = port_text.data() + port_text.size();
    const auto [ptr, ec] = std::from_chars(port_text.data(), end, value);
    if (ec != std::errc() || ptr != end || value == 0 || value > 65535) {
      return invalid(url, fmt::format("bad port \"{}\" (expected 1-65535)", port_text));
    }
    u.port = static_cast<std::uint16_t>(value);
  }

  const std::string_view target = rest.substr(0, rest.find('#'));
  if (has_space_or_control(target)) {
    return invalid(url, "the path contains a space or control character (percent-encode it)");
  }
  if (target.empty()) {
    u.target = "/";
  } else if (target.front() == '?') {
    u.target = "/" + std::string(target);
  } else {
    u.target = std::string(target);
  }
  return u;
}

}  // namespace goop::web
