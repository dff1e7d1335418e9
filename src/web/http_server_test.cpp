// HttpServer over real TCP on 127.0.0.1 (port 0). The client side is plain Asio: raw request
// bytes out, a minimal Content-Length response reader in. No sleeps: every wait is bounded by
// run()'s deadline, and timeouts are small Options values.
#include "web/http_server.hpp"

#include "base/errors.hpp"
#include "base/result.hpp"
#include "web/testkit.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <stdexcept>

namespace goop::web {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Reply {
  int status = 0;
  Headers headers;
  std::string body;
};

// Reads one Content-Length-framed response from `s`; `buf` carries bytes read past it.
// (Reference parameters: always awaited at once by the caller.)
asio::awaitable<Result<Reply>> read_reply(tcp::socket& s, std::string& buf) {
  auto [ec, n] = co_await asio::async_read_until(s, asio::dynamic_buffer(buf), "\r\n\r\n", kTuple);
  (void)n;
  if (ec) co_return ec;
  const std::size_t head_end = buf.find("\r\n\r\n") + 4;
  Reply r;
  const std::string head = buf.substr(0, head_end);
  r.status = std::stoi(head.substr(9, 3));
  std::size_t pos = head.find("\r\n") + 2;
  while (pos + 2 < head.size()) {
    const std::size_t eol = head.find("\r\n", pos);
    const std::string line = head.substr(pos, eol - pos);
    const std::size_t colon = line.find(':');
    r.headers[line.substr(0, colon)] = line.substr(line.find_first_not_of(' ', colon + 1));
    pos = eol + 2;
  }
  std::size_t len = 0;
  if (auto it = r.headers.find("Content-Length"); it != r.headers.end())
    len = std::stoul(it->second);
  if (buf.size() < head_end + len) {
    auto [ec2, n2] = co_await asio::async_read(
        s, asio::dynamic_buffer(buf), asio::transfer_exactly(head_end + len - buf.size()), kTuple);
    (void)n2;
    if (ec2) co_return ec2;
  }
  r.body = buf.substr(head_end, len);
  buf.erase(0, head_end + len);
  co_return r;
}

asio::awaitable<Result<tcp::socket>> connect(std::uint16_t port) {
  tcp::socket s(co_await asio::this_coro::executor);
  auto [ec] =
      co_await s.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), kTuple);
  if (ec) co_return ec;
  co_return std::move(s);
}

asio::awaitable<Result<Reply>> exchange(tcp::socket& s, std::string& buf, std::string raw) {
  auto [ec, n] = co_await asio::async_write(s, asio::buffer(raw), kTuple);
  (void)n;
  if (ec) co_return ec;
  co_return co_await read_reply(s, buf);
}

// One request on a fresh connection.
asio::awaitable<Result<Reply>> fetch(std::uint16_t port, std::string raw) {
  auto s = co_await connect(port);
  if (!s) co_return s.error();
  std::string buf;
  co_return co_await exchange(*s, buf, std::move(raw));
}

std::string get(std::string_view path, std::uint16_t port) {
  return fmt::format("GET {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", path, port);
}

// Reads until the peer closes; returns the error that ended the read (eof if clean).
asio::awaitable<boost::system::error_code> read_until_closed(tcp::socket& s) {
  char tmp[256];
  for (;;) {
    auto [ec, n] = co_await s.async_read_some(asio::buffer(tmp), kTuple);
    (void)n;
    if (ec) co_return ec;
  }
}

class HttpServerTest : public ::testing::Test {
 protected:
  static HttpServer::Options small_options() {
    HttpServer::Options o;
    o.read_timeout = 2s;
    o.idle_timeout = 2s;
    o.write_timeout = 2s;
    return o;
  }
  HttpServer& make(HttpServer::Options o = small_options()) {
    server_ = std::make_unique<HttpServer>(io_.get_executor(), std::move(o));
    return *server_;
  }
  void listen() {
    auto r = server_->listen();
    ASSERT_TRUE(r.has_value()) << r.error().message;
    port_ = server_->port();
    ASSERT_NE(port_, 0);
  }
  // Runs `body` and then stops the server, all within `limit`.
  void run(std::function<asio::awaitable<void>()> body, std::chrono::seconds limit = 10s) {
    testkit::run_then_stop(io_, *server_, std::move(body), limit);
  }

