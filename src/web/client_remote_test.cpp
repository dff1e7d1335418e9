// web/client.hpp against a small Beast server written here (plain or TLS with a certificate
// generated at test time): HTTPS fetch with and without the CA, host-name checks, and the
// WebSocketClient (echo, server close, refused upgrade, idle timeout, size cap, wss). Real TCP
// on 127.0.0.1, port 0.
#include "base/errors.hpp"
#include "base/task_group.hpp"
#include "base/timeout.hpp"
#include "web/client.hpp"
#include "web/client_testkit.hpp"
#include "web/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <vector>

namespace goop::web {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using namespace std::chrono_literals;
using testkit::run;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// What the test server saw of the last request.
struct Seen {
  std::string host, token, target, sni;
};

// Answers one request per connection. Plain HTTP: 200 "secure <target>"; any request to
// "/refuse...": 425 "unknown peer". WebSocket upgrades by path: /echo echoes text, /close
// reads one message then closes with 4001 "go away", /silent never reads again, /big sends a
// 2000-byte message.
template <class Stream>
asio::awaitable<void> serve(Stream stream, std::shared_ptr<Seen> seen) {
  beast::flat_buffer buf;
  http::request<http::string_body> req;
  auto [ec, n] = co_await http::async_read(stream, buf, req, kTuple);
  (void)n;
  if (ec) co_return;
  seen->host = std::string(req[http::field::host]);
  seen->token = std::string(req["X-Token"]);
  seen->target = std::string(req.target());
  const std::string target = seen->target;
  if (target.rfind("/refuse", 0) == 0 || !websocket::is_upgrade(req)) {
    http::response<http::string_body> res;
    res.version(11);
    if (target.rfind("/refuse", 0) == 0) {
      res.result(425);
      res.body() = "unknown peer";
    } else {
      res.result(http::status::ok);
      res.body() = "secure " + target;
    }
    res.keep_alive(false);
    res.prepare_payload();
    co_await http::async_write(stream, res, kTuple);
    co_return;
  }
  websocket::stream<Stream> ws(std::move(stream));
  auto [aec] = co_await ws.async_accept(req, kTuple);
  if (aec) co_return;
  if (target.rfind("/echo", 0) == 0) {
    for (;;) {
      beast::flat_buffer msg;
      auto [rec, rn] = co_await ws.async_read(msg, kTuple);
      (void)rn;
      if (rec) co_return;
      ws.text(ws.got_text());
      auto [wec, wn] = co_await ws.async_write(msg.data(), kTuple);
      (void)wn;
      if (wec) co_return;
    }
  } else if (target == "/close") {
    beast::flat_buffer msg;
    auto [rec, rn] = co_await ws.async_read(msg, kTuple);
    (void)rn;
    if (rec) co_return;
    websocket::close_reason cr;
    cr.code = 4001;
    cr.reason = "go away";
    co_await ws.async_close(cr, kTuple);
  } else if (target == "/big") {
    const std::string big(2000, 'b');
    co_await ws.async_write(asio::buffer(big), kTuple);
    beast::flat_buffer msg;
    co_await ws.async_read(msg, kTuple);
  } else {  // /silent: keeps the connection open without reading (no pongs)
    asio::steady_timer t(co_await asio::this_coro::executor, 30s);
    co_await t.async_wait(kTuple);
  }
}

// A listener on 127.0.0.1:0; TLS when given a context. Its accept loop and its connections
// are tasks of its TaskGroup, ended by stop() (the fixture stops every server it made).
class TestServer {
 public:
  TestServer(asio::io_context& io, std::shared_ptr<ssl::context> tls)
      : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        port_(acceptor_.local_endpoint().port()),
        tls_(std::move(tls)),
        seen_(std::make_shared<Seen>()),
        tasks_(io.get_executor(), "test server") {
    tasks_.spawn(accept_loop(), "accept");
  }
  std::uint16_t port() const { return port_; }
  const Seen& seen() const { return *seen_; }
  // Closes the listener and ends every connection; true if all ended in time.
  asio::awaitable<bool> stop() {
    boost::system::error_code ec;
    acceptor_.close(ec);
    co_return co_await tasks_.async_stop(2s);
  }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, sock] = co_await acceptor_.async_accept(kTuple);
      if (ec) co_return;
      if (tls_) {
        tasks_.spawn(serve_tls(std::move(sock), tls_, seen_), "tls connection");
      } else {
        tasks_.spawn(serve(std::move(sock), seen_), "connection");
      }
    }
  }
  static asio::awaitable<void> serve_tls(tcp::socket sock, std::shared_ptr<ssl::context> tls,
                                         std::shared_ptr<Seen> seen) {
    ssl::stream<tcp::socket> s(std::move(sock), *tls);
    auto [ec] = co_await s.async_handshake(ssl::stream_base::server, kTuple);
    if (ec) co_return;
    const char* sni = SSL_get_servername(s.native_handle(), TLSEXT_NAMETYPE_host_name);
    seen->sni = sni != nullptr ? sni : "";
    co_await serve(std::move(s), seen);
  }

  tcp::acceptor acceptor_;
  std::uint16_t port_;
  std::shared_ptr<ssl::context> tls_;
  std::shared_ptr<Seen> seen_;
  TaskGroup tasks_;
};

class ClientRemoteTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (auto& s : servers_) EXPECT_TRUE(go(s->stop())) << "a test server did not stop";
  }
  template <class T>
  T go(asio::awaitable<T> task) {
    return run(io_, std::move(task));
  }
  void go(asio::awaitable<void> task) { run(io_, std::move(task)); }
  asio::awaitable<boost::system::result<std::unique_ptr<WebSocketClient>, WsConnectError>> connect(
      std::string url, WsConnectOptions o = {}) {
    return WebSocketClient::connect(io_.get_executor(), std::move(url), std::move(o));
  }
  // A test server (plain, or TLS with `tls`), stopped when the test ends.
  TestServer& serve(std::shared_ptr<ssl::context> tls) {
    servers_.push_back(std::make_unique<TestServer>(io_, std::move(tls)));
    return *servers_.back();
  }

  asio::io_context io_;
  std::vector<std::unique_ptr<TestServer>> servers_;
};

// --- HTTPS ---

TEST_F(ClientRemoteTest, HttpsWithTheCaFileVerifiesNameAndSendsSni) {
  testkit::TestCert cert("DNS:localhost,IP:127.0.0.1");
  TestServer& server = serve(cert.server_context());
  ClientRequest req;
  req.url = fmt::format("https://localhost:{}/hello?x=1", server.port());
  req.tls.ca_file = cert.ca_file();
  auto r = go(fetch(io_.get_executor(), req));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "secure /hello?x=1");
  EXPECT_EQ(server.seen().sni, "localhost");
  EXPECT_EQ(server.seen().host, fmt::format("localhost:{}", server.port()));

  req.url = fmt::format("https://127.0.0.1:{}/ip", server.port());  // IP SAN; no SNI for an IP
  auto by_ip = go(fetch(io_.get_executor(), req));
  ASSERT_TRUE(by_ip.has_value()) << by_ip.error().message;
  EXPECT_EQ(by_ip->body, "secure /ip");
  EXPECT_EQ(server.seen().sni, "");
}

TEST_F(ClientRemoteTest, HttpsRefusesAnUntrustedOrMisnamedCertificate) {
  testkit::TestCert cert("DNS:localhost,IP:127.0.0.1");
  TestServer& server = serve(cert.server_context());
  ClientRequest req;
  req.url = fmt::format("https://localhost:{}/", server.port());
  auto untrusted = go(fetch(io_.get_executor(), req));  // the system store does not know it
  ASSERT_FALSE(untrusted.has_value());
  EXPECT_EQ(untrusted.error().message.rfind(
                req.url + ": TLS handshake failed: certificate verify failed (", 0),
            0u)
      << untrusted.error().message;

  testkit::TestCert other("DNS:other.test");
  TestServer& misnamed = serve(other.server_context());
  req.url = fmt::format("https://127.0.0.1:{}/", misnamed.port());
  req.tls.ca_file = other.ca_file();
  auto mismatch = go(fetch(io_.get_executor(), req));
  ASSERT_FALSE(mismatch.has_value());
  EXPECT_EQ(mismatch.error().message,
            req.url + ": TLS handshake failed: certificate verify failed (IP address mismatch)");
  req.url = fmt::format("https://localhost:{}/", misnamed.port());
  auto name_mismatch = go(fetch(io_.get_executor(), req));
  ASSERT_FALSE(name_mismatch.has_value());
  EXPECT_EQ(name_mismatch.error().message,
            req.url + ": TLS handshake failed: certificate verify failed (hostname mismatch)");
}

