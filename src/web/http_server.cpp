// The only TU that instantiates Beast HTTP operations (STYLE.md §11.1). Session loop after
// Beast's example/http/server/awaitable: one coroutine per connection owns its tcp_stream,
// with expires_after before every read and write.
#include "web/http_server.hpp"

#include "base/ascii.hpp"
#include "base/errors.hpp"
#include "base/log.hpp"
#include "base/task_group.hpp"
#include "web/websocket.hpp"
#include "web/ws_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <fmt/core.h>

#include <array>
#include <list>
#include <utility>

namespace goop::web {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {
log::Logger lg("web.http");
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kFirstReadSize = 4096;

struct Route {
  std::string method;
  std::string path;  // for a prefix route, without the trailing '*' ("/static/")
  bool prefix = false;
  Handler handler;
};

// One open connection. Lives in its session coroutine's frame; the server lists it so that
// async_stop() can close it.
struct Connection {
  explicit Connection(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  bool waiting = true;       // reading a request or idle: nothing is lost by closing it
  SseStream* sse = nullptr;  // set while streaming events

  void close() {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream.close();
  }
};

std::string to_string(beast::string_view s) { return std::string(s.data(), s.size()); }

std::string endpoint_text(const tcp::endpoint& ep) {
  if (ep.address().is_v6()) return fmt::format("[{}]:{}", ep.address().to_string(), ep.port());
  return fmt::format("{}:{}", ep.address().to_string(), ep.port());
}

Request to_request(http::request<http::string_body>& msg, const std::string& remote_address,
                   std::uint16_t remote_port) {
  Request r;
  r.method = to_string(msg.method_string());
  r.target = to_string(msg.target());
  const std::string_view target = r.target;
  const std::size_t q = target.find('?');
  r.path = percent_decode(target.substr(0, q));
  if (q != std::string_view::npos) r.query = parse_query(target.substr(q + 1));
  const CaseInsensitiveLess less;
  for (const auto& field : msg) {
    std::string name = to_string(field.name_string());
    std::string value = to_string(field.value());
    auto [it, inserted] = r.headers.try_emplace(name, value);
    if (!inserted) {
      const bool cookie = !less(name, "cookie") && !less("cookie", name);
      it->second += cookie ? "; " : ", ";
      it->second += value;
    }
  }
  r.body = std::move(msg.body());
  r.remote_address = remote_address;
  r.remote_port = remote_port;
  return r;
}

bool block_has(const Response& res, std::string_view name_colon) {
  return res.header_block && res.header_block->find(name_colon) != std::string::npos;
}

template <class Message>
void copy_headers(const Response& res, Message& out) {
  for (const auto& [name, value] : res.headers) {
    out.set(beast::string_view(name.data(), name.size()), value);
  }
  if (res.header_block) {
    std::string_view block = *res.header_block;
    while (!block.empty()) {
      const auto eol = block.find("\r\n");
      const std::string_view line = block.substr(0, eol);
      block = eol == std::string_view::npos ? std::string_view{} : block.substr(eol + 2);
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      out.set(beast::string_view(line.data(), colon),
              beast::string_view(value.data(), value.size()));
    }
  }
  if (res.headers.find("X-Content-Type-Options") == res.headers.end() &&
      !block_has(res, "X-Content-Type-Options:")) {
    out.set("X-Content-Type-Options", "nosniff");
  }
}

unsigned status_code(int status) {
  return (status >= 100 && status <= 999) ? static_cast<unsigned>(status) : 500u;
}

bool body_allowed(unsigned status) { return status >= 200 && status != 204 && status != 304; }

// Appends `v` to `out` with CR and LF turned into spaces, so no value can start a header line.
void append_value(std::string& out, std::string_view v) {
  const std::size_t start = out.size();
  out += v;
  for (std::size_t i = start; i < out.size(); ++i) {
    if (out[i] == '\r' || out[i] == '\n') out[i] = ' ';
  }
}

// The status line and header block of a plain response (HTTP/1.1 §6: Content-Length framing).
// Written by hand rather than with Beast's serializer: this is the hot path of every small
// response, and the header block is a handful of appends. The server owns the framing headers:
// any Content-Length, Transfer-Encoding or Connection a handler set is ignored.
std::string format_head(const Response& res, unsigned version, bool keep_alive,
                        std::uint64_t content_length) {
  const unsigned status = status_code(res.status);
  const auto reason = http::obsolete_reason(static_cast<http::status>(status));
  std::string out;
  out.reserve(256 + res.headers.size() * 48 + (res.header_block ? res.header_block->size() : 0));
  out += version == 10 ? std::string_view("HTTP/1.0 ") : std::string_view("HTTP/1.1 ");
  out += std::to_string(status);
  out += ' ';
  out.append(reason.data(), reason.size());
  out += std::string_view("\r\n");
  bool nosniff = false;
  for (const auto& [name, value] : res.headers) {
    if (ascii::iequals(name, "Content-Length") || ascii::iequals(name, "Transfer-Encoding") ||
        ascii::iequals(name, "Connection")) {
      continue;
    }
    if (!nosniff && ascii::iequals(name, "X-Content-Type-Options")) nosniff = true;
    append_value(out, name);
    out += std::string_view(": ");
    append_value(out, value);
    out += std::string_view("\r\n");
  }
  if (res.header_block) out += *res.header_block;
  if (!nosniff && !block_has(res, "X-Content-Type-Options:")) {
    out += std::string_view("X-Content-Type-Options: nosniff\r\n");
  }
  if (body_allowed(status)) {
    out += std::string_view("Content-Length: ");
    out += std::to_string(content_length);
    out += std::string_view("\r\n");
  }
  if (!keep_alive) {
    out += std::string_view("Connection: close\r\n");
  } else if (version == 10) {
    out += std::string_view("Connection: keep-alive\r\n");
  }
  out += std::string_view("\r\n");
  return out;
}

// Writes head and body in one gathered write, skipping their first `skip` bytes (already sent).
// Not a coroutine: the buffer array is copied into the operation; GCC 12 mishandles such
// initialisers inside coroutines.
auto write_plain(beast::tcp_stream& stream, std::string_view head, std::string_view body,
                 std::size_t skip = 0) {
  beast::buffers_suffix<std::array<asio::const_buffer, 2>> rest(
      std::array<asio::const_buffer, 2>{asio::buffer(head), asio::buffer(body)});
  rest.consume(skip);
  return asio::async_write(stream, rest, kTuple);
}

// Writes as much of head and body as the socket takes now, without waiting (the socket is in
// non-blocking mode): a small response usually leaves in this one writev, with no trip through
// the reactor. Returns the bytes written; `ec` is set on a real error (not on would_block).
std::size_t write_now(tcp::socket& s, std::string_view head, std::string_view body,
                      beast::error_code& ec) {
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body)};
  const std::size_t n = s.write_some(buffers, ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) ec = {};
  return ec ? 0 : n;
}

// Feeds `parser` what `buffer` already holds (a whole small request, usually, after the idle
// read), so no read operation is needed. Stops at need_more (not an error) or a parse error.
void parse_buffered(http::request_parser<http::string_body>& parser, beast::flat_buffer& buffer,
                    beast::error_code& ec) {
  while (buffer.size() > 0 && !parser.is_done()) {
    const std::size_t used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec == http::error::need_more) {
      ec = {};
      return;
    }
    if (ec || used == 0) return;
  }
}

