// The rendezvous server's presence routes (spec/rendezvous.md §2, §4.1, §5.1, §5.3, §14.1 and the
// issue-6 brief): POST /publish, GET /ws, GET /events, /healthz, /api/capabilities, GET /relay.
// Handlers are synchronous (they answer from memory) and run on the server's executor. Error
// bodies are text/plain with a trailing newline, as the Go reference's http.Error.

#include "p2p/crypto/peer_id.hpp"
#include "rendezvous/client_ip.hpp"
#include "rendezvous/publish_check.hpp"
#include "rendezvous/server_state.hpp"
#include "web/http_server.hpp"
#include "web/websocket.hpp"

#include <fmt/core.h>

#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace goop::rendezvous {
namespace {

web::Response plain(int status, std::string_view message) {
  return web::Response::text(status, std::string(message) + "\n");
}

// check_publish's reason without its "presence message: " prefix.
std::string reason_of(const Error& e) {
  std::string_view m = e.message;
  constexpr std::string_view kPrefix = "presence message: ";
  if (m.substr(0, kPrefix.size()) == kPrefix) m.remove_prefix(kPrefix.size());
  return std::string(m);
}

class ChannelSubscriber final : public Subscriber {
 public:
  ChannelSubscriber(std::shared_ptr<web::WebSocketChannel> ch,
                    std::optional<ConnectionCounter::Slot> slot)
      : ch_(std::move(ch)), slot_(std::move(slot)) {}
  bool send(std::shared_ptr<const std::string> json) override { return ch_->send(std::move(json)); }
  void close() override { ch_->close(1000, "replaced by a newer connection"); }
  bool alive() const override { return !ch_->closed(); }

 private:
  std::shared_ptr<web::WebSocketChannel> ch_;
  std::optional<ConnectionCounter::Slot> slot_;
};

class EventsSubscriber final : public Subscriber {
 public:
  EventsSubscriber(std::shared_ptr<web::SseStream> s, std::optional<ConnectionCounter::Slot> slot)
      : s_(std::move(s)), slot_(std::move(slot)) {}
  bool send(std::shared_ptr<const std::string> json) override { return s_->send({}, *json); }
  void close() override { s_->close(); }
  bool alive() const override { return !s_->closed(); }