TEST_F(ClientRemoteTest, HttpsToAPlainServerOrWithABadCaFileSaysSo) {
  TestServer& plain = serve(nullptr);
  ClientRequest req;
  req.url = fmt::format("https://127.0.0.1:{}/", plain.port());
  req.timeout = 2000ms;
  auto r = go(fetch(io_.get_executor(), req));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message.rfind(req.url + ": TLS handshake failed: ", 0), 0u)
      << r.error().message;
  EXPECT_NE(r.error().message.find("is this port serving TLS?"), std::string::npos)
      << r.error().message;

  req.tls.ca_file = "/nonexistent/ca.pem";
  auto bad_ca = go(fetch(io_.get_executor(), req));
  ASSERT_FALSE(bad_ca.has_value());
  EXPECT_EQ(bad_ca.error().message.rfind(
                req.url + ": cannot load CA certificates from /nonexistent/ca.pem", 0),
            0u)
      << bad_ca.error().message;
}

// --- WebSocketClient ---

asio::awaitable<std::vector<std::string>> read_n(WebSocketClient* c, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    auto m = co_await c->read();
    if (!m) break;
    out.push_back(std::move(*m));
  }
  co_return out;
}

asio::awaitable<void> write_n(WebSocketClient* c, int n) {
  for (int i = 0; i < n; ++i) {
    auto w = co_await c->write(fmt::format("message {}", i));
    EXPECT_TRUE(w.has_value()) << w.error().message;
  }
}

// One read and one write outstanding at the same time.
asio::awaitable<std::vector<std::string>> echo_concurrently(WebSocketClient* c, int n) {
  auto ex = co_await asio::this_coro::executor;
  auto [order, e1, got, e2] =
      co_await asio::experimental::make_parallel_group(
          asio::co_spawn(ex, read_n(c, n), asio::deferred),
          asio::co_spawn(ex, write_n(c, n), asio::deferred))
          .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  (void)order;
  if (e1) std::rethrow_exception(e1);
  if (e2) std::rethrow_exception(e2);
  co_return got;
}

TEST_F(ClientRemoteTest, WebSocketEchoesWithReadAndWriteInFlight) {
  TestServer& server = serve(nullptr);
  WsConnectOptions o;
  o.headers["X-Token"] = "t0k";
  auto c = go(connect(fmt::format("ws://127.0.0.1:{}/echo?peer_id=abc", server.port()), o));
  ASSERT_TRUE(c.has_value()) << c.error().error.message;
  auto got = go(echo_concurrently(c->get(), 3));
  EXPECT_EQ(got, (std::vector<std::string>{"message 0", "message 1", "message 2"}));
  EXPECT_EQ(server.seen().target, "/echo?peer_id=abc");
  EXPECT_EQ(server.seen().host, fmt::format("127.0.0.1:{}", server.port()));
  EXPECT_EQ(server.seen().token, "t0k");

  go((*c)->close(1000, "done"));
  go((*c)->close(1000, "again"));  // idempotent
  auto w = go((*c)->write("late"));
  ASSERT_FALSE(w.has_value());
  EXPECT_EQ(w.error().code, Errc::kClosed);
}

TEST_F(ClientRemoteTest, WebSocketServerCloseGivesCodeAndReason) {
  TestServer& server = serve(nullptr);
  auto c = go(connect(fmt::format("ws://127.0.0.1:{}/close", server.port())));
  ASSERT_TRUE(c.has_value()) << c.error().error.message;
  ASSERT_TRUE(go((*c)->write("bye")).has_value());
  auto r = go((*c)->read());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::kClosed);
  EXPECT_EQ((*c)->close_code(), 4001);
  EXPECT_EQ((*c)->close_reason(), "go away");
  EXPECT_NE(r.error().message.find("code 4001, \"go away\""), std::string::npos)
      << r.error().message;
}