asio::awaitable<Response> call_sync(SyncHandler h, Request req) { co_return h(req); }

error_code io_error(const beast::error_code& ec) {
  if (ec == beast::error::timeout) return make_error_code(Errc::kTimeout);
  return ec;
}

// The BodyWriter of one streamed response, framed by hand like plain responses. The head is
// held back until the first body bytes, so that head and body leave in one write (and a
// complete response given to send() in one writev); an empty body or a HEAD request sends it at
// once.
class StreamWriter final : public BodyWriter {
 public:
  StreamWriter(Connection& c, std::chrono::steady_clock::duration write_timeout, unsigned version,
               bool keep_alive, bool head_request)
      : c_(c),
        write_timeout_(write_timeout),
        version_(version),
        keep_alive_(keep_alive),
        head_request_(head_request) {}

  asio::awaitable<Result<void>> write_head(Response head, std::uint64_t length) override {
    if (started_) co_return make_error_code(Errc::kInvalidArgument);
    started_ = true;
    head_ = format_head(head, version_, keep_alive_, length);
    length_ = body_allowed(status_code(head.status)) ? length : 0;
    if (head_request_ || length_ == 0) co_return co_await put(std::string_view());
    co_return Result<void>();
  }

  asio::awaitable<Result<void>> write(std::string_view chunk) override {
    if (!started_) co_return make_error_code(Errc::kInvalidArgument);
    if (failed_) co_return failed_;
    if (head_request_) co_return make_error_code(Errc::kCancelled);
    if (chunk.size() > length_ - written_) co_return make_error_code(Errc::kInvalidArgument);
    if (chunk.empty()) co_return Result<void>();
    auto r = co_await put(chunk);
    if (r) written_ += chunk.size();
    co_return r;
  }

