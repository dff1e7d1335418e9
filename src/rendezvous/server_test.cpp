// The rendezvous routes over real HTTP on 127.0.0.1 (port 0), with a raw socket client.

#include "rendezvous/server.hpp"

#include "goop/config/config.hpp"
#include "rendezvous/hub.hpp"
#include "testing/run_coro.hpp"
#include "web/client.hpp"
#include "web/testkit.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <stdlib.h>

namespace goop::rendezvous {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;
using goop::testing::run_coro;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

const std::string kPeerA = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";
const std::string kPeerB = "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp";

using web::testkit::fetch;
using web::testkit::Reply;

std::string presence(const std::string& type, const std::string& peer, const std::string& content) {
  return fmt::format(R"({{"type":"{}","peerId":"{}","content":"{}","ts":1}})", type, peer, content);
}

// A client that keeps its connection open and reads as the test asks (an event stream).
struct Stream {
  explicit Stream(asio::io_context& io) : socket(io) {}
  asio::awaitable<bool> open(std::uint16_t port, std::string raw) {
    auto [ec] = co_await socket.async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), kTuple);
    if (ec) co_return false;
    auto [wec, wn] = co_await asio::async_write(socket, asio::buffer(raw), kTuple);
    (void)wn;
    co_return !wec;
  }
  // Reads until `pred(received)` holds; false if the connection ends first.
  asio::awaitable<bool> read_until(std::function<bool(const std::string&)> pred) {
    while (!pred(received)) {
      char chunk[4096];
      auto [ec, n] = co_await socket.async_read_some(asio::buffer(chunk), kTuple);
      if (ec) co_return false;
      received.append(chunk, n);
    }
    co_return true;
  }
  tcp::socket socket;
  std::string received;
};

class RendezvousServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "goop-rv-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    stop();
    std::filesystem::remove_all(dir_);
  }
  void start(RendezvousOptions o = {}) {
    o.port = 0;
    server_ = std::make_unique<RendezvousServer>(io_.get_executor(), o);
    auto r = server_->start();
    ASSERT_TRUE(r.has_value()) << r.error().message;
    port_ = server_->port();
  }
  void stop() {
    if (server_) run_coro(io_, server_->async_stop(std::chrono::seconds(2)));
    server_.reset();
  }
  Reply call(const std::string& method, const std::string& target, const std::string& body = {},
             const std::string& extra = {}) {
    std::string raw = fmt::format("{} {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n",
                                  method, target, port_);
    if (!body.empty())
      raw += fmt::format("Content-Type: application/json\r\nContent-Length: {}\r\n", body.size());
    return run_coro(io_, fetch(port_, raw + extra + "\r\n" + body));
  }
  Reply publish(const std::string& body, const std::string& extra = {}) {
    return call("POST", "/publish", body, extra);
  }

  asio::io_context io_;
  std::filesystem::path dir_;
  std::unique_ptr<RendezvousServer> server_;
  std::uint16_t port_ = 0;
};

TEST_F(RendezvousServerTest, PublishAcceptsValidPresenceWith204) {
  start();
  auto r = publish(presence("online", kPeerA, "Alice"));
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(server_->hub().knows(kPeerA));
  EXPECT_EQ(server_->hub().stats().published, 1u);
}