  asio::io_context io_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
};

TEST_F(HttpServerTest, ServesJsonRoutesSyncAndAsync) {
  auto& s = make();
  s.route("GET", "/api/self", [](const Request&) { return Response::json(200, R"({"id":"me"})"); });
  s.route("GET", "/api/peers", [](Request req) -> asio::awaitable<Response> {
    co_return Response::json(200, fmt::format(R"({{"limit":"{}","from":"{}"}})",
                                              req.param("limit").value_or(""), req.remote_address));
  });
  listen();
  run([&]() -> asio::awaitable<void> {
    auto self = co_await fetch(port_, get("/api/self", port_));
    EXPECT_TRUE(self.has_value());
    if (!self) co_return;
    EXPECT_EQ(self->status, 200);
    EXPECT_EQ(self->headers["content-type"], "application/json");
    EXPECT_EQ(self->body, R"({"id":"me"})");
    auto peers = co_await fetch(port_, get("/api/peers?limit=5", port_));
    EXPECT_TRUE(peers.has_value());
    if (!peers) co_return;
    EXPECT_EQ(peers->status, 200);
    EXPECT_EQ(peers->body, R"({"limit":"5","from":"127.0.0.1"})");
  });
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405) {
  auto& s = make();
  s.route("GET", "/api/self", [](const Request&) { return Response::json(200, "{}"); });
  listen();
  run([&]() -> asio::awaitable<void> {
    auto missing = co_await fetch(port_, get("/nope", port_));
    EXPECT_TRUE(missing.has_value());
    if (!missing) co_return;
    EXPECT_EQ(missing->status, 404);
    EXPECT_EQ(missing->headers["Content-Type"], "application/json");
    EXPECT_EQ(missing->body, R"({"error":"not found"})");
    auto wrong = co_await fetch(
        port_, fmt::format("DELETE /api/self HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", port_));
    EXPECT_TRUE(wrong.has_value());
    if (!wrong) co_return;
    EXPECT_EQ(wrong->status, 405);
    EXPECT_EQ(wrong->headers["allow"], "GET");
    EXPECT_EQ(wrong->body, R"({"error":"method not allowed"})");
  });
}

TEST_F(HttpServerTest, PrefixRoutesAndHeadFallback) {
  auto& s = make();
  s.route("GET", "/static/*",
          [](const Request& r) { return Response::text(200, "prefix " + r.path); });
  s.route("GET", "/static/exact", [](const Request&) { return Response::text(200, "exact"); });
  listen();
  run([&]() -> asio::awaitable<void> {
    auto a = co_await fetch(port_, get("/static/a/b%20c.css", port_));
    EXPECT_TRUE(a.has_value() && a->body == "prefix /static/a/b c.css");
    auto b = co_await fetch(port_, get("/static/exact", port_));
    EXPECT_TRUE(b.has_value() && b->body == "exact");
    auto c = co_await fetch(port_, get("/static", port_));
    EXPECT_TRUE(c.has_value() && c->status == 404);
    // HEAD uses the GET handler: Content-Length of the body, but no body.
    auto h = co_await connect(port_);
    EXPECT_TRUE(h.has_value());
    if (!h) co_return;
    const std::string raw =
        fmt::format("HEAD /static/exact HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", port_);
    co_await asio::async_write(*h, asio::buffer(raw), kTuple);
    std::string buf;
    auto [ec, n] =
        co_await asio::async_read_until(*h, asio::dynamic_buffer(buf), "\r\n\r\n", kTuple);
    EXPECT_FALSE(ec);
    EXPECT_EQ(buf.size(), n);  // nothing after the header
    EXPECT_NE(buf.find("Content-Length: 5\r\n"), std::string::npos) << buf;
  });
}