  asio::awaitable<Result<void>> send(Response r) override {
    std::string body = std::move(r.body);
    r.body.clear();
    const auto length = static_cast<std::uint64_t>(body.size());
    auto head = co_await write_head(std::move(r), length);
    if (!head) co_return head;
    if (head_request_ || length_ == 0) co_return Result<void>();
    co_return co_await write(body);
  }

  bool head_sent() const noexcept override { return started_; }
  // The whole message went out, so the connection may serve another request.
  bool complete() const noexcept {
    return started_ && !failed_ && head_.empty() && (head_request_ || written_ == length_);
  }

 private:
  // Sends the held-back head (if any) and `chunk`: first without waiting, the rest with the
  // write timeout.
  asio::awaitable<Result<void>> put(std::string_view chunk) {
    beast::error_code ec;
    const std::size_t total = head_.size() + chunk.size();
    const std::size_t sent = write_now(c_.stream.socket(), head_, chunk, ec);
    if (!ec && sent < total) {
      c_.stream.expires_after(write_timeout_);
      auto [async_ec, n] = co_await write_plain(c_.stream, head_, chunk, sent);
      (void)n;
      ec = async_ec;
    }
    if (ec) {
      failed_ = io_error(ec);
      co_return failed_;
    }
    head_.clear();
    co_return Result<void>();
  }

  Connection& c_;
  std::chrono::steady_clock::duration write_timeout_;
  unsigned version_;
  bool keep_alive_;
  bool head_request_;
  bool started_ = false;
  std::string head_;  // formatted, not yet sent
  std::uint64_t length_ = 0;
  std::uint64_t written_ = 0;
  error_code failed_;
};

// The answer to a handler's Response::upgrade() that cannot be honoured: the request was not a
// valid WebSocket handshake (426, RFC 9110 §15.5.22: with the protocol to upgrade to), or the
// server is stopping (503). The channel ends at once: its on_close runs.
Response refuse_upgrade(Response res, bool stopping) {
  res.ws_channel->detach();
  if (stopping) return Response::error(503, "server is shutting down");
  Response r = Response::error(
      426,
      "this address accepts only WebSocket connections: send GET with Upgrade: websocket, "
      "Connection: Upgrade, Sec-WebSocket-Key and Sec-WebSocket-Version: 13 over HTTP/1.1");
  r.set_header("Upgrade", "websocket");
  r.set_header("Sec-WebSocket-Version", "13");
  return r;
}

struct VirtualHost {
  std::function<bool(std::string_view)> match;
  Handler handler;   // set for an asynchronous handler
  SyncHandler sync;  // set for a synchronous one (answered without a coroutine)
};

}  // namespace

struct HttpServer::Impl {
  Impl(asio::any_io_executor e, Options o)
      : ex(std::move(e)), opts(std::move(o)), tasks(ex, "web.http") {}

