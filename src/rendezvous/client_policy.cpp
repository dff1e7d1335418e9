#include "rendezvous/client_policy.hpp"

#include "base/ascii.hpp"
#include "base/host_port.hpp"

#include <algorithm>

namespace goop::rendezvous {
namespace {

// The base URL with its scheme swapped for the WebSocket one; "" for another scheme.
std::string ws_base(std::string_view base) {
  constexpr std::string_view kHttps = "https://", kHttp = "http://";
  if (base.substr(0, kHttps.size()) == kHttps)
    return "wss://" + std::string(base.substr(kHttps.size()));
  if (base.substr(0, kHttp.size()) == kHttp)
    return "ws://" + std::string(base.substr(kHttp.size()));
  return {};
}

}  // namespace

std::string normalize_base_url(std::string_view url) {
  url = ascii::trim(url);
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return std::string(url);
}

std::string local_rendezvous_url(std::string_view bind, std::uint16_t port) {
  std::string_view host = unbracket_host(ascii::trim(bind));
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  return "http://" + format_host_port(host, port);
}

std::string ws_url(std::string_view base, std::string_view peer_id) {
  std::string b = ws_base(base);
  return b.empty() ? b : b + "/ws?peer_id=" + std::string(peer_id);
}

std::string ws_probe_url(std::string_view base) {
  std::string b = ws_base(base);
  return b.empty() ? b : b + "/ws?probe=1";
}

std::string events_url(std::string_view base, std::string_view peer_id) {
  return std::string(base) + "/events?peer_id=" + std::string(peer_id);
}

std::string publish_url(std::string_view base) { return std::string(base) + "/publish"; }

WsRefusal classify_refusal(int http_status) noexcept {
  if (http_status == 0) return WsRefusal::kTransport;
  if (http_status == 425) return WsRefusal::kTooEarly;
  return WsRefusal::kUnsupported;
}

Backoff::Backoff(ms initial, ms max, std::uint32_t seed)
    : initial_(initial), max_(std::max(max, initial)), current_(initial), rng_(seed) {}

Backoff::ms Backoff::next() {
  const ms base = current_;
  current_ = std::min(current_ * 2, max_);
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return ms(static_cast<ms::rep>(static_cast<double>(base.count()) * jitter(rng_)));
}

}  // namespace goop::rendezvous
