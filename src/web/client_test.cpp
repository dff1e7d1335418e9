// The plain-HTTP side of web/client.hpp: parse_url, the SSE parser byte by byte, fetch and
// read_event_stream against Goop2's own HttpServer over real TCP on 127.0.0.1 (port 0). TLS and
// WebSocket tests, which need a Beast test server, are in client_remote_test.cpp.
#include "web/client.hpp"

#include "base/errors.hpp"
#include "base/timeout.hpp"
#include "web/client_testkit.hpp"
#include "web/http_server.hpp"
#include "web/sse_parser.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <vector>

namespace goop::web {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
using testkit::run;

// --- parse_url ---

TEST(ClientUrl, SplitsSchemeHostPortAndTarget) {
  auto a = parse_url("http://127.0.0.1:8787/publish");
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->scheme, "http");
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8787);
  EXPECT_EQ(a->target, "/publish");
  EXPECT_FALSE(a->tls());

  auto b = parse_url("HTTPS://Example.com");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->scheme, "https");
  EXPECT_EQ(b->port, 443);
  EXPECT_EQ(b->target, "/");
  EXPECT_TRUE(b->tls());

  auto c = parse_url("ws://[::1]:9000/ws?peer_id=12D3KooW#frag");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 9000);
  EXPECT_EQ(c->target, "/ws?peer_id=12D3KooW");

  auto d = parse_url("wss://rv.example.org?x=1");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->port, 443);
  EXPECT_EQ(d->target, "/?x=1");
  EXPECT_TRUE(d->tls());

  auto e = parse_url("ws://host:/");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->port, 80);
}

TEST(ClientUrl, RefusesWhatItCannotUse) {
  for (const char* bad : {"127.0.0.1:8787", "ftp://host/", "http://", "http://:80/", "http://h:0/",
                          "http://h:70000/", "http://h:8a/", "http://user:pw@h/", "http://h/a b",
                          "http://::1/", "http://[::1/", "http://[::1]x/"}) {
    auto r = parse_url(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument) << bad;
    EXPECT_NE(r.error().message.find(bad), std::string::npos) << r.error().message;
  }
  EXPECT_NE(parse_url("ftp://h/").error().message.find("use http, https, ws or wss"),
            std::string::npos);
}

// --- SseParser ---

std::vector<std::string> parse_all(std::string_view stream, std::size_t piece = 0) {
  SseParser p;
  std::vector<std::string> out;
  auto collect = [&](std::string_view d) { out.emplace_back(d); };
  if (piece == 0) piece = stream.size() + 1;
  for (std::size_t i = 0; i < stream.size(); i += piece) {
    auto r = p.feed(stream.substr(i, piece), collect);
    EXPECT_TRUE(r.has_value()) << r.error().message;
  }
  return out;
}

TEST(ClientSseParser, FollowsTheFieldRules) {
  const std::string stream =
      "\xEF\xBB\xBF: ok\n\n"                             // BOM, then a comment: no event
      "data: one\n\n"                                    // one leading space stripped
      "data:  two\r\ndata:lines\r\n\r\n"                 // CRLF; only one space stripped
      "event: named\nid: 7\nretry: 10\ndata: three\n\n"  // other fields ignored
      "data\n\n"                                         // a field without colon: empty data
      "data: cr\r\r"                                     // bare CR line endings
      "id: 8\n\n"                                        // no data: no event
      "data: unterminated\n";                            // no blank line yet: not dispatched
  const std::vector<std::string> want = {"one", " two\nlines", "three", "", "cr"};
  EXPECT_EQ(parse_all(stream), want);
  for (std::size_t piece = 1; piece < 5; ++piece)
    EXPECT_EQ(parse_all(stream, piece), want) << piece;
}

TEST(ClientSseParser, CapsLinesAndEvents) {
  SseParser p;
  auto ignore = [](std::string_view) {};
  auto r = p.feed("data: " + std::string(SseParser::kMaxLine, 'x'), ignore);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::kTooLarge);
  EXPECT_NE(r.error().message.find("line longer than 64 KiB"), std::string::npos);

  SseParser q;
  const std::string line = "data: " + std::string(40 * 1024, 'y') + "\n";
  EXPECT_TRUE(q.feed(line, ignore).has_value());
  auto r2 = q.feed(line, ignore);
  ASSERT_FALSE(r2.has_value());
  EXPECT_NE(r2.error().message.find("event larger than 64 KiB"), std::string::npos);
}

// --- fetch and read_event_stream against HttpServer ---