 private:
  std::shared_ptr<web::SseStream> s_;
  std::optional<ConnectionCounter::Slot> slot_;
};

web::Response publish(ServerState& st, const web::Request& req) {
  const ClientAddr client = client_addr(req);
  if (!client.local && !st.publish_limiter.allow(client.ip)) {
    st.hub.count_refused();
    return plain(429, "rate limit exceeded");
  }
  auto m = check_publish(req.body);
  if (!m) {
    st.hub.count_refused();
    return plain(400, "bad message: " + reason_of(m.error()));
  }
  st.hub.publish(std::move(*m));
  web::Response r;
  r.status = 204;
  return r;
}

// The peer_id query parameter, checked; or the refusal.
std::variant<std::string, web::Response> peer_param(const web::Request& req) {
  auto p = req.param("peer_id");
  if (!p || p->empty()) return plain(400, "peer_id required");
  if (!p2p::PeerId::parse(*p)) return plain(400, "bad peer_id: not a libp2p peer ID");
  return std::string(*p);
}

void send_error(web::WebSocketChannel& ch, std::string_view reason) {
  ch.send(fmt::format(R"({{"type":"error","error":"{}"}})", web::json_escape(reason)));
}

// One text frame from the WebSocket of `peer_id`.
void on_frame(ServerState& st, const std::string& peer_id, bool local, SlidingWindow& window,
              web::WebSocketChannel& ch, std::string_view text) {
  if (!local && !window.allow(st.clock.now())) {
    st.hub.count_refused();
    return send_error(ch, "rate limit exceeded");
  }
  auto m = check_publish(text);
  if (!m) {
    st.hub.count_refused();
    return send_error(ch, reason_of(m.error()));
  }
  if (m->peer_id != peer_id) {
    st.hub.count_refused();
    return send_error(ch, fmt::format("peerId {} is not this connection's peer_id", m->peer_id));
  }
  st.hub.publish(std::move(*m));
}

web::Response websocket(ServerState& st, const web::Request& req) {
  if (req.param("probe") == "1") {
    auto ch = std::make_shared<web::WebSocketChannel>();
    ch->close(1000, "probe-ok");
    return web::Response::upgrade(std::move(ch));
  }
  auto peer = peer_param(req);
  if (auto* refusal = std::get_if<web::Response>(&peer)) return std::move(*refusal);
  std::string peer_id = std::get<std::string>(std::move(peer));
  if (!req.is_websocket_upgrade()) return plain(426, "websocket upgrade required");
  const ClientAddr client = client_addr(req);
  std::optional<ConnectionCounter::Slot> slot;
  if (!client.local) {
    slot = st.ws_per_ip.acquire(client.ip, kWsPerIp);
    if (!slot) return plain(429, "too many WebSocket connections from this IP");
  }
  web::WebSocketChannel::Options o;
  o.send_capacity = kWsQueue + st.hub.snapshot_size();
  o.max_message = kMaxFrameBytes;
  auto ch = std::make_shared<web::WebSocketChannel>(o);
  const auto id = st.hub.subscribe(peer_id, SubscriberKind::kWebSocket,
                                   std::make_shared<ChannelSubscriber>(ch, std::move(slot)));
  std::weak_ptr<web::WebSocketChannel> weak = ch;
  auto window = std::make_shared<SlidingWindow>();
  ch->on_message([&st, peer_id, local = client.local, window, weak](std::string_view text) {
    if (auto c = weak.lock()) on_frame(st, peer_id, local, *window, *c, text);
  });
  ch->on_close([&st, id] { st.hub.unsubscribe(id); });
  return web::Response::upgrade(std::move(ch));
}

web::Response events(ServerState& st, const web::Request& req) {
  auto peer = peer_param(req);
  if (auto* refusal = std::get_if<web::Response>(&peer)) return std::move(*refusal);
  std::string peer_id = std::get<std::string>(std::move(peer));
  if (!st.hub.knows(peer_id)) return plain(403, "unknown peer — publish first");
  if (st.hub.stats().sse_clients >= kSseTotal) {
    return plain(429, fmt::format("too many SSE connections ({})", kSseTotal));
  }
  const ClientAddr client = client_addr(req);
  std::optional<ConnectionCounter::Slot> slot;
  if (!client.local) {
    slot = st.sse_per_ip.acquire(client.ip, kSsePerIp);
    if (!slot) {
      return plain(429, fmt::format("too many SSE connections from {} ({})", client.ip, kSsePerIp));
    }
  }
  auto stream = std::make_shared<web::SseStream>(kSseQueue + st.hub.snapshot_size());
  st.hub.subscribe(std::move(peer_id), SubscriberKind::kEvents,
                   std::make_shared<EventsSubscriber>(stream, std::move(slot)));
  web::Response r = web::Response::sse(std::move(stream));
  r.set_header("Cache-Control", "no-cache");
  r.set_header("X-Accel-Buffering", "no");
  return r;
}

}  // namespace

void register_routes(web::HttpServer& server, ServerState& st) {
  server.route("POST", "/publish",
               web::SyncHandler([&st](const web::Request& req) { return publish(st, req); }));
  server.route("GET", "/ws",
               web::SyncHandler([&st](const web::Request& req) { return websocket(st, req); }));
  server.route("GET", "/events",
               web::SyncHandler([&st](const web::Request& req) { return events(st, req); }));
  // No method check on these two (as the Go reference).
  for (const char* method : {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    server.route(method, "/healthz", web::SyncHandler([](const web::Request&) {
                   return web::Response::text(200, "ok");
                 }));
    server.route(method, "/api/capabilities", web::SyncHandler([](const web::Request&) {
                   return web::Response::json(200, R"({"encryption":false,"registration":false,)"
                                                   R"("credits":false,"templates":false,)"
                                                   R"("bridge":false,"relay":false})");
                 }));
  }
  server.route("GET", "/relay", web::SyncHandler([](const web::Request&) {
                 return plain(404, "relay not enabled");
               }));
}

}  // namespace goop::rendezvous
