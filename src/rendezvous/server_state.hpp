#pragma once
// Internal to the rendezvous server (server.cpp, routes.cpp): the state the route handlers
// share. Not a public header.
//
// Executor rule: everything here is used on the server's executor only.
//
// Member order matters: the connection counters are declared before the hub, so the hub's
// subscribers (which hold counter slots) are destroyed first.

#include "base/clock.hpp"
#include "rendezvous/hub.hpp"
#include "rendezvous/rate_limit.hpp"
#include "rendezvous/server.hpp"

#include <cstddef>

namespace goop::web {
class HttpServer;
}

namespace goop::rendezvous {

// Limits of spec §16 and the brief.
inline constexpr std::size_t kWsQueue = 128;  // live messages queued per WebSocket
inline constexpr std::size_t kSseQueue = 64;  // live messages queued per SSE stream
inline constexpr std::size_t kWsPerIp = 100;
inline constexpr std::size_t kSseTotal = 1024;
inline constexpr std::size_t kSsePerIp = 10;
inline constexpr std::size_t kMaxFrameBytes = 64 * 1024;

struct ServerState {
  ServerState(const RendezvousOptions& o, const Clock& c)
      : options(o), clock(c), publish_limiter(c), hub(HubOptions{o.ttl}, c) {}

  RendezvousOptions options;
  const Clock& clock;
  RateLimiter publish_limiter;
  ConnectionCounter ws_per_ip;
  ConnectionCounter sse_per_ip;
  Hub hub;
};

// Registers POST /publish, GET /ws, GET /events, /healthz, /api/capabilities and GET /relay.
// `st` must outlive the server's connections (it does: both belong to RendezvousServer).
void register_routes(web::HttpServer& server, ServerState& st);

}  // namespace goop::rendezvous