TEST_F(HttpServerTest, BodyOverLimitIs413) {
  auto o = small_options();
  o.body_limit = 16;
  auto& s = make(o);
  s.route("POST", "/api/echo", [](const Request& r) { return Response::text(200, r.body); });
  listen();
  run([&]() -> asio::awaitable<void> {
    auto small = co_await fetch(port_, fmt::format("POST /api/echo HTTP/1.1\r\nHost: x\r\n"
                                                   "Content-Length: 5\r\n\r\nhello"));
    EXPECT_TRUE(small.has_value() && small->status == 200 && small->body == "hello");
    auto big = co_await fetch(port_, fmt::format("POST /api/echo HTTP/1.1\r\nHost: x\r\n"
                                                 "Content-Length: 100\r\n\r\n{}",
                                                 std::string(100, 'a')));
    EXPECT_TRUE(big.has_value());
    if (!big) co_return;
    EXPECT_EQ(big->status, 413);
    EXPECT_EQ(big->body, R"({"error":"request body too large"})");
  });
}

TEST_F(HttpServerTest, OversizedHeadersAre431AndGarbageIs400) {
  auto o = small_options();
  o.header_limit = 256;
  auto& s = make(o);
  s.route("GET", "/", [](const Request&) { return Response::text(200, "hi"); });
  listen();
  run([&]() -> asio::awaitable<void> {
    auto big = co_await fetch(port_, fmt::format("GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
                                                 std::string(512, 'a')));
    EXPECT_TRUE(big.has_value() && big->status == 431);
    auto garbage = co_await fetch(port_, "NOT HTTP AT ALL\r\n\r\n");
    EXPECT_TRUE(garbage.has_value() && garbage->status == 400);
    if (garbage) {
      EXPECT_EQ(garbage->body, R"({"error":"malformed request"})");
    }
  });
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitAreClosed) {
  auto o = small_options();
  o.max_connections = 1;
  auto& s = make(o);
  s.route("GET", "/", [](const Request&) { return Response::text(200, "hi"); });
  listen();
  run([&]() -> asio::awaitable<void> {
    auto a = co_await connect(port_);
    EXPECT_TRUE(a.has_value());
    if (!a) co_return;
    std::string buf;
    auto first = co_await exchange(*a, buf, get("/", port_));  // a is now open and counted
    EXPECT_TRUE(first.has_value() && first->status == 200);
    auto b = co_await connect(port_);
    EXPECT_TRUE(b.has_value());
    if (!b) co_return;
    const auto ec = co_await read_until_closed(*b);
    EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
    auto again = co_await exchange(*a, buf, get("/", port_));
    EXPECT_TRUE(again.has_value() && again->status == 200);
  });
}