  asio::any_io_executor ex;
  Options opts;
  TaskGroup tasks;
  std::optional<tcp::acceptor> acceptor;
  std::uint16_t port = 0;
  std::vector<Route> routes;
  std::vector<Guard> guards;
  std::vector<VirtualHost> vhosts;
  std::list<Connection*> connections;
  bool stopping = false;

  void add_route(std::string method, std::string path, Handler h);
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(tcp::socket socket);
  asio::awaitable<Response> dispatch(Request req);
  std::optional<Response> dispatch_sync(const Request& req);
  Response route_or_refuse(const Request& req, Handler& out) const;
  asio::awaitable<void> stream_events(Connection& c, Response res, unsigned version);
  asio::awaitable<bool> stream_body(Connection& c, Response res, unsigned version, bool keep_alive,
                                    bool head);
};

void HttpServer::Impl::add_route(std::string method, std::string path, Handler h) {
  Route r{std::move(method), std::move(path), false, std::move(h)};
  if (r.path.size() >= 2 && r.path.ends_with("/*")) {
    r.path.pop_back();
    r.prefix = true;
  }
  for (auto& existing : routes) {
    if (existing.method == r.method && existing.path == r.path && existing.prefix == r.prefix) {
      existing = std::move(r);
      return;
    }
  }
  routes.push_back(std::move(r));
}

// Finds the handler for `req` (exact path first, then the longest prefix; HEAD falls back to
// GET). On success sets `out` and returns a Response with status 0; otherwise returns the
// 404/405 to send.
Response HttpServer::Impl::route_or_refuse(const Request& req, Handler& out) const {
  const Route* best = nullptr;
  const Route* head_fallback = nullptr;
  std::size_t best_rank = 0;
  std::size_t fallback_rank = 0;
  std::string allow;
  for (const auto& r : routes) {
    const bool match = r.prefix ? req.path.starts_with(r.path) : req.path == r.path;
    if (!match) continue;
    // Exact routes rank above every prefix route; longer prefixes above shorter ones.
    const std::size_t rank = r.prefix ? r.path.size() + 1 : std::string::npos;
    if (allow.find(r.method) == std::string::npos) allow += (allow.empty() ? "" : ", ") + r.method;
    if (r.method == req.method && (!best || rank > best_rank)) {
      best = &r;
      best_rank = rank;
    }
    if (req.method == "HEAD" && r.method == "GET" && (!head_fallback || rank > fallback_rank)) {
      head_fallback = &r;
      fallback_rank = rank;
    }
  }
  if (!best) best = head_fallback;
  if (best) {
    out = best->handler;
    Response ok;
    ok.status = 0;
    return ok;
  }
  if (allow.empty()) return Response::error(404, "not found");
  Response r = Response::error(405, "method not allowed");
  r.set_header("Allow", allow);
  return r;
}

// The virtual hosts with a synchronous handler, tried first and without any coroutine: a
// response when one matched (500 if it threw), nullopt otherwise.
std::optional<Response> HttpServer::Impl::dispatch_sync(const Request& req) {
  if (vhosts.empty()) return std::nullopt;
  const std::string_view host = req.header("Host");
  for (const auto& vh : vhosts) {
    if (!vh.match(host)) continue;
    if (!vh.sync) return std::nullopt;  // asynchronous: dispatch() calls it
    try {
      return vh.sync(req);
    } catch (const std::exception& e) {
      GOOP_LOG_WARN(lg, "{} {}: handler failed: {}", req.method, req.path, e.what());
    } catch (...) {
      GOOP_LOG_WARN(lg, "{} {}: handler failed with a non-standard exception", req.method,
                    req.path);
    }
    return Response::error(500, "internal error");
  }
  return std::nullopt;
}

