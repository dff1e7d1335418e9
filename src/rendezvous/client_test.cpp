// RendezvousClient against a small rendezvous on 127.0.0.1 (port 0) built from goop's own
// web::HttpServer: WebSocket /ws (web::WebSocketChannel), SSE /events and POST /publish, with
// knobs to refuse the upgrade (425, 404). No sleeps: every wait is a condition with a deadline;
// the client's timings are shortened through ClientOptions.
#include "rendezvous/client.hpp"

#include "base/log.hpp"
#include "p2p/testing/random_peer.hpp"
#include "rendezvous/client_policy.hpp"
#include "rendezvous/publish_check.hpp"
#include "testing/run_coro.hpp"
#include "testing/wait_for.hpp"
#include "web/http.hpp"
#include "web/http_server.hpp"
#include "web/websocket.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>

namespace goop::rendezvous {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using goop::testing::run_coro;
using presence::MsgType;
using presence::PresenceMsg;

PresenceMsg presence_of(const std::string& peer, MsgType type, std::string label) {
  PresenceMsg m;
  m.type = type;
  m.peer_id = peer;
  m.content = std::move(label);
  m.public_key = "cHVi";
  m.verification_token = "token";
  m.goop_client_version = "test";
  m.addrs = {"/ip4/127.0.0.1/tcp/4001"};
  return m;
}

// A rendezvous just capable enough for the client: it records what it receives and relays
// every accepted presence to every WebSocket and event stream.
class TestRendezvous {
 public:
  TestRendezvous(asio::io_context& io, std::uint16_t port = 0)
      : server_(io.get_executor(), options(port)) {
    server_.route("GET", "/ws", [this](const web::Request& r) { return ws(r); });
    server_.route("GET", "/events", [this](const web::Request& r) { return events(r); });
    server_.route("POST", "/publish", [this](const web::Request& r) {
      auto m = check_publish(r.body);
      if (!m) return web::Response::text(400, "bad message: " + m.error().message);
      posted.push_back(*m);
      accept(*m);
      return web::Response::text(204, "");
    });
  }
  static web::HttpServer::Options options(std::uint16_t port) {
    web::HttpServer::Options o;
    o.port = port;
    o.sse_heartbeat = 100ms;  // notices a closed event stream quickly
    return o;
  }
  void listen() { ASSERT_TRUE(server_.listen().has_value()); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  std::uint16_t port() const { return server_.port(); }
  asio::awaitable<bool> stop() {
    for (auto& c : sockets_) c->close(1001, "going away");
    for (auto& s : streams_) s->close();
    co_return co_await server_.async_stop(2s);
  }

  // Sends `json` to every WebSocket and event stream (as a relay of another peer's presence).
  void broadcast(const std::string& json) {
    for (auto& c : sockets_) {
      if (!c->closed()) c->send(json);
    }
    for (auto& s : streams_) {
      if (!s->closed()) s->send("", json);
    }
  }
  bool knows(const std::string& peer) const { return known_.count(peer) > 0; }
  std::size_t open_sockets() const {
    return static_cast<std::size_t>(
        std::count_if(sockets_.begin(), sockets_.end(), [](auto& c) { return !c->closed(); }));
  }
  std::size_t open_streams() const {
    return static_cast<std::size_t>(
        std::count_if(streams_.begin(), streams_.end(), [](auto& s) { return !s->closed(); }));
  }

  // Knobs and records.
  int refuse_with = 0;     // answer /ws upgrades with this status (0: accept)
  int refusals_left = -1;  // how many upgrades to refuse (-1: all)
  int ws_attempts = 0;
  int probes = 0;
  std::vector<PresenceMsg> posted;     // via POST /publish
  std::vector<PresenceMsg> ws_frames;  // via the WebSocket

 private:
  void accept(const PresenceMsg& m) {
    known_.insert(m.peer_id);
    PresenceMsg relayed = m;
    relayed.verification_token.clear();
    relayed.verified = true;
    broadcast(presence::encode(relayed));
  }

  web::Response ws(const web::Request& r) {
    const bool probe = r.param("probe").has_value();
    if (probe) {
      ++probes;
    } else {
      ++ws_attempts;
    }
    if (refuse_with != 0 && refusals_left != 0) {
      if (refusals_left > 0) --refusals_left;
      return web::Response::text(refuse_with, "refused by the test");
    }
    auto channel = std::make_shared<web::WebSocketChannel>();
    if (probe) {
      channel->close(1000, "probe-ok");
      return web::Response::upgrade(channel);
    }
    const std::string peer(r.param("peer_id").value_or(""));
    web::WebSocketChannel* raw = channel.get();
    channel->on_message([this, peer, raw](std::string_view text) {
      auto m = check_publish(text);
      if (!m || m->peer_id != peer) {
        raw->send(R"({"type":"error","error":"refused"})");
        return;
      }
      ws_frames.push_back(*m);
      accept(*m);
    });
    sockets_.push_back(channel);
    return web::Response::upgrade(channel);
  }

  web::Response events(const web::Request& r) {
    const std::string peer(r.param("peer_id").value_or(""));
    if (!knows(peer)) return web::Response::text(403, "unknown peer");
    auto stream = std::make_shared<web::SseStream>();
    streams_.push_back(stream);
    return web::Response::sse(stream);
  }

  web::HttpServer server_;
  std::vector<std::shared_ptr<web::WebSocketChannel>> sockets_;
  std::vector<std::shared_ptr<web::SseStream>> streams_;
  std::set<std::string> known_;
};

class ClientTest : public ::testing::Test {
 protected:
  ClientOptions options(const std::string& url) {
    ClientOptions o;
    o.base_url = url;
    o.peer_id = self_id;
    o.backoff_initial = 20ms;
    o.backoff_max = 200ms;
    o.too_early_retry = 20ms;
    o.probe_first = 100ms;
    o.probe_every = 100ms;
    return o;
  }
  RendezvousClient& client(const std::string& url) {
    client_ = std::make_unique<RendezvousClient>(
        io.get_executor(), options(url), [this](const PresenceMsg& m) { heard.push_back(m); });
    return *client_;
  }
  bool wait(std::function<bool()> pred, std::chrono::milliseconds timeout = 5000ms) {
    return goop::testing::wait_for(io, std::move(pred), timeout);
  }
  bool heard_label(const std::string& label) const {
    return std::any_of(heard.begin(), heard.end(),
                       [&](const PresenceMsg& m) { return m.content == label; });
  }
  void SetUp() override {
    if (const char* spec = std::getenv("GOOP_TEST_LOG")) (void)log::configure(spec);
  }
  void TearDown() override {
    if (client_) run_coro(io, client_->async_stop(2s));
    for (auto& s : servers) run_coro(io, s->stop());
  }
  TestRendezvous& server() {
    servers.push_back(std::make_unique<TestRendezvous>(io));
    servers.back()->listen();
    return *servers.back();
  }