TEST_F(HttpServerTest, SlowClientIsCutOffAtTheReadTimeout) {
  auto o = small_options();
  o.read_timeout = 200ms;
  auto& s = make(o);
  s.route("GET", "/", [](const Request&) { return Response::text(200, "hi"); });
  listen();
  run([&]() -> asio::awaitable<void> {
    auto c = co_await connect(port_);
    EXPECT_TRUE(c.has_value());
    if (!c) co_return;
    const auto start = std::chrono::steady_clock::now();
    std::string partial = "GET / HTTP/1.1\r\nHo";  // and then nothing more
    co_await asio::async_write(*c, asio::buffer(partial), kTuple);
    const auto ec = co_await read_until_closed(*c);
    EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_GE(took, 150ms);
    EXPECT_LT(took, 5s);
  });
}

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsThenIdleTimeoutCloses) {
  auto o = small_options();
  o.idle_timeout = 200ms;
  auto& s = make(o);
  s.route("GET", "/port",
          [](const Request& r) { return Response::text(200, std::to_string(r.remote_port)); });
  listen();
  run([&]() -> asio::awaitable<void> {
    auto c = co_await connect(port_);
    EXPECT_TRUE(c.has_value());
    if (!c) co_return;
    std::string buf;
    auto first = co_await exchange(*c, buf, get("/port", port_));
    auto second = co_await exchange(*c, buf, get("/port", port_));
    EXPECT_TRUE(first.has_value() && second.has_value());
    if (!first || !second) co_return;
    EXPECT_EQ(first->status, 200);
    EXPECT_EQ(second->status, 200);
    EXPECT_EQ(first->body, second->body);  // same client port: one connection
    EXPECT_EQ(server_->connection_count(), 1u);
    const auto start = std::chrono::steady_clock::now();
    const auto ec = co_await read_until_closed(*c);
    EXPECT_EQ(ec, asio::error::eof) << ec.message();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  });
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  auto& s = make();
  s.route("GET", "/", [](const Request&) { return Response::text(200, "hi"); });
  listen();
  run([&]() -> asio::awaitable<void> {
    auto c = co_await connect(port_);
    EXPECT_TRUE(c.has_value());
    if (!c) co_return;
    std::string buf;
    auto r = co_await exchange(*c, buf, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_TRUE(r.has_value() && r->status == 200);
    EXPECT_EQ(co_await read_until_closed(*c), asio::error::eof);
  });
}

TEST_F(HttpServerTest, HostGuardRefusesForeignHosts) {
  auto& s = make();
  s.route("GET", "/api/self", [](const Request&) { return Response::json(200, "{}"); });
  listen();
  s.add_guard(host_allow_list_guard(loopback_hosts(port_)));
  run([&]() -> asio::awaitable<void> {
    auto with_host = [](std::string host) {
      return fmt::format("GET /api/self HTTP/1.1\r\nHost: {}\r\n\r\n", host);
    };
    auto foreign = co_await fetch(port_, with_host(fmt::format("evil.example:{}", port_)));
    EXPECT_TRUE(foreign.has_value() && foreign->status == 403);
    if (foreign) {
      EXPECT_EQ(foreign->body, R"({"error":"host not allowed"})");
    }
    auto wrong_port = co_await fetch(port_, with_host("127.0.0.1:1"));
    EXPECT_TRUE(wrong_port.has_value() && wrong_port->status == 403);
    auto missing = co_await fetch(port_, "GET /api/self HTTP/1.0\r\n\r\n");
    EXPECT_TRUE(missing.has_value() && missing->status == 403);
    auto ip = co_await fetch(port_, with_host(fmt::format("127.0.0.1:{}", port_)));
    EXPECT_TRUE(ip.has_value() && ip->status == 200);
    auto name = co_await fetch(port_, with_host(fmt::format("localhost:{}", port_)));
    EXPECT_TRUE(name.has_value() && name->status == 200);
    // Guards run before routing: an unknown path on a foreign host is refused, not 404.
    auto unknown = co_await fetch(port_, "GET /nope HTTP/1.1\r\nHost: evil.example\r\n\r\n");
    EXPECT_TRUE(unknown.has_value() && unknown->status == 403);
  });
}

TEST_F(HttpServerTest, ThrowingHandlerBecomes500Json) {
  auto& s = make();
  s.route("GET", "/sync", [](const Request&) -> Response { throw std::runtime_error("boom"); });
  s.route("GET", "/async", [](Request) -> asio::awaitable<Response> {
    throw std::runtime_error("boom");
    co_return Response::text(200, "unreachable");
  });
  listen();
  run([&]() -> asio::awaitable<void> {
    auto c = co_await connect(port_);
    EXPECT_TRUE(c.has_value());
    if (!c) co_return;
    std::string buf;
    auto a = co_await exchange(*c, buf, get("/sync", port_));
    auto b = co_await exchange(*c, buf, get("/async", port_));  // same connection still works
    EXPECT_TRUE(a.has_value() && b.has_value());
    if (!a || !b) co_return;
    EXPECT_EQ(a->status, 500);
    EXPECT_EQ(a->headers["content-type"], "application/json");
    EXPECT_EQ(a->body, R"({"error":"internal error"})");
    EXPECT_EQ(b->status, 500);
  });
}

TEST_F(HttpServerTest, PortInUseIsAClearError) {
  make();
  listen();
  HttpServer::Options o = small_options();
  o.port = port_;
  HttpServer second(io_.get_executor(), o);
  auto r = second.listen();
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().code, asio::error::address_in_use);
  EXPECT_NE(r.error().message.find("in use"), std::string::npos) << r.error().message;
  run([]() -> asio::awaitable<void> { co_return; });
}

// Reads one SSE event block (up to a blank line) after the response header.
asio::awaitable<std::string> read_event(tcp::socket& s, std::string& buf) {
  auto [ec, n] = co_await asio::async_read_until(s, asio::dynamic_buffer(buf), "\n\n", kTuple);
  if (ec) co_return "error: " + ec.message();
  std::string event = buf.substr(0, n);
  buf.erase(0, n);
  co_return event;
}

