// The validation rules of seeds/configuration.txt, plus the ranges its field descriptions state.
// Each message names the field, its value and the rule.

#include "base/ascii.hpp"
#include "base/host_port.hpp"
#include "goop/config/config.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <fmt/core.h>
#include <sodium.h>

#include <algorithm>
#include <filesystem>

namespace goop::config {
namespace {

std::string shown(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out.push_back('\\');
    if (static_cast<unsigned char>(ch) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(ch)));
    } else {
      out.push_back(ch);
    }
  }
  return out + "\"";
}

bool blank(std::string_view s) { return ascii::trim(s).empty(); }

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char ch) { return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f; });
}

std::string clean_path(const std::string& p) {
  std::string s = std::filesystem::path(p).lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

bool is_ip(const std::string& s) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(s, ec);
  return !ec;
}

// Why `url` is not an acceptable http(s) base URL, or empty if it is (presence.rendezvous_wan
// rules of the Go peer: scheme, host, not unspecified, valid port).
std::string url_problem(const std::string& url) {
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) return "is not a valid URL";
  const std::string scheme(u->scheme());
  if (scheme != "http" && scheme != "https") return "must start with http:// or https://";
  if (!u->has_authority() || u->host().empty()) return "has no host name";
  const std::string host(unbracket_host(u->host()));
  if (is_ip(host) && boost::asio::ip::make_address(host).is_unspecified()) {
    return fmt::format("must not use the unspecified address {}", host);
  }
  if (u->has_port()) {
    const std::string port(u->port());
    const bool numeric =
        !port.empty() && port.size() <= 5 &&
        std::all_of(port.begin(), port.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (!numeric || std::stoi(port) < 1 || std::stoi(port) > 65535) {
      return fmt::format("has an invalid port \"{}\" (must be 1..65535)", port);
    }
  }
  return {};
}

bool valid_nacl_key(const std::string& b64) {
  unsigned char raw[64];
  size_t len = 0;
  return sodium_base642bin(raw, sizeof raw, b64.data(), b64.size(), nullptr, &len, nullptr,
                           sodium_base64_VARIANT_ORIGINAL) == 0 &&
         len == 32;
}

bool valid_http_addr(const std::string& addr) {
  if (addr.empty()) return true;
  auto hp = parse_host_port(addr);
  return hp && (hp->host.empty() || hp->host == "localhost" || is_ip(hp->host));
}

struct Checker {
  std::optional<ConfigError> first;

  // Records the first failure only.
  template <class... Args>
  void fail(std::string_view field, fmt::format_string<Args...> f, Args&&... args) {
    if (!first)
      first = ConfigError{std::string(field), fmt::format(f, std::forward<Args>(args)...)};
  }
  void required(std::string_view field, const std::string& v) {
    if (blank(v)) fail(field, "{} must not be empty", field);
  }
  void range(std::string_view field, std::int64_t v, std::int64_t lo, std::int64_t hi) {
    if (v < lo || v > hi) fail(field, "{} ({}) must be between {} and {}", field, v, lo, hi);
  }
  void port_or_zero(std::string_view field, std::int64_t v, std::string_view zero_means) {
    if (v < 0 || v > 65535) {
      fail(field, "{} ({}) must be 0 ({}) or between 1 and 65535", field, v, zero_means);
    }
  }
  void url(std::string_view field, const std::string& v) {
    if (v.empty()) return;
    if (auto why = url_problem(v); !why.empty()) fail(field, "{} ({}) {}", field, shown(v), why);
  }
};

}  // namespace