TEST_F(RendezvousServerTest, PublishRefusesBadMessagesWith400Text) {
  start();
  auto r = publish(R"({"type":"punch","peerId":")" + kPeerA + R"(","ts":1})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body.rfind("bad message: ", 0), 0u) << r.body;
  EXPECT_NE(r.body.find("punch"), std::string::npos);
  EXPECT_EQ(r.body.back(), '\n');
  EXPECT_NE(r.header("Content-Type").find("text/plain"), std::string::npos);
  r = publish("not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_FALSE(server_->hub().knows(kPeerA));
  EXPECT_EQ(server_->hub().stats().refused, 2u);
}

TEST_F(RendezvousServerTest, PublishOtherMethodsGet405) {
  start();
  EXPECT_EQ(call("GET", "/publish").status, 405);
}

TEST_F(RendezvousServerTest, PublishIsRateLimitedPerForwardedClientIp) {
  start();
  const std::string body = presence("update", kPeerA, "x");
  const std::string xff1 = "X-Forwarded-For: 10.9.9.9, 198.51.100.1\r\n";
  for (int i = 0; i < 60; ++i) ASSERT_EQ(publish(body, xff1).status, 204) << i;
  auto r = publish(body, xff1);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.body, "rate limit exceeded\n");
  // Another client behind the same proxy has its own window.
  EXPECT_EQ(publish(body, "X-Forwarded-For: 198.51.100.2\r\n").status, 204);
  // A loopback client without X-Forwarded-For (the hosting peer) is not limited.
  for (int i = 0; i < 70; ++i) ASSERT_EQ(publish(body).status, 204) << i;
}

TEST_F(RendezvousServerTest, EventsNeedAKnownPeer) {
  start();
  EXPECT_EQ(call("GET", "/events").status, 400);
  EXPECT_EQ(call("GET", "/events?peer_id=nonsense").status, 400);
  auto r = call("GET", "/events?peer_id=" + kPeerA);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "unknown peer — publish first\n");
}

TEST_F(RendezvousServerTest, EventsSendSnapshotThenLiveData) {
  start();
  ASSERT_EQ(publish(presence("online", kPeerA, "Alice")).status, 204);
  Stream sse(io_);
  ASSERT_TRUE(run_coro(
      io_,
      sse.open(port_, fmt::format("GET /events?peer_id={} HTTP/1.1\r\nHost: x\r\n\r\n", kPeerA))));
  ASSERT_TRUE(run_coro(io_, sse.read_until([](const std::string& s) {
    return s.find("Alice") != std::string::npos;
  })));
  EXPECT_NE(sse.received.find("text/event-stream"), std::string::npos);
  EXPECT_NE(sse.received.find("data: {\"type\":\"update\",\"peerId\":\"" + kPeerA),
            std::string::npos)
      << sse.received;
  EXPECT_EQ(server_->hub().stats().sse_clients, 1u);

  ASSERT_EQ(publish(presence("online", kPeerB, "Bob")).status, 204);
  ASSERT_TRUE(run_coro(io_, sse.read_until([](const std::string& s) {
    return s.find("Bob") != std::string::npos;
  })));
  EXPECT_NE(sse.received.find("data: {\"type\":\"online\",\"peerId\":\"" + kPeerB),
            std::string::npos);
  EXPECT_NE(sse.received.find("\"verified\":true}\n\n"), std::string::npos);
}

TEST_F(RendezvousServerTest, HealthCapabilitiesAndRelay) {
  start();
  auto h = call("GET", "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body, "ok");
  EXPECT_EQ(call("POST", "/healthz").status, 200);
  auto c = call("GET", "/api/capabilities");
  EXPECT_EQ(c.status, 200);
  EXPECT_EQ(
      c.body,
      R"({"encryption":false,"registration":false,"credits":false,"templates":false,"bridge":false,"relay":false})");
  auto r = call("GET", "/relay");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "relay not enabled\n");
}

TEST_F(RendezvousServerTest, WsRefusesMissingOrBadPeerId) {
  start();
  EXPECT_EQ(call("GET", "/ws").status, 400);
  EXPECT_EQ(call("GET", "/ws?peer_id=xyz").status, 400);
  EXPECT_EQ(call("GET", "/ws?peer_id=" + kPeerA).status, 426);  // not an upgrade request
}