TEST_F(HttpServerTest, SseStreamsEventsAndHeartbeats) {
  auto o = small_options();
  o.sse_heartbeat = 100ms;
  auto& s = make(o);
  std::shared_ptr<SseStream> stream;
  s.route("GET", "/api/events", [&](const Request&) {
    stream = std::make_shared<SseStream>();
    stream->send("hello", "1");  // queued before the server attaches the stream
    return Response::sse(stream);
  });
  listen();
  run([&]() -> asio::awaitable<void> {
    auto c = co_await connect(port_);
    EXPECT_TRUE(c.has_value());
    if (!c) co_return;
    const std::string req = get("/api/events", port_);
    co_await asio::async_write(*c, asio::buffer(req), kTuple);
    std::string buf;
    auto [ec, n] =
        co_await asio::async_read_until(*c, asio::dynamic_buffer(buf), "\r\n\r\n", kTuple);
    EXPECT_FALSE(ec);
    const std::string head = buf.substr(0, n);
    buf.erase(0, n);
    EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
    EXPECT_NE(head.find("Content-Type: text/event-stream"), std::string::npos) << head;
    EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
    EXPECT_EQ(co_await read_event(*c, buf), "event: hello\ndata: 1\n\n");
    EXPECT_TRUE(stream->send("peer", "a\nb"));
    std::string second = co_await read_event(*c, buf);
    while (second.starts_with(":")) second = co_await read_event(*c, buf);  // heartbeats
    EXPECT_EQ(second, "event: peer\ndata: a\ndata: b\n\n");
    EXPECT_EQ(co_await read_event(*c, buf), ": heartbeat\n\n");
    stream->close();
    EXPECT_EQ(co_await read_until_closed(*c), asio::error::eof);
  });
}

TEST_F(HttpServerTest, StopClosesOpenEventStreams) {
  auto& s = make();
  std::shared_ptr<SseStream> stream;
  s.route("GET", "/api/events", [&](const Request&) {
    stream = std::make_shared<SseStream>();
    stream->send("", "ready");
    return Response::sse(stream);
  });
  listen();
  tcp::socket client(io_);
  run([&]() -> asio::awaitable<void> {
    auto c = co_await connect(port_);
    EXPECT_TRUE(c.has_value());
    if (!c) co_return;
    const std::string req = get("/api/events", port_);
    co_await asio::async_write(*c, asio::buffer(req), kTuple);
    std::string buf;
    co_await asio::async_read_until(*c, asio::dynamic_buffer(buf), "data: ready\n\n", kTuple);
    EXPECT_FALSE(stream->closed());
    client = std::move(*c);  // keep the connection open while run() stops the server
  });
  ASSERT_TRUE(stream);
  EXPECT_TRUE(stream->closed());
  EXPECT_EQ(server_->connection_count(), 0u);
}

TEST_F(HttpServerTest, VirtualHostAnswersAloneAndOthersGoThroughGuards) {
  auto& s = make();
  s.route("GET", "/api/self", [](const Request&) { return Response::json(200, R"({"id":"me"})"); });
  listen();
  const std::string site = fmt::format("site.localhost:{}", port_);
  s.add_guard(host_allow_list_guard(loopback_hosts(port_)));
  s.route_host([site](std::string_view host) { return host == site; },
               [](Request req) -> asio::awaitable<Response> {
                 co_return Response::text(
                     200, req.method + " " + req.path + " on " + std::string(req.header("Host")));
               });
  run([&]() -> asio::awaitable<void> {
    auto with_host = [](std::string_view method, std::string_view path, std::string_view host) {
      return fmt::format("{} {} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\n\r\n", method, path,
                         host);
    };
    // The virtual host answers every path and method itself, even the viewer's routes.
    auto api = co_await fetch(port_, with_host("GET", "/api/self", site));
    EXPECT_TRUE(api.has_value());
    if (!api) co_return;
    EXPECT_EQ(api->status, 200);
    EXPECT_EQ(api->body, "GET /api/self on " + site);
    auto post = co_await fetch(port_, with_host("POST", "/anything", site));
    EXPECT_TRUE(post.has_value() && post->body == "POST /anything on " + site);
    // The main host still reaches its routes; a foreign host is still refused by the guard.
    auto main =
        co_await fetch(port_, with_host("GET", "/api/self", fmt::format("127.0.0.1:{}", port_)));
    EXPECT_TRUE(main.has_value() && main->body == R"({"id":"me"})");
    auto other = co_await fetch(port_, with_host("GET", "/api/self", "other.localhost:1"));
    EXPECT_TRUE(other.has_value() && other->status == 403);
  });
}

