#include "base/host_port.hpp"

#include "base/errors.hpp"

#include <boost/asio/ip/address_v6.hpp>
#include <fmt/core.h>

#include <algorithm>

namespace goop {
namespace {

Error bad(std::string_view text, std::string_view why) {
  return Error{
      make_error_code(Errc::kInvalidArgument),
      fmt::format("\"{}\" {} (write host:port, e.g. 127.0.0.1:8080 or [::1]:8080)", text, why)};
}

bool is_ipv6(std::string_view s) {
  boost::system::error_code ec;
  boost::asio::ip::make_address_v6(std::string(s), ec);
  return !ec;
}

}  // namespace

Expected<HostPort> parse_host_port(std::string_view text) {
  std::string_view host;
  std::string_view rest;  // ":<port>", or whatever follows the host
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return bad(text, "has a '[' without its ']'");
    host = text.substr(1, close - 1);
    if (!is_ipv6(host)) return bad(text, "has brackets around something that is not IPv6");
    rest = text.substr(close + 1);
  } else {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return bad(text, "has no port");
    host = text.substr(0, colon);
    rest = text.substr(colon);
    if (rest.find(':', 1) != std::string_view::npos)
      return bad(text, "has more than one ':' (an IPv6 host goes in brackets)");
  }
  if (host.find_first_of("[]/ ") != std::string_view::npos)
    return bad(text, "has a character a host cannot have");
  if (!rest.starts_with(':')) return bad(text, "has no port");
  const std::string_view digits = rest.substr(1);
  if (digits.empty()) return bad(text, "has no port number");
  unsigned port = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return bad(text, "has a port that is not a number");
    port = std::min(port * 10 + static_cast<unsigned>(c - '0'), 65536u);
  }
  if (port > 65535) return bad(text, "has a port above 65535");
  return HostPort{std::string(host), static_cast<std::uint16_t>(port)};
}

std::string bracket_host(std::string_view host) {
  if (host.find(':') == std::string_view::npos || host.starts_with('[')) return std::string(host);
  return fmt::format("[{}]", host);
}

std::string_view unbracket_host(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

std::string format_host_port(std::string_view host, std::uint16_t port) {
  return fmt::format("{}:{}", bracket_host(host), port);
}

}  // namespace goop