asio::awaitable<Response> HttpServer::Impl::dispatch(Request req) {
  const std::string what = req.method + " " + req.path;
  try {
    if (!vhosts.empty()) {
      const std::string_view host = req.header("Host");
      for (const auto& vh : vhosts) {
        if (!vh.match(host)) continue;
        Handler handler = vh.handler;
        Response res = co_await handler(std::move(req));
        co_return res;
      }
    }
    // Guards are synchronous and never add guards, so the vector is stable during the call.
    for (const auto& guard : guards) {
      if (auto refusal = guard(req)) co_return std::move(*refusal);
    }
    Handler handler;
    Response refusal = route_or_refuse(req, handler);
    if (refusal.status != 0) co_return refusal;
    Response res = co_await handler(std::move(req));
    co_return res;
  } catch (const std::exception& e) {
    GOOP_LOG_WARN(lg, "{}: handler failed: {}", what, e.what());
  } catch (...) {
    GOOP_LOG_WARN(lg, "{}: handler failed with a non-standard exception", what);
  }
  co_return Response::error(500, "internal error");
}

asio::awaitable<void> HttpServer::Impl::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(kTuple);
    if (stopping || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of file descriptors and the like: back off instead of spinning.
      GOOP_LOG_WARN(lg, "accept failed: {}", ec.message());
      asio::steady_timer backoff(ex, std::chrono::milliseconds(100));
      co_await backoff.async_wait(kTuple);
      continue;
    }
    // tasks holds this loop plus one task per connection.
    if (tasks.size() > opts.max_connections) {
      GOOP_LOG_DEBUG(lg, "refusing a connection: {} open (max_connections)", tasks.size() - 1);
      beast::error_code ignored;
      socket.close(ignored);
      continue;
    }
    beast::error_code nodelay_ec;
    socket.set_option(tcp::no_delay(true), nodelay_ec);  // responses leave in one write anyway
    tasks.spawn(session(std::move(socket)), "http connection");
  }
}

asio::awaitable<void> HttpServer::Impl::session(tcp::socket socket) {
  beast::error_code ec;
  const tcp::endpoint remote = socket.remote_endpoint(ec);
  const std::string remote_address = remote.address().to_string();
  socket.non_blocking(true, ec);  // for write_now(); asynchronous operations are unaffected
  Connection c(std::move(socket));
  struct Unlink {
    std::list<Connection*>& list;
    std::list<Connection*>::iterator it;
    ~Unlink() { list.erase(it); }
  } unlink{connections, connections.insert(connections.end(), &c)};
  GOOP_LOG_DEBUG(lg, "connection from {}", endpoint_text(remote));

  beast::flat_buffer buffer;
  bool first = true;
  while (!stopping) {
    c.waiting = true;
    if (!first && buffer.size() == 0) {
      // Idle keep-alive connection: wait for the first byte of the next request.
      c.stream.expires_after(opts.idle_timeout);
      auto [idle_ec, n] = co_await c.stream.async_read_some(buffer.prepare(kFirstReadSize), kTuple);
      if (idle_ec) break;
      buffer.commit(n);
    }
    first = false;
    http::request_parser<http::string_body> parser;
    parser.body_limit(opts.body_limit);
    parser.header_limit(opts.header_limit);
    beast::error_code read_ec;
    parse_buffered(parser, buffer, read_ec);
    if (!read_ec && !parser.is_done()) {
      c.stream.expires_after(opts.read_timeout);
      auto [async_ec, read_n] = co_await http::async_read(c.stream, buffer, parser, kTuple);
      (void)read_n;
      read_ec = async_ec;
    }
    c.waiting = false;
    if (read_ec) {
      std::optional<Response> refusal;
      if (read_ec == http::error::body_limit) {
        refusal = Response::error(413, "request body too large");
      } else if (read_ec == http::error::header_limit) {
        refusal = Response::error(431, "request headers too large");
      } else if (read_ec.category() == http::make_error_code(http::error::bad_target).category() &&
                 read_ec != http::error::end_of_stream && read_ec != http::error::partial_message) {
        refusal = Response::error(400, "malformed request");
      }
      GOOP_LOG_DEBUG(lg, "{}: read ended: {}", endpoint_text(remote), read_ec.message());
      if (refusal && !stopping) {
        const std::string out = format_head(*refusal, 11, false, refusal->body.size());
        c.stream.expires_after(opts.write_timeout);
        co_await write_plain(c.stream, out, refusal->body);
      }
      break;
    }
    auto msg = parser.release();
    const bool head = msg.method() == http::verb::head;
    const unsigned version = msg.version();
    const bool client_keep_alive = msg.keep_alive();
    Request req = to_request(msg, remote_address, remote.port());
    // Beast's handshake also wants HTTP/1.1 and a Host header.
    const bool ws_handshake =
        req.is_websocket_upgrade() && version == 11 && req.headers.count("Host") != 0;
    std::optional<Response> answered = dispatch_sync(req);
    if (!answered) answered.emplace(co_await dispatch(std::move(req)));
    Response res = std::move(*answered);
    if (res.ws_channel) {
      if (ws_handshake && !stopping) {
        // The connection is a WebSocket from here on: give back the HTTP read buffer (the
        // client may not send frames before our 101) and let the session keep the time.
        buffer = beast::flat_buffer();
        c.stream.expires_never();
        co_await detail::serve_websocket(c.stream, std::move(msg), std::move(res));
        break;
      }
      res = refuse_upgrade(std::move(res), stopping);
    }
    if (res.sse_stream) {
      co_await stream_events(c, std::move(res), version);
      break;
    }
    const bool keep_alive = client_keep_alive && !stopping;
    if (res.stream) {
      const bool complete = co_await stream_body(c, std::move(res), version, keep_alive, head);
      if (!complete || !keep_alive) break;
      continue;
    }
    const std::string out = format_head(res, version, keep_alive, res.body.size());
    if (head || !body_allowed(status_code(res.status))) res.body.clear();
    beast::error_code write_ec;
    const std::size_t sent = write_now(c.stream.socket(), out, res.body, write_ec);
    if (!write_ec && sent < out.size() + res.body.size()) {
      c.stream.expires_after(opts.write_timeout);
      auto [async_ec, write_n] = co_await write_plain(c.stream, out, res.body, sent);
      (void)write_n;
      write_ec = async_ec;
    }
    if (write_ec || !keep_alive) break;
  }
  c.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  GOOP_LOG_DEBUG(lg, "connection from {} closed", endpoint_text(remote));
}

