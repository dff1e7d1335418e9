#pragma once
// RendezvousClient: a peer's link to one rendezvous (spec/rendezvous.md §5.2, §5.4, §5.5, §15;
// net.md §5.2.2). It publishes our presence and hands every presence the rendezvous sends
// (online/update/offline of other peers, punch hints) to a callback.
//
// Transport: a WebSocket `/ws?peer_id=<own id>` when the rendezvous offers one; otherwise
// (an upgrade refused with any status but 425) SSE `/events?peer_id=<id>` to receive and
// `POST /publish` to send, while `/ws?probe=1` is tried after probe_first and then every
// probe_every; when a probe passes the client goes back to the WebSocket. Fixes over the Go
// client: http:// stays ws:// (§17.10); refusals are classified on the numeric HTTP status
// (§17.10); a rendezvous that is down, or whose name does not resolve, is retried for ever with
// jittered exponential backoff (§17.17); a 425 publishes our presence at once instead of waiting
// for the next heartbeat.
//
// Executor rule: construct, call and destroy on one executor (the node thread); the callback
// runs there, never from inside publish(). Lifetime: start(), then await async_stop() before
// destroying.
//
// Invariants:
//  1. At most options.send_queue messages wait for the WebSocket; a full queue drops the oldest.
//  2. At most one POST /publish is in flight; publishing meanwhile replaces the waiting body
//     (only the newest presence matters).
//  3. Our own presence (peerId == options.peer_id) is never delivered to the callback.

#include "goop/presence/message.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace goop::rendezvous {

struct ClientOptions {
  std::string base_url;  // "http(s)://host[:port]", normalized (client_policy.hpp)
  std::string peer_id;   // ours, base58
  std::chrono::milliseconds too_early_retry{250};        // after a 425
  std::chrono::milliseconds backoff_initial{250};        // transport errors: doubling ...
  std::chrono::milliseconds backoff_max{30000};          // ... up to this, ±20 % jitter
  std::chrono::milliseconds backoff_reset_after{10000};  // a session that lasted resets it
  std::chrono::milliseconds probe_first{3000};           // WS probe while on SSE
  std::chrono::milliseconds probe_every{10000};
  std::chrono::milliseconds probe_timeout{2000};
  std::chrono::milliseconds handshake_timeout{5000};  // WS connect, SSE response head
  std::chrono::milliseconds ws_idle_timeout{15000};   // the server pings every 5 s
  std::chrono::milliseconds sse_idle_timeout{60000};  // the server comments every 25 s
  std::chrono::milliseconds publish_timeout{2000};    // POST /publish
  std::chrono::milliseconds stop_flush{1000};         // bound on sending offline at stop
  std::size_t send_queue = 64;
};

class RendezvousClient {
 public:
  using PresenceFn = std::function<void(const presence::PresenceMsg&)>;
  enum class Mode { kConnecting, kWebSocket, kEventStream };

  RendezvousClient(boost::asio::any_io_executor ex, ClientOptions options, PresenceFn on_presence);
  RendezvousClient(const RendezvousClient&) = delete;
  RendezvousClient& operator=(const RendezvousClient&) = delete;
  ~RendezvousClient();

  // Starts connecting (and keeps doing so until async_stop()). Call once.
  void start();

  // Sends our presence (the full rendezvous copy, net.md §5.2.2; ts is filled if 0): queued on
  // the WebSocket when it is up, else POSTed (timeout publish_timeout; a failure is logged once
  // per outage). The newest message is also what a new WebSocket session sends first. Before
  // start() it is only remembered. Ignored after async_stop() began.
  void publish(presence::PresenceMsg msg);

  // Whether the WebSocket is up (for status pages).
  bool connected() const noexcept;
  Mode mode() const noexcept;
  const std::string& base_url() const noexcept;
  // WebSocket connects tried so far (status pages, tests).
  std::size_t connect_attempts() const noexcept;

  // Publishes `offline` (a copy of the newest message) unless that was the newest already,
  // waits up to options.stop_flush for it to be written, closes the WebSocket, then stops every
  // task within `deadline`. Never throws.
  boost::asio::awaitable<void> async_stop(std::chrono::steady_clock::duration deadline);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace goop::rendezvous