class ClientHttpTest : public ::testing::Test {
 protected:
  HttpServer& start(HttpServer::Options o = {}) {
    o.bind = "127.0.0.1";
    o.port = 0;
    server_ = std::make_unique<HttpServer>(io_.get_executor(), std::move(o));
    return *server_;
  }
  void listen() {
    auto r = server_->listen();
    ASSERT_TRUE(r.has_value()) << r.error().message;
  }
  std::string url(std::string_view path) const {
    return fmt::format("http://127.0.0.1:{}{}", server_->port(), path);
  }
  void TearDown() override {
    if (server_) {
      EXPECT_TRUE(run(io_, server_->async_stop(2s)));
    }
  }
  template <class T>
  T go(asio::awaitable<T> task) {
    return run(io_, std::move(task));
  }

  asio::io_context io_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(ClientHttpTest, GetReturnsStatusHeadersAndBody) {
  auto& s = start();
  std::string seen_host, seen_custom;
  s.route("GET", "/hello", [&](const Request& req) {
    seen_host = std::string(req.header("Host"));
    seen_custom = std::string(req.header("X-Custom"));
    return Response::text(200, "hi " + std::string(req.param("n").value_or("")))
        .set_header("X-Test", "yes");
  });
  listen();
  ClientRequest req;
  req.url = url("/hello?n=7");
  req.headers["X-Custom"] = "abc";
  req.headers["Host"] = "ignored.example";  // the client sets Host from the URL
  auto r = go(fetch(io_.get_executor(), req));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hi 7");
  EXPECT_EQ(r->headers["x-test"], "yes");
  EXPECT_EQ(r->headers["Content-Type"], "text/plain; charset=utf-8");
  EXPECT_EQ(seen_host, fmt::format("127.0.0.1:{}", s.port()));
  EXPECT_EQ(seen_custom, "abc");
}

TEST_F(ClientHttpTest, PostSendsTheBodyAndNon2xxIsAValue) {
  auto& s = start();
  s.route("POST", "/publish", [](const Request& req) {
    return Response::json(201, fmt::format("{{\"got\":\"{}\",\"type\":\"{}\"}}", req.body,
                                           req.header("Content-Type")));
  });
  listen();
  ClientRequest req;
  req.method = "POST";
  req.url = url("/publish");
  req.headers["Content-Type"] = "application/json";
  req.body = "payload";
  auto r = go(fetch(io_.get_executor(), req));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, R"({"got":"payload","type":"application/json"})");

  req.url = url("/nowhere");
  auto missing = go(fetch(io_.get_executor(), req));
  ASSERT_TRUE(missing.has_value()) << missing.error().message;
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->body.find("not found"), std::string::npos);
}

TEST_F(ClientHttpTest, ConnectionRefusedNamesTheUrlAndWhatToCheck) {
  std::uint16_t port = 0;
  {
    tcp::acceptor a(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }  // closed: nothing listens there now
  ClientRequest req;
  req.url = fmt::format("http://127.0.0.1:{}/publish", port);
  auto r = go(fetch(io_.get_executor(), req));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, fmt::format("http://127.0.0.1:{}/publish: connection refused (is "
                                           "the server running and the URL right?)",
                                           port));
  EXPECT_EQ(r.error().code, asio::error::connection_refused);
}

TEST_F(ClientHttpTest, TimesOutWhenTheServerNeverAnswers) {
  tcp::acceptor a(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket held(io_);
  a.async_accept(held, [](boost::system::error_code) {});  // accepted, then never answered
  ClientRequest req;
  req.url = fmt::format("http://127.0.0.1:{}/slow", a.local_endpoint().port());
  req.timeout = 200ms;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = go(fetch(io_.get_executor(), req));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::kTimeout);
  EXPECT_EQ(r.error().message, req.url + ": timed out after 200 ms");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  EXPECT_TRUE(held.is_open());
}

TEST_F(ClientHttpTest, RefusesABodyOverTheLimit) {
  auto& s = start();
  s.route("GET", "/big",
          [](const Request&) { return Response::text(200, std::string(2048, 'x')); });
  listen();
  ClientRequest req;
  req.url = url("/big");
  req.body_limit = 1024;
  auto r = go(fetch(io_.get_executor(), req));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::kTooLarge);
  EXPECT_EQ(r.error().message, req.url + ": response body larger than 1 KiB");
  req.body_limit = 2048;
  auto ok = go(fetch(io_.get_executor(), req));
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->body.size(), 2048u);
}

TEST_F(ClientHttpTest, RefusesOtherSchemesAndBadHeaders) {
  ClientRequest req;
  req.url = "ws://127.0.0.1:1/ws";
  auto r = go(fetch(io_.get_executor(), req));
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("use http:// or https://"), std::string::npos)
      << r.error().message;
  req.url = "http://127.0.0.1:1/";
  req.headers["X-Evil"] = "a\r\nInjected: 1";
  auto h = go(fetch(io_.get_executor(), req));
  ASSERT_FALSE(h.has_value());
  EXPECT_EQ(h.error().code, Errc::kInvalidArgument);
}