asio::awaitable<void> HttpServer::Impl::stream_events(Connection& c, Response res,
                                                      unsigned version) {
  std::shared_ptr<SseStream> sse = std::move(res.sse_stream);
  http::response<http::empty_body> head;
  head.version(version);
  head.result(status_code(res.status));
  copy_headers(res, head);
  head.keep_alive(false);  // no Content-Length: the event stream ends when the connection does
  http::response_serializer<http::empty_body> sr(head);
  c.stream.expires_after(opts.write_timeout);
  auto [head_ec, head_n] = co_await http::async_write_header(c.stream, sr, kTuple);
  (void)head_n;
  if (head_ec) {
    sse->detach();
    co_return;
  }

  asio::steady_timer wake(ex);
  struct Detach {
    Connection& c;
    SseStream& s;
    ~Detach() {
      s.detach();
      c.sse = nullptr;
    }
  } detach{c, *sse};
  c.sse = sse.get();
  sse->set_waker([&wake] { wake.cancel(); });
  auto cs = co_await asio::this_coro::cancellation_state;
  while (!stopping && cs.cancelled() == asio::cancellation_type::none) {
    std::string out = sse->take_pending();
    if (out.empty()) {
      if (sse->closed()) break;
      wake.expires_after(opts.sse_heartbeat);
      auto [wait_ec] = co_await wake.async_wait(kTuple);
      if (wait_ec) continue;  // woken by send()/close(), or cancelled: look again
      out = ": heartbeat\n\n";
    }
    c.stream.expires_after(opts.write_timeout);
    auto [write_ec, write_n] = co_await asio::async_write(c.stream, asio::buffer(out), kTuple);
    (void)write_n;
    if (write_ec) {
      GOOP_LOG_DEBUG(lg, "event stream ended: {}", write_ec.message());
      break;
    }
  }
}