std::optional<ConfigError> validate(const Config& c) {
  Checker k;
  k.required("identity.key_file", c.identity.key_file);

  k.required("paths.site_root", c.paths.site_root);
  k.required("paths.site_source", c.paths.site_source);
  k.required("paths.site_stage", c.paths.site_stage);
  if (!blank(c.paths.site_source) &&
      clean_path(c.paths.site_source) == clean_path(c.paths.site_stage)) {
    k.fail("paths.site_stage",
           "paths.site_source ({}) and paths.site_stage ({}) must be different paths",
           shown(c.paths.site_source), shown(c.paths.site_stage));
  }

  k.port_or_zero("p2p.listen_port", c.p2p.listen_port, "any free port");
  k.required("p2p.mdns_tag", c.p2p.mdns_tag);
  const auto& tag = c.p2p.mdns_tag;
  if (!blank(tag) && (tag.size() > 63 || !std::all_of(tag.begin(), tag.end(), [](char ch) {
                        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' ||
                               ch == '_';
                      }))) {
    k.fail("p2p.mdns_tag",
           "p2p.mdns_tag ({}) must be 1 to 63 letters, digits, '-' or '_' (it becomes a DNS-SD "
           "service name)",
           shown(tag));
  }
  if (!c.p2p.nacl_public_key.empty() && !valid_nacl_key(c.p2p.nacl_public_key)) {
    k.fail("p2p.nacl_public_key",
           "p2p.nacl_public_key must be 32 bytes in base64, or empty to generate a new key pair");
  }
  if (!c.p2p.nacl_private_key.empty() && !valid_nacl_key(c.p2p.nacl_private_key)) {
    k.fail("p2p.nacl_private_key",
           "p2p.nacl_private_key must be 32 bytes in base64, or empty to generate a new key pair");
  }

  const auto& p = c.presence;
  k.required("presence.topic", p.topic);
  if (p.ttl_seconds <= 0)
    k.fail("presence.ttl_seconds", "presence.ttl_seconds ({}) must be greater than 0",
           p.ttl_seconds);
  if (p.heartbeat_seconds <= 0) {
    k.fail("presence.heartbeat_seconds", "presence.heartbeat_seconds ({}) must be greater than 0",
           p.heartbeat_seconds);
  }
  if (p.heartbeat_seconds >= p.ttl_seconds) {
    k.fail("presence.heartbeat_seconds",
           "presence.heartbeat_seconds ({}) must be less than presence.ttl_seconds ({})",
           p.heartbeat_seconds, p.ttl_seconds);
  }
  if (p.rendezvous_only && !p.rendezvous_host) {
    k.fail("presence.rendezvous_only",
           "presence.rendezvous_only (true) requires presence.rendezvous_host to be true");
  }
  if (p.rendezvous_host) {
    if (p.rendezvous_port < 1 || p.rendezvous_port > 65535) {
      k.fail("presence.rendezvous_port",
             "presence.rendezvous_port ({}) must be between 1 and 65535 when "
             "presence.rendezvous_host is true",
             p.rendezvous_port);
    }
    if (!p.rendezvous_bind.empty() && !is_ip(p.rendezvous_bind)) {
      k.fail("presence.rendezvous_bind",
             "presence.rendezvous_bind ({}) must be an IP address such as 127.0.0.1 or 0.0.0.0",
             shown(p.rendezvous_bind));
    }
  }
  k.url("presence.rendezvous_wan", p.rendezvous_wan);
  k.url("presence.external_url", p.external_url);
  if (p.relay_port < 0 || p.relay_port > 65535) {
    k.fail("presence.relay_port",
           "presence.relay_port ({}) must be 0 (no relay) or between 1 and 65535", p.relay_port);
  }
  if (p.relay_port > 0 && !p.rendezvous_host) {
    k.fail("presence.relay_port",
           "presence.relay_port ({}) requires presence.rendezvous_host to be true", p.relay_port);
  }
  k.port_or_zero("presence.relay_ws_port", p.relay_ws_port, "no WebSocket relay");
  if (p.relay_port > 0) {
    const std::pair<std::string_view, std::int64_t> timings[] = {
        {"presence.relay_cleanup_delay_sec", p.relay_cleanup_delay_sec},
        {"presence.relay_poll_deadline_sec", p.relay_poll_deadline_sec},
        {"presence.relay_connect_timeout_sec", p.relay_connect_timeout_sec},
        {"presence.relay_refresh_interval_sec", p.relay_refresh_interval_sec},
        {"presence.relay_recovery_grace_sec", p.relay_recovery_grace_sec}};
    for (const auto& [name, v] : timings) {
      if (v < 0) k.fail(name, "{} ({}) must be 0 or more when presence.relay_port is set", name, v);
    }
  }
  k.url("presence.credits_url", p.credits_url);
  k.url("presence.registration_url", p.registration_url);
  k.url("presence.email_url", p.email_url);
  k.url("presence.templates_url", p.templates_url);
  k.url("presence.bridge_url", p.bridge_url);
  k.url("presence.encryption_url", p.encryption_url);

  if (has_control(c.profile.label) || c.profile.label.size() > 100) {
    k.fail("profile.label",
           "profile.label ({}) must be at most 100 characters with no control characters",
           shown(c.profile.label));
  }
  const auto& email = c.profile.email;
  if (!email.empty() &&
      (has_control(email) || email.find(' ') != std::string::npos ||
       email.find('@') == std::string::npos || email.front() == '@' || email.back() == '@')) {
    k.fail("profile.email",
           "profile.email ({}) must be an email address such as name@example.com, or empty",
           shown(email));
  }

  const auto& v = c.viewer;
  if (!valid_http_addr(v.http_addr)) {
    k.fail(
        "viewer.http_addr",
        "viewer.http_addr ({}) must be host:port such as 127.0.0.1:8080, or empty for a free port",
        shown(v.http_addr));
  }
  if (v.theme != "dark" && v.theme != "light") {
    k.fail("viewer.theme", "viewer.theme ({}) must be \"dark\" or \"light\"", shown(v.theme));
  }
  k.range("viewer.peer_offline_grace_min", v.peer_offline_grace_min, 1, 60);
  if (!v.cluster_binary_mode.empty() && v.cluster_binary_mode != "oneshot" &&
      v.cluster_binary_mode != "daemon") {
    k.fail("viewer.cluster_binary_mode",
           "viewer.cluster_binary_mode ({}) must be \"oneshot\", \"daemon\" or empty",
           shown(v.cluster_binary_mode));
  }

  if (c.lua.enabled) {
    if (blank(c.lua.script_dir))
      k.fail("lua.script_dir", "lua.script_dir must not be empty when lua.enabled is true");
    k.range("lua.timeout_seconds", c.lua.timeout_seconds, 1, 60);
    k.range("lua.max_memory_mb", c.lua.max_memory_mb, 1, 1024);
    if (c.lua.rate_limit_per_peer <= 0) {
      k.fail("lua.rate_limit_per_peer", "lua.rate_limit_per_peer ({}) must be greater than 0",
             c.lua.rate_limit_per_peer);
    }
    if (c.lua.rate_limit_global <= 0) {
      k.fail("lua.rate_limit_global", "lua.rate_limit_global ({}) must be greater than 0",
             c.lua.rate_limit_global);
    }
  }
  return k.first;
}

}  // namespace goop::config