TEST_F(ClientHttpTest, EventStreamDeliversEventsThenReportsTheEnd) {
  auto& s = start();
  std::string accept;
  s.route("GET", "/events", [&](const Request& req) {
    accept = std::string(req.header("Accept"));
    auto stream = std::make_shared<SseStream>();
    stream->send("", "one");
    stream->send("", "two\nlines");
    stream->send("named", "three");
    stream->close();  // queued events are still written, then the connection closes
    return Response::sse(stream);
  });
  listen();
  ClientRequest req;
  req.url = url("/events");
  std::vector<std::string> got;
  int status = 0;
  auto r = go(read_event_stream(
      io_.get_executor(), req, [&](std::string_view d) { got.emplace_back(d); }, 2000ms, &status));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::kClosed) << r.error().message;
  EXPECT_EQ(r.error().message, req.url + ": the server ended the event stream");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(got, (std::vector<std::string>{"one", "two\nlines", "three"}));
  EXPECT_EQ(accept, "text/event-stream");
}

TEST_F(ClientHttpTest, EventStreamReportsARefusalWithItsStatus) {
  auto& s = start();
  s.route("GET", "/events", [](const Request&) { return Response::error(403, "unknown peer"); });
  listen();
  ClientRequest req;
  req.url = url("/events?peer_id=x");
  int status = 0;
  bool called = false;
  auto r = go(read_event_stream(
      io_.get_executor(), req, [&](std::string_view) { called = true; }, 2000ms, &status));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(status, 403);
  EXPECT_FALSE(called);
  EXPECT_EQ(r.error().message,
            req.url + R"(: the server answered HTTP 403: {"error":"unknown peer"})");
}

TEST_F(ClientHttpTest, EventStreamHeartbeatsKeepItAlive) {
  HttpServer::Options o;
  o.sse_heartbeat = 50ms;
  auto& s = start(o);
  asio::steady_timer later(io_);
  s.route("GET", "/late", [&](const Request&) {
    auto stream = std::make_shared<SseStream>();
    later.expires_after(600ms);  // longer than the client's idle timeout
    later.async_wait([stream](boost::system::error_code) {
      stream->send("", "late");
      stream->close();
    });
    return Response::sse(stream);
  });
  listen();

  // Heartbeats (": heartbeat" comments every 50 ms) reset the 250 ms idle deadline.
  ClientRequest req;
  req.url = url("/late");
  std::vector<std::string> got;
  auto r = go(read_event_stream(
      io_.get_executor(), req, [&](std::string_view d) { got.emplace_back(d); }, 250ms));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::kClosed) << r.error().message;
  EXPECT_EQ(got, std::vector<std::string>{"late"});
}

TEST_F(ClientHttpTest, EventStreamIdleTimeout) {
  HttpServer::Options o;
  o.sse_heartbeat = 60s;
  auto& s = start(o);
  std::shared_ptr<SseStream> quiet;
  s.route("GET", "/quiet", [&](const Request&) {
    quiet = std::make_shared<SseStream>();
    return Response::sse(quiet);
  });
  listen();
  ClientRequest req;
  req.url = url("/quiet");
  auto r = go(read_event_stream(
      io_.get_executor(), req, [](std::string_view) {}, 200ms));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::kTimeout);
  EXPECT_EQ(r.error().message,
            req.url + ": no data from the event stream for 200 ms (connection lost?)");
}

// Cancellation (here: with_timeout's terminal cancellation) ends the stream at once.
asio::awaitable<Result<void>> events_until_cancelled(ClientRequest req,
                                                     std::vector<std::string>* got, Error* inner) {
  auto ex = co_await asio::this_coro::executor;
  auto r = co_await read_event_stream(
      ex, std::move(req), [got](std::string_view d) { got->emplace_back(d); }, 30000ms);
  if (r) co_return Result<void>();
  *inner = r.error();
  co_return r.error().code;
}

TEST_F(ClientHttpTest, EventStreamEndsOnCancellation) {
  HttpServer::Options o;
  o.sse_heartbeat = 60s;
  auto& s = start(o);
  std::shared_ptr<SseStream> stream;
  s.route("GET", "/events", [&](const Request&) {
    stream = std::make_shared<SseStream>();
    stream->send("", "first");
    return Response::sse(stream);
  });
  listen();
  ClientRequest req;
  req.url = url("/events");
  std::vector<std::string> got;
  Error inner;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = go(with_timeout(events_until_cancelled(req, &got, &inner), 300ms));
  EXPECT_EQ(r.error(), Errc::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  EXPECT_EQ(inner.code, asio::error::operation_aborted) << inner.message;
  EXPECT_EQ(got, std::vector<std::string>{"first"});
}

}  // namespace
}  // namespace goop::web