TEST_F(RendezvousServerTest, PeerDbKeepsPeersAcrossRestart) {
  RendezvousOptions o;
  o.peer_db_path = (dir_ / "peers.db").string();
  start(o);
  ASSERT_EQ(
      publish(R"({"type":"online","peerId":")" + kPeerA +
              R"(","content":"Alice","addrs":["/ip4/1.2.3.4/tcp/1"],"publicKey":"cGs=","ts":1})")
          .status,
      204);
  stop();
  start(o);
  EXPECT_TRUE(server_->hub().knows(kPeerA));
  auto row = server_->hub().row_for_testing(kPeerA);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->msg.addrs, std::vector<std::string>{"/ip4/1.2.3.4/tcp/1"});
  EXPECT_EQ(row->msg.public_key, "cGs=");
}

TEST_F(RendezvousServerTest, UnusablePeerDbRunsInMemory) {
  RendezvousOptions o;
  std::filesystem::create_directories(dir_ / "isadir");
  o.peer_db_path = (dir_ / "isadir").string();
  start(o);
  EXPECT_EQ(publish(presence("online", kPeerA, "Alice")).status, 204);
  EXPECT_NE(server_->hub().logs_json().find("running in memory only"), std::string::npos);
}

asio::awaitable<std::unique_ptr<web::WebSocketClient>> ws_connect(std::uint16_t port,
                                                                  std::string query) {
  auto ex = co_await asio::this_coro::executor;
  const std::string url = fmt::format("ws://127.0.0.1:{}/ws?{}", port, query);
  web::WsConnectOptions options;
  auto c = co_await web::WebSocketClient::connect(ex, url, options);
  if (!c) co_return nullptr;
  co_return std::move(*c);
}

// Reads messages until one contains `needle`; returns every message read (empty on error).
asio::awaitable<std::vector<std::string>> ws_read_until(web::WebSocketClient& c,
                                                        std::string needle) {
  std::vector<std::string> got;
  for (;;) {
    auto m = co_await c.read();
    if (!m) co_return std::vector<std::string>{};
    got.push_back(*m);
    if (m->find(needle) != std::string::npos) co_return got;
  }
}

TEST_F(RendezvousServerTest, WsProbeClosesWithProbeOk) {
  start();
  auto c = run_coro(io_, ws_connect(port_, "probe=1"));
  ASSERT_TRUE(c);
  auto m = run_coro(io_, c->read());
  EXPECT_FALSE(m.has_value());
  EXPECT_EQ(c->close_code(), 1000);
  EXPECT_EQ(c->close_reason(), "probe-ok");
}

TEST_F(RendezvousServerTest, WsUnknownPeerIsAcceptedAndGetsSnapshotAfterFirstFrame) {
  start();
  ASSERT_EQ(publish(presence("online", kPeerB, "Bob")).status, 204);
  auto a = run_coro(io_, ws_connect(port_, "peer_id=" + kPeerA));
  ASSERT_TRUE(a);
  run_coro(io_, [&]() -> asio::awaitable<void> {
    auto w = co_await a->write(presence("online", kPeerA, "Alice"));
    EXPECT_TRUE(w.has_value());
  }());
  auto got = run_coro(io_, ws_read_until(*a, "Alice"));
  ASSERT_EQ(got.size(), 2u);  // the snapshot (Bob as update), then its own online
  EXPECT_NE(got[0].find("Bob"), std::string::npos);
  EXPECT_NE(got[0].find("\"type\":\"update\""), std::string::npos);
  // A frame for another peer is refused with an error frame.
  run_coro(io_, [&]() -> asio::awaitable<void> {
    (void)co_await a->write(presence("update", kPeerB, "evil"));
  }());
  auto err = run_coro(io_, ws_read_until(*a, "\"type\":\"error\""));
  ASSERT_FALSE(err.empty());
  EXPECT_NE(err.back().find("peer_id"), std::string::npos);
  EXPECT_EQ(server_->hub().row_for_testing(kPeerB)->msg.content, "Bob");
  run_coro(io_, a->close());
}