// Runs a streamed response's StreamFn. Returns whether the whole message went out (so the
// connection may be kept).
asio::awaitable<bool> HttpServer::Impl::stream_body(Connection& c, Response res, unsigned version,
                                                    bool keep_alive, bool head) {
  StreamWriter writer(c, opts.write_timeout, version, keep_alive, head);
  Response::StreamFn fn = std::move(res.stream);
  bool threw = false;
  try {
    co_await fn(writer);
  } catch (const std::exception& e) {
    GOOP_LOG_WARN(lg, "streamed response failed: {}", e.what());
    threw = true;
  }
  if (!writer.head_sent()) {
    if (!threw) GOOP_LOG_WARN(lg, "streamed response ended without a head");
    Response error = Response::error(500, "internal error");
    const std::string out = format_head(error, version, false, error.body.size());
    if (head) error.body.clear();
    c.stream.expires_after(opts.write_timeout);
    co_await write_plain(c.stream, out, error.body);
    co_return false;
  }
  co_return writer.complete();
}

HttpServer::HttpServer(asio::any_io_executor ex, Options options)
    : impl_(std::make_unique<Impl>(std::move(ex), std::move(options))) {}

HttpServer::~HttpServer() = default;

void HttpServer::route(std::string method, std::string path, Handler handler) {
  impl_->add_route(std::move(method), std::move(path), std::move(handler));
}

void HttpServer::route(std::string method, std::string path, SyncHandler handler) {
  impl_->add_route(std::move(method), std::move(path),
                   [h = std::move(handler)](Request req) { return call_sync(h, std::move(req)); });
}

void HttpServer::add_guard(Guard guard) { impl_->guards.push_back(std::move(guard)); }

void HttpServer::route_host(std::function<bool(std::string_view host)> match, Handler handler) {
  impl_->vhosts.push_back(VirtualHost{std::move(match), std::move(handler), nullptr});
}

void HttpServer::route_host(std::function<bool(std::string_view host)> match, SyncHandler handler) {
  impl_->vhosts.push_back(VirtualHost{std::move(match), nullptr, std::move(handler)});
}

Expected<void> HttpServer::listen() {
  Impl& d = *impl_;
  if (d.acceptor || d.stopping) {
    return Error{make_error_code(Errc::kInvalidArgument), "http: listen() called twice"};
  }
  beast::error_code ec;
  const auto addr = asio::ip::make_address(d.opts.bind, ec);
  if (ec) return Error{ec, fmt::format("http: invalid bind address '{}'", d.opts.bind)};
  const tcp::endpoint ep(addr, d.opts.port);
  tcp::acceptor acc(d.ex);
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error{ec, fmt::format("http: cannot listen on {}: {}{}", endpoint_text(ep), ec.message(),
                                 ec == asio::error::address_in_use
                                     ? " (the port is in use by another program; choose another "
                                       "port, or 0 for any free port)"
                                     : "")};
  }
  const tcp::endpoint bound = acc.local_endpoint(ec);
  d.port = bound.port();
  d.acceptor.emplace(std::move(acc));
  d.tasks.spawn(d.accept_loop(), "http accept");
  GOOP_LOG_INFO(lg, "listening on http://{}", endpoint_text(bound));
  return {};
}

std::uint16_t HttpServer::port() const noexcept { return impl_->port; }

std::size_t HttpServer::connection_count() const noexcept { return impl_->connections.size(); }

asio::awaitable<bool> HttpServer::async_stop(std::chrono::steady_clock::duration deadline) {
  Impl& d = *impl_;
  d.stopping = true;
  if (d.acceptor) {
    beast::error_code ec;
    d.acceptor->close(ec);
  }
  // close() only queues completions, so the list does not change while we walk it.
  for (Connection* c : d.connections) {
    if (c->sse) c->sse->close();
    if (c->waiting || c->sse) c->close();
  }
  const bool all = co_await d.tasks.async_stop(deadline);
  co_return all;
}

}  // namespace goop::web