// A body produced piece by piece: the head after an async step, then pieces as they come.
asio::awaitable<void> stream_pieces(BodyWriter& w, std::vector<std::string> pieces,
                                    std::uint64_t length, std::shared_ptr<std::string> outcome) {
  Response head;
  head.status = 200;
  head.set_header("Content-Type", "application/octet-stream");
  head.set_header("ETag", "\"x\"");
  auto h = co_await w.write_head(std::move(head), length);
  if (!h) {
    *outcome = "head: " + h.error().message();
    co_return;
  }
  for (const auto& p : pieces) {
    auto r = co_await w.write(p);
    if (!r) {
      *outcome = "write: " + r.error().message();
      co_return;
    }
  }
  *outcome = "ok";
}

TEST_F(HttpServerTest, StreamedBodiesPassThroughInPieces) {
  auto& s = make();
  auto outcome = std::make_shared<std::string>();
  const std::string big(200 * 1024, 'z');
  s.route("GET", "/big", [&](const Request&) {
    std::vector<std::string> pieces;
    for (std::size_t i = 0; i < big.size(); i += 64 * 1024)
      pieces.push_back(big.substr(i, 64 * 1024));
    return Response::streamed([pieces, n = big.size(), outcome](BodyWriter& w) {
      return stream_pieces(w, pieces, n, outcome);
    });
  });
  s.route("GET", "/empty", [&](const Request&) {
    return Response::streamed([outcome](BodyWriter& w) {
      return stream_pieces(w, std::vector<std::string>(), 0, outcome);
    });
  });
  s.route("GET", "/short", [&](const Request&) {  // announces 10 bytes, sends 3
    return Response::streamed([outcome](BodyWriter& w) {
      return stream_pieces(w, std::vector<std::string>(1, "abc"), 10, outcome);
    });
  });
  s.route("GET", "/nohead", [&](const Request&) {
    return Response::streamed([](BodyWriter&) -> asio::awaitable<void> { co_return; });
  });
  s.route("GET", "/page", [&](const Request&) {
    return Response::streamed([](BodyWriter& w) -> asio::awaitable<void> {
      (void)co_await w.send(Response::text(502, "peer unreachable"));
    });
  });
  listen();
  run([&]() -> asio::awaitable<void> {
    auto c = co_await connect(port_);
    EXPECT_TRUE(c.has_value());
    if (!c) co_return;
    std::string buf;
    auto a = co_await exchange(*c, buf, get("/big", port_));
    EXPECT_TRUE(a.has_value());
    if (!a) co_return;
    EXPECT_EQ(a->status, 200);
    EXPECT_EQ(a->headers["ETag"], "\"x\"");
    EXPECT_EQ(a->headers["Content-Length"], std::to_string(big.size()));
    EXPECT_TRUE(a->body == big);
    EXPECT_EQ(*outcome, "ok");
    // Same connection: a complete streamed body keeps it alive; then an empty one and a page.
    auto e = co_await exchange(*c, buf, get("/empty", port_));
    EXPECT_TRUE(e.has_value() && e->status == 200 && e->body.empty());
    auto p = co_await exchange(*c, buf, get("/page", port_));
    EXPECT_TRUE(p.has_value() && p->status == 502 && p->body == "peer unreachable");
    EXPECT_EQ(p->headers["Content-Type"], "text/plain; charset=utf-8");
    // HEAD: the head only, and write() tells the producer to stop.
    const std::string head_req = fmt::format("HEAD /big HTTP/1.1\r\nHost: x\r\n\r\n");
    co_await asio::async_write(*c, asio::buffer(head_req), kTuple);
    auto [hec, hn] =
        co_await asio::async_read_until(*c, asio::dynamic_buffer(buf), "\r\n\r\n", kTuple);
    EXPECT_FALSE(hec);
    EXPECT_NE(buf.substr(0, hn).find(fmt::format("Content-Length: {}", big.size())),
              std::string::npos);
    buf.erase(0, hn);
    EXPECT_EQ(*outcome, "write: " + make_error_code(Errc::kClosed).message());
    // A head that never came is a 500; a body cut short closes the connection.
    auto nohead = co_await fetch(port_, get("/nohead", port_));
    EXPECT_TRUE(nohead.has_value() && nohead->status == 500);
    auto d = co_await connect(port_);
    EXPECT_TRUE(d.has_value());
    if (!d) co_return;
    const std::string short_req = get("/short", port_);
    co_await asio::async_write(*d, asio::buffer(short_req), kTuple);
    std::string got;
    auto [sec, sn] = co_await asio::async_read(*d, asio::dynamic_buffer(got), kTuple);
    (void)sn;
    EXPECT_EQ(sec, asio::error::eof);
    EXPECT_NE(got.find("Content-Length: 10"), std::string::npos);
    EXPECT_TRUE(got.ends_with("\r\n\r\nabc")) << got;
  });
}

