#pragma once
// The pure decisions of the rendezvous client (client.hpp), kept apart from its I/O so they can
// be tested alone: which URLs it talks to, how a refused WebSocket upgrade is classified, and
// how long it waits between attempts (spec/rendezvous.md §5.2, §15.1 with the fixes of §17.10,
// §17.10b and §17.17).

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace goop::rendezvous {

// "  https://rv.example.com/ " -> "https://rv.example.com": trimmed, trailing '/'s removed.
std::string normalize_base_url(std::string_view url);

// The base URL of the rendezvous this peer hosts (§17.10b): its bind address, or loopback when
// it listens on every interface ("", "0.0.0.0", "::") — "http://<host>:<port>", IPv6 in brackets.
std::string local_rendezvous_url(std::string_view bind, std::uint16_t port);

// WebSocket URLs of a base URL: `https://` -> `wss://`, `http://` -> `ws://` (a plain-http
// rendezvous is never dialled with TLS, the fix for §5.2 / §17.10). "" if the base has another
// scheme.
std::string ws_url(std::string_view base, std::string_view peer_id);  // <ws base>/ws?peer_id=<id>
std::string ws_probe_url(std::string_view base);                      // <ws base>/ws?probe=1
std::string events_url(std::string_view base,
                       std::string_view peer_id);  // <base>/events?peer_id=<id>
std::string publish_url(std::string_view base);    // <base>/publish

// What a failed WebSocket connect means, decided on the numeric HTTP status of a refused
// upgrade only (never on error text, §17.10).
enum class WsRefusal {
  kTransport,    // status 0: no answer (refused, DNS, TLS, timeout): back off and retry
  kTooEarly,     // 425: the rendezvous does not know us yet: publish, retry soon
  kUnsupported,  // any other non-101 answer (404, 403, 501, 400, 426 ...): SSE + POST, probe WS
};
WsRefusal classify_refusal(int http_status) noexcept;

// Jittered exponential backoff: initial, doubling up to max, each delay ±20 % at random.
// Not thread-safe.
class Backoff {
 public:
  using ms = std::chrono::milliseconds;
  Backoff(ms initial, ms max, std::uint32_t seed = std::random_device{}());
  // The next delay to wait; the one after is twice as long (until max).
  ms next();
  // Back to `initial` (after a session that lasted).
  void reset() noexcept { current_ = initial_; }
  // The delay next() centres on now (before jitter).
  ms current() const noexcept { return current_; }

 private:
  ms initial_;
  ms max_;
  ms current_;
  std::minstd_rand rng_;
};

}  // namespace goop::rendezvous
