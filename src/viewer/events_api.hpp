#pragma once
// GET /api/mq/events (spec/viewer.md §4.1): a Server-Sent Events stream of the local bus.
// The first frame is `event: connected` {"status":"ok"}; then the current peer table is
// replayed as `peer:announce` messages (so a page that opens late still sees everyone, which
// the Go viewer does not do); then every bus event as `event: message`. Comment heartbeats
// keep proxies from dropping the idle stream (HttpServer::Options::sse_heartbeat). A page that
// cannot keep up is disconnected (its EventSource reconnects and gets the replay again).
//
// Executor rule: register and serve on the node executor.

#include "goop/mq/local_bus.hpp"

#include <functional>
#include <string>
#include <vector>

namespace goop::web {
class HttpServer;
}

namespace goop::viewer {

struct EventsApi {
  mq::LocalBus& bus;
  // peer:announce payloads for every peer in the table, sent to each new subscriber.
  std::function<std::vector<std::string>()> peer_snapshot;
};

void register_events_api(web::HttpServer& server, EventsApi api);

}  // namespace goop::viewer