TEST_F(RendezvousServerTest, WsBadFramesGetErrorFramesAndTheConnectionGoesOn) {
  start();
  auto a = run_coro(io_, ws_connect(port_, "peer_id=" + kPeerA));
  ASSERT_TRUE(a);
  run_coro(io_, [&]() -> asio::awaitable<void> { (void)co_await a->write("this is not json"); }());
  auto err = run_coro(io_, ws_read_until(*a, "\"type\":\"error\""));
  ASSERT_FALSE(err.empty());
  EXPECT_NE(err.back().find("JSON"), std::string::npos) << err.back();
  run_coro(io_, [&]() -> asio::awaitable<void> {
    (void)co_await a->write(presence("punch", kPeerA, "x"));
  }());
  err = run_coro(io_, ws_read_until(*a, "\"type\":\"error\""));
  ASSERT_FALSE(err.empty());
  EXPECT_NE(err.back().find("punch"), std::string::npos) << err.back();
  // Still served: its own presence comes back to it.
  run_coro(io_, [&]() -> asio::awaitable<void> {
    (void)co_await a->write(presence("online", kPeerA, "Alice"));
  }());
  EXPECT_FALSE(run_coro(io_, ws_read_until(*a, "Alice")).empty());
  // A frame over 64 KiB ends the connection with 1009; the server goes on.
  const std::string huge(100 * 1024, 'x');
  run_coro(io_, [&]() -> asio::awaitable<void> { (void)co_await a->write(huge); }());
  EXPECT_TRUE(run_coro(io_, ws_read_until(*a, "never")).empty());
  EXPECT_EQ(a->close_code(), 1009);
  EXPECT_EQ(publish(presence("update", kPeerB, "Bob")).status, 204);
}

TEST_F(RendezvousServerTest, WsReplacementDoesNotMarkOffline) {
  start();
  ASSERT_EQ(publish(presence("online", kPeerA, "Alice")).status, 204);
  ASSERT_EQ(publish(presence("online", kPeerB, "Bob")).status, 204);
  Stream sse(io_);
  ASSERT_TRUE(run_coro(
      io_,
      sse.open(port_, fmt::format("GET /events?peer_id={} HTTP/1.1\r\nHost: x\r\n\r\n", kPeerB))));
  auto first = run_coro(io_, ws_connect(port_, "peer_id=" + kPeerA));
  ASSERT_TRUE(first);
  auto second = run_coro(io_, ws_connect(port_, "peer_id=" + kPeerA));
  ASSERT_TRUE(second);
  auto m = run_coro(io_, ws_read_until(*first, "never"));  // the first one is closed
  EXPECT_TRUE(m.empty());
  run_coro(io_, second->close());
  ASSERT_EQ(publish(presence("update", kPeerB, "Bob2")).status, 204);
  ASSERT_TRUE(run_coro(io_, sse.read_until([](const std::string& s) {
    return s.find("Bob2") != std::string::npos;
  })));
  EXPECT_EQ(sse.received.find("offline"), std::string::npos);
  EXPECT_TRUE(server_->hub().knows(kPeerA));
}

TEST(RendezvousOptions, FromConfig) {
  config::Config c;
  c.presence.rendezvous_bind = "";
  c.presence.rendezvous_port = 9999;
  c.presence.ttl_seconds = 33;
  c.presence.external_url = "https://goop2.com//";
  c.presence.peer_db_path = "data/peers.db";
  c.presence.admin_password = "pw";
  auto o = from_config(c, "/srv/peer");
  EXPECT_EQ(o.bind, "127.0.0.1");
  EXPECT_EQ(o.port, 9999);
  EXPECT_EQ(o.ttl, std::chrono::seconds(33));
  EXPECT_EQ(o.external_url, "https://goop2.com");
  EXPECT_EQ(o.peer_db_path, "/srv/peer/data/peers.db");
  EXPECT_EQ(o.admin_password, "pw");
  c.presence.peer_db_path = "/var/lib/peers.db";
  EXPECT_EQ(from_config(c, "/srv/peer").peer_db_path, "/var/lib/peers.db");
  c.presence.peer_db_path = "";
  EXPECT_EQ(from_config(c, "/srv/peer").peer_db_path, "");
}

}  // namespace
}  // namespace goop::rendezvous