  asio::io_context io;
  std::string self_id = p2p::testing::random_peer_id();
  std::string other_id = p2p::testing::random_peer_id();
  std::vector<std::unique_ptr<TestRendezvous>> servers;
  std::unique_ptr<RendezvousClient> client_;
  std::vector<PresenceMsg> heard;
};

TEST_F(ClientTest, PublishesAndReceivesOverTheWebSocket) {
  TestRendezvous& rv = server();
  RendezvousClient& c = client(rv.url());
  c.publish(presence_of(self_id, MsgType::kOnline, "me"));
  c.start();
  ASSERT_TRUE(wait([&] { return c.connected() && !rv.ws_frames.empty(); }));
  // The newest presence went over the new WebSocket at once, the full copy.
  EXPECT_EQ(rv.ws_frames.front().peer_id, self_id);
  EXPECT_EQ(rv.ws_frames.front().public_key, "cHVi");
  EXPECT_EQ(rv.ws_frames.front().verification_token, "token");
  EXPECT_EQ(c.mode(), RendezvousClient::Mode::kWebSocket);
  const std::size_t posted = rv.posted.size();
  c.publish(presence_of(self_id, MsgType::kUpdate, "me again"));
  ASSERT_TRUE(wait([&] { return rv.ws_frames.back().content == "me again"; }));
  EXPECT_EQ(rv.posted.size(), posted) << "a connected client does not POST";
  // Another peer's presence reaches the callback; our own relayed copies never do.
  rv.broadcast(presence::encode(presence_of(other_id, MsgType::kUpdate, "other")));
  ASSERT_TRUE(wait([&] { return heard_label("other"); }));
  EXPECT_TRUE(std::none_of(heard.begin(), heard.end(),
                           [&](const PresenceMsg& m) { return m.peer_id == self_id; }));
}

TEST_F(ClientTest, ErrorFramesAndGarbageAreIgnored) {
  TestRendezvous& rv = server();
  RendezvousClient& c = client(rv.url());
  c.start();
  ASSERT_TRUE(wait([&] { return c.connected(); }));
  rv.broadcast(R"({"type":"error","error":"rate limit exceeded"})");
  rv.broadcast("not json");
  PresenceMsg punch = presence_of(other_id, MsgType::kPunch, "");
  punch.target = self_id;
  rv.broadcast(presence::encode(punch));
  ASSERT_TRUE(wait([&] { return !heard.empty(); }));
  ASSERT_EQ(heard.size(), 1u);  // frames arrive in order: the two before it were dropped
  EXPECT_EQ(heard[0].type, MsgType::kPunch);
  EXPECT_EQ(heard[0].target, self_id);
}

TEST_F(ClientTest, TooEarlyIsRetriedAndPublishesThenConnects) {
  TestRendezvous& rv = server();
  rv.refuse_with = 425;
  rv.refusals_left = 3;
  RendezvousClient& c = client(rv.url());
  c.publish(presence_of(self_id, MsgType::kOnline, "me"));
  c.start();
  ASSERT_TRUE(wait([&] { return c.connected(); }));
  EXPECT_EQ(rv.ws_attempts, 4);
  EXPECT_FALSE(rv.posted.empty()) << "a 425 publishes at once rather than at the next heartbeat";
  EXPECT_EQ(rv.probes, 0);
}

TEST_F(ClientTest, WithoutWebSocketsItUsesTheEventStreamAndPost) {
  TestRendezvous& rv = server();
  rv.refuse_with = 404;
  RendezvousClient& c = client(rv.url());
  c.publish(presence_of(self_id, MsgType::kOnline, "me"));
  c.start();
  ASSERT_TRUE(wait(
      [&] { return c.mode() == RendezvousClient::Mode::kEventStream && rv.open_streams() == 1; }));
  EXPECT_FALSE(c.connected());
  ASSERT_FALSE(rv.posted.empty());
  EXPECT_EQ(rv.posted.front().public_key, "cHVi");
  c.publish(presence_of(self_id, MsgType::kUpdate, "posted"));
  ASSERT_TRUE(wait([&] { return rv.posted.back().content == "posted"; }));
  rv.broadcast(presence::encode(presence_of(other_id, MsgType::kUpdate, "via sse")));
  ASSERT_TRUE(wait([&] { return heard_label("via sse"); }));
  EXPECT_EQ(rv.ws_attempts, 1) << "no WebSocket retries while on the event stream, only probes";
  EXPECT_TRUE(rv.ws_frames.empty());
}

TEST_F(ClientTest, APassingProbeSwitchesBackToTheWebSocket) {
  TestRendezvous& rv = server();
  rv.refuse_with = 404;
  RendezvousClient& c = client(rv.url());
  c.publish(presence_of(self_id, MsgType::kOnline, "me"));
  c.start();
  ASSERT_TRUE(wait([&] { return rv.probes >= 1 && rv.open_streams() == 1; }));
  EXPECT_FALSE(c.connected());
  rv.refuse_with = 0;
  ASSERT_TRUE(wait([&] { return c.connected(); }));
  EXPECT_EQ(c.mode(), RendezvousClient::Mode::kWebSocket);
  EXPECT_TRUE(wait([&] { return rv.open_streams() == 0; }))
      << "the event stream is closed after the switch";
  ASSERT_TRUE(wait([&] { return !rv.ws_frames.empty(); }));  // and we were published at once
}

TEST_F(ClientTest, ARendezvousDownAtStartIsRetriedUntilItAnswers) {
  std::uint16_t port = 0;
  {
    TestRendezvous probe(io);  // find a free port, then free it
    probe.listen();
    port = probe.port();
    ASSERT_TRUE(run_coro(io, probe.stop()));
  }
  RendezvousClient& c = client("http://127.0.0.1:" + std::to_string(port));
  c.publish(presence_of(self_id, MsgType::kOnline, "me"));
  c.start();
  ASSERT_TRUE(wait([&] { return c.connect_attempts() >= 3; }));
  EXPECT_FALSE(c.connected());
  servers.push_back(std::make_unique<TestRendezvous>(io, port));
  servers.back()->listen();
  ASSERT_TRUE(wait([&] { return c.connected() && !servers.back()->ws_frames.empty(); }));
}

TEST_F(ClientTest, StopPublishesOfflineAndClosesTheWebSocket) {
  TestRendezvous& rv = server();
  RendezvousClient& c = client(rv.url());
  c.publish(presence_of(self_id, MsgType::kOnline, "me"));
  c.start();
  ASSERT_TRUE(wait([&] { return c.connected() && !rv.ws_frames.empty(); }));
  run_coro(io, c.async_stop(2s));
  ASSERT_FALSE(rv.ws_frames.empty());
  EXPECT_EQ(rv.ws_frames.back().type, MsgType::kOffline);
  EXPECT_EQ(rv.ws_frames.back().public_key, "cHVi") << "the rendezvous copy is full, even offline";
  EXPECT_FALSE(c.connected());
  EXPECT_TRUE(wait([&] { return rv.open_sockets() == 0; }));
  c.publish(presence_of(self_id, MsgType::kUpdate, "after stop"));  // ignored
  EXPECT_NE(rv.ws_frames.back().content, "after stop");
}

TEST_F(ClientTest, WithoutAWebSocketStopPostsOffline) {
  TestRendezvous& rv = server();
  rv.refuse_with = 404;
  RendezvousClient& c = client(rv.url());
  c.publish(presence_of(self_id, MsgType::kOnline, "me"));
  c.start();
  ASSERT_TRUE(wait([&] { return rv.open_streams() == 1; }));
  run_coro(io, c.async_stop(2s));
  ASSERT_FALSE(rv.posted.empty());
  EXPECT_EQ(rv.posted.back().type, MsgType::kOffline);
}

}  // namespace
}  // namespace goop::rendezvous