TEST_F(ClientRemoteTest, WebSocketRefusedUpgradeKeepsTheHttpStatus) {
  TestServer& server = serve(nullptr);
  const std::string url = fmt::format("ws://127.0.0.1:{}/refuse?peer_id=x", server.port());
  auto c = go(connect(url));
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().http_status, 425);
  EXPECT_EQ(c.error().error.message,
            url + ": the server refused the WebSocket upgrade (HTTP 425): unknown peer");
}

TEST_F(ClientRemoteTest, WebSocketRefusesHttpUrlsAndReportsRefusedConnections) {
  auto c = go(connect("http://127.0.0.1:1/ws"));
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().http_status, 0);
  EXPECT_EQ(c.error().error.message,
            "http://127.0.0.1:1/ws: not a WebSocket URL (use ws:// or wss://)");

  // A port bound but not listening refuses connections, and stays ours while the test runs
  // (a port found free and released could be taken by another program in between).
  tcp::socket holder(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::uint16_t port = holder.local_endpoint().port();
  const std::string url = fmt::format("ws://127.0.0.1:{}/ws", port);
  auto refused = go(connect(url));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().http_status, 0);
  EXPECT_EQ(refused.error().error.message,
            url + ": connection refused (is the server running and the URL right?)");
}

TEST_F(ClientRemoteTest, WebSocketIdleTimeoutAndSizeCap) {
  TestServer& server = serve(nullptr);
  WsConnectOptions o;
  o.idle_timeout = 300ms;
  auto silent = go(connect(fmt::format("ws://127.0.0.1:{}/silent", server.port()), o));
  ASSERT_TRUE(silent.has_value()) << silent.error().error.message;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = go((*silent)->read());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::kTimeout) << r.error().message;
  EXPECT_NE(r.error().message.find("nothing heard from the server for 300 ms"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);

  WsConnectOptions small;
  small.max_message = 1024;
  auto big = go(connect(fmt::format("ws://127.0.0.1:{}/big", server.port()), small));
  ASSERT_TRUE(big.has_value()) << big.error().error.message;
  auto m = go((*big)->read());
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().code, Errc::kTooLarge) << m.error().message;
  EXPECT_NE(m.error().message.find("larger than 1 KiB"), std::string::npos) << m.error().message;
}

asio::awaitable<Result<std::string>> read_recording(WebSocketClient* c, Error* inner) {
  auto r = co_await c->read();
  if (r) co_return std::move(*r);
  *inner = r.error();
  co_return r.error().code;
}

TEST_F(ClientRemoteTest, WebSocketReadEndsOnCancellation) {
  TestServer& server = serve(nullptr);
  WsConnectOptions o;
  o.idle_timeout = 30s;
  auto c = go(connect(fmt::format("ws://127.0.0.1:{}/silent", server.port()), o));
  ASSERT_TRUE(c.has_value()) << c.error().error.message;
  Error inner;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = go(with_timeout(read_recording(c->get(), &inner), 200ms));
  EXPECT_EQ(r.error(), Errc::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  EXPECT_EQ(inner.code, Errc::kCancelled) << inner.message;
  auto w = go((*c)->write("after"));
  EXPECT_FALSE(w.has_value());
}

TEST_F(ClientRemoteTest, SecureWebSocketNeedsATrustedCertificate) {
  testkit::TestCert cert("DNS:localhost,IP:127.0.0.1");
  TestServer& server = serve(cert.server_context());
  const std::string url = fmt::format("wss://localhost:{}/echo", server.port());
  auto untrusted = go(connect(url));
  ASSERT_FALSE(untrusted.has_value());
  EXPECT_EQ(untrusted.error().http_status, 0);
  EXPECT_EQ(untrusted.error().error.message.rfind(
                url + ": TLS handshake failed: certificate verify failed", 0),
            0u)
      << untrusted.error().error.message;

  WsConnectOptions o;
  o.tls.ca_file = cert.ca_file();
  auto c = go(connect(url, o));
  ASSERT_TRUE(c.has_value()) << c.error().error.message;
  auto got = go(echo_concurrently(c->get(), 2));
  EXPECT_EQ(got, (std::vector<std::string>{"message 0", "message 1"}));
  EXPECT_EQ(server.seen().sni, "localhost");
  go((*c)->close(1000, ""));
}

}  // namespace
}  // namespace goop::web