TEST_F(HttpServerTest, PipelinedRequestsAndLargePlainBodies) {
  auto& s = make();
  const std::string big(8 * 1024 * 1024, 'q');  // more than a socket buffer takes at once
  s.route("GET", "/big", [&](const Request&) { return Response::text(200, big); });
  s.route("GET", "/echo", [](const Request& r) { return Response::text(200, r.target); });
  s.route("POST", "/echo", [](const Request& r) { return Response::text(200, r.body); });
  listen();
  run(
      [&]() -> asio::awaitable<void> {
        auto c = co_await connect(port_);
        EXPECT_TRUE(c.has_value());
        if (!c) co_return;
        std::string buf;
        // Two requests (one with a body split across the reads) sent in one write.
        auto first =
            co_await exchange(*c, buf,
                              "GET /echo?1 HTTP/1.1\r\nHost: x\r\n\r\n"
                              "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello");
        EXPECT_TRUE(first.has_value() && first->body == "/echo?1");
        const std::string rest = " world";
        co_await asio::async_write(*c, asio::buffer(rest), kTuple);
        auto second = co_await read_reply(*c, buf);
        EXPECT_TRUE(second.has_value() && second->body == "hello world");
        auto b = co_await exchange(*c, buf, get("/big", port_));
        EXPECT_TRUE(b.has_value());
        if (!b) co_return;
        EXPECT_EQ(b->body.size(), big.size());
        EXPECT_TRUE(b->body == big);
        auto after = co_await exchange(*c, buf, get("/echo?2", port_));  // still in step
        EXPECT_TRUE(after.has_value() && after->body == "/echo?2");
      },
      20s);
}

TEST_F(HttpServerTest, SynchronousVirtualHostsAnswerWithoutGuards) {
  auto& s = make();
  listen();
  s.add_guard(host_allow_list_guard(loopback_hosts(port_)));
  s.route_host([](std::string_view host) { return host.starts_with("sync."); },
               SyncHandler([](const Request& req) -> Response {
                 if (req.path == "/throw") throw std::runtime_error("boom");
                 return Response::text(200, "sync " + req.path);
               }));
  run([&]() -> asio::awaitable<void> {
    auto ok = co_await fetch(port_, "GET /a HTTP/1.1\r\nHost: sync.localhost:1\r\n\r\n");
    EXPECT_TRUE(ok.has_value() && ok->status == 200 && ok->body == "sync /a");
    auto threw = co_await fetch(port_, "GET /throw HTTP/1.1\r\nHost: sync.localhost:1\r\n\r\n");
    EXPECT_TRUE(threw.has_value() && threw->status == 500);
    auto other = co_await fetch(port_, "GET /a HTTP/1.1\r\nHost: other.localhost:1\r\n\r\n");
    EXPECT_TRUE(other.has_value() && other->status == 403);
  });
}

}  // namespace
}  // namespace goop::web
