#include "viewer/events_api.hpp"

#include "web/http_server.hpp"

#include <memory>

namespace goop::viewer {

void register_events_api(web::HttpServer& server, EventsApi api) {
  server.route(
      "GET", "/api/mq/events", web::SyncHandler([api](const web::Request&) {
        auto stream = std::make_shared<web::SseStream>();
        stream->send("connected", R"({"status":"ok"})");
        for (auto& payload : api.peer_snapshot()) {
          stream->send(
              "message",
              mq::to_event_json({mq::random_uuid(), 0, "peer:announce", std::move(payload), {}}));
        }
        api.bus.subscribe([weak = std::weak_ptr<web::SseStream>(stream)](const mq::BusEvent& e) {
          auto s = weak.lock();
          return s && s->send("message", mq::to_event_json(e));
        });
        return web::Response::sse(std::move(stream));
      }));
}

}  // namespace goop::viewer
