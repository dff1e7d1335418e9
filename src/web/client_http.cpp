// fetch and read_event_stream (web/client.hpp): one HTTP/1.1 request per connection
// (Connection: close) over a beast::tcp_stream or a TLS stream on top of it. The protocol code is
// a template over the stream type, instantiated here for those two only. Deadlines are set on
// the lowest layer (tcp_stream::expires_at/after) before every operation.
#include "base/ascii.hpp"
#include "base/errors.hpp"
#include "web/client.hpp"
#include "web/client_net.hpp"
#include "web/sse_parser.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/core.h>

#include <utility>

namespace goop::web {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using detail::Deadline;
using detail::TlsStream;

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t kHeaderLimit = 64 * 1024;
constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::size_t kErrorSnippet = 300;  // bytes of a refusal's body quoted in the error

using RequestMsg = http::request<http::string_body>;

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

Error invalid(std::string_view url, std::string what) {
  return Error(make_error_code(Errc::kInvalidArgument), fmt::format("{}: {}", url, what));
}

// Not a coroutine (GCC 12 and braced initialisers in coroutines).
Expected<RequestMsg> make_request(const ClientRequest& req, const Url& u, bool event_stream) {
  RequestMsg msg;
  msg.version(11);
  if (!is_token(req.method))
    return invalid(req.url, fmt::format("invalid HTTP method \"{}\"", req.method));
  msg.method_string(req.method);
  msg.target(u.target);
  for (const auto& [name, value] : req.headers) {
    if (!is_token(name)) return invalid(req.url, fmt::format("invalid header name \"{}\"", name));
    if (!detail::header_value_ok(value)) {
      return invalid(req.url, fmt::format("header {} contains a line break", name));
    }
    if (ascii::iequals(name, "Host") || ascii::iequals(name, "Content-Length") ||
        ascii::iequals(name, "Connection") || ascii::iequals(name, "Transfer-Encoding")) {
      continue;
    }
    msg.set(name, value);
  }
  msg.set(http::field::host, detail::host_header(u));
  msg.set(http::field::connection, "close");
  if (msg.find(http::field::user_agent) == msg.end()) msg.set(http::field::user_agent, "goop2");
  if (event_stream) {
    if (msg.find(http::field::accept) == msg.end())
      msg.set(http::field::accept, "text/event-stream");
    msg.set(http::field::cache_control, "no-cache");
  } else {
    msg.body() = req.body;
  }
  msg.prepare_payload();
  return msg;
}

template <class Fields>
Headers to_headers(const Fields& fields) {
  Headers out;
  for (const auto& f : fields) {
    std::string name(f.name_string());
    std::string value(f.value());
    auto [it, inserted] = out.try_emplace(std::move(name), value);
    if (!inserted) {
      it->second += ", ";
      it->second += value;
    }
  }
  return out;
}

bool stream_ended(const boost::system::error_code& ec) {
  return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
         ec == http::error::end_of_stream || ec == http::error::partial_message;
}

// Parses the URL for fetch/read_event_stream: http or https only.
Expected<Url> http_url(const std::string& url) {
  auto u = parse_url(url);
  if (!u) return u;
  if (u->scheme != "http" && u->scheme != "https") {
    return invalid(url, "not an HTTP URL (use http:// or https://; for ws:// use WebSocketClient)");
  }
  return u;
}

template <class Stream>
asio::awaitable<Expected<void>> send_request(Stream& s, RequestMsg& msg, const ClientRequest& req,
                                             Deadline deadline) {
  beast::get_lowest_layer(s).expires_at(deadline);
  auto [ec, n] = co_await http::async_write(s, msg, kTuple);
  (void)n;
  if (ec) co_return detail::io_error(req.url, ec, req.timeout);
  co_return Expected<void>();
}

template <class Stream>
asio::awaitable<Expected<ClientResponse>> exchange(Stream& s, RequestMsg& msg,
                                                   const ClientRequest& req, Deadline deadline) {
  auto sent = co_await send_request(s, msg, req, deadline);
  if (!sent) co_return sent.error();
  beast::flat_buffer buf;
  http::response_parser<http::string_body> p;
  p.header_limit(kHeaderLimit);
  p.body_limit(req.body_limit);
  if (ascii::iequals(req.method, "HEAD")) p.skip(true);
  beast::get_lowest_layer(s).expires_at(deadline);
  auto [ec, n] = co_await http::async_read(s, buf, p, kTuple);
  (void)n;
  if (ec == asio::ssl::error::stream_truncated && p.is_header_done()) {
    // A TLS server that closes without close_notify after a body framed by the close.
    boost::system::error_code eof_ec;
    p.put_eof(eof_ec);
    if (!eof_ec && p.is_done()) ec = {};
  }
  if (ec == http::error::body_limit) {
    co_return Error(make_error_code(Errc::kTooLarge),
                    fmt::format("{}: response body larger than {}", req.url,
                                detail::format_size(req.body_limit)));
  }
  if (ec == http::error::header_limit) {
    co_return Error(make_error_code(Errc::kTooLarge),
                    fmt::format("{}: response headers larger than {}", req.url,
                                detail::format_size(kHeaderLimit)));
  }
  if (ec) co_return detail::io_error(req.url, ec, req.timeout);
  auto res = p.release();
  ClientResponse out;
  out.status = static_cast<int>(res.result_int());
  out.headers = to_headers(res);
  out.body = std::move(res.body());
  co_return out;
}

// Reads up to kErrorSnippet bytes of a refusal's body (best effort, before `deadline`).
template <class Stream>
asio::awaitable<std::string> read_snippet(Stream& s, beast::flat_buffer& buf,
                                          http::response_parser<http::buffer_body>& p,
                                          Deadline deadline) {
  std::string snippet(kErrorSnippet, '\0');
  std::size_t have = 0;
  while (have < snippet.size() && !p.is_done()) {
    p.get().body().data = snippet.data() + have;
    p.get().body().size = snippet.size() - have;
    beast::get_lowest_layer(s).expires_at(deadline);
    auto [ec, n] = co_await http::async_read_some(s, buf, p, kTuple);
    (void)n;
    have = snippet.size() - p.get().body().size;
    if (ec && ec != http::error::need_buffer) break;
  }
  snippet.resize(have);
  for (char& c : snippet) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  co_return snippet;
}

template <class Stream>
asio::awaitable<Expected<void>> stream_events(Stream& s, RequestMsg& msg, const ClientRequest& req,
                                              Deadline deadline, const SseParser::DataFn& on_data,
                                              std::chrono::milliseconds idle_timeout,
                                              int* status_out) {
  auto sent = co_await send_request(s, msg, req, deadline);
  if (!sent) co_return sent.error();
  beast::flat_buffer buf;
  http::response_parser<http::buffer_body> p;
  p.header_limit(kHeaderLimit);
  p.body_limit(boost::none);
  beast::get_lowest_layer(s).expires_at(deadline);
  auto [hec, hn] = co_await http::async_read_header(s, buf, p, kTuple);
  (void)hn;
  if (hec) co_return detail::io_error(req.url, hec, req.timeout);
  const int status = static_cast<int>(p.get().result_int());
  if (status_out != nullptr) *status_out = status;
  if (status < 200 || status > 299) {
    std::string snippet = co_await read_snippet(s, buf, p, deadline);
    std::string message = fmt::format("{}: the server answered HTTP {}", req.url, status);
    if (!snippet.empty()) message += ": " + snippet;
    co_return Error(make_error_code(boost::system::errc::protocol_error), std::move(message));
  }
  const std::string content_type(p.get()[http::field::content_type]);
  if (!content_type.empty() && content_type.rfind("text/event-stream", 0) != 0) {
    co_return Error(make_error_code(boost::system::errc::protocol_error),
                    fmt::format("{}: not an event stream (Content-Type {}; is the URL right?)",
                                req.url, content_type));
  }

  SseParser parser;
  std::string chunk(kReadChunk, '\0');
  for (;;) {
    p.get().body().data = chunk.data();
    p.get().body().size = chunk.size();
    beast::get_lowest_layer(s).expires_after(idle_timeout);
    auto [ec, n] = co_await http::async_read_some(s, buf, p, kTuple);
    (void)n;
    if (ec == http::error::need_buffer) ec = {};
    const std::size_t got = chunk.size() - p.get().body().size;
    if (got > 0) {
      auto fed = parser.feed(std::string_view(chunk.data(), got), on_data);
      if (!fed)
        co_return Error(fed.error().code, fmt::format("{}: {}", req.url, fed.error().message));
    }
    if (ec == beast::error::timeout) {
      co_return Error(make_error_code(Errc::kTimeout),
                      fmt::format("{}: no data from the event stream for {} (connection lost?)",
                                  req.url, detail::format_duration(idle_timeout)));
    }
    if (stream_ended(ec) || (!ec && p.is_done())) {
      co_return Error(make_error_code(Errc::kClosed),
                      fmt::format("{}: the server ended the event stream", req.url));
    }
    if (ec) co_return detail::io_error(req.url, ec, idle_timeout);
  }
}

}  // namespace

asio::awaitable<Expected<ClientResponse>> fetch(asio::any_io_executor ex, ClientRequest req) {
  GOOP_CO_TRY(const Url u, http_url(req.url));
  GOOP_CO_TRY(auto msg, make_request(req, u, false));
  const Deadline deadline = std::chrono::steady_clock::now() + req.timeout;
  if (!u.tls()) {
    beast::tcp_stream s(ex);
    GOOP_CO_TRY_VOID(co_await detail::connect_tcp(s, u, req.url, deadline, req.timeout));
    co_return co_await exchange(s, msg, req, deadline);
  }
  GOOP_CO_TRY(auto ctx, detail::tls_context(req.tls, req.url));
  TlsStream s(ex, *ctx);
  GOOP_CO_TRY_VOID(
      co_await detail::connect_tcp(beast::get_lowest_layer(s), u, req.url, deadline, req.timeout));
  GOOP_CO_TRY_VOID(co_await detail::tls_handshake(s, u, req.url, deadline, req.timeout));
  co_return co_await exchange(s, msg, req, deadline);
}

asio::awaitable<Expected<void>> read_event_stream(
    asio::any_io_executor ex, ClientRequest req, std::function<void(std::string_view data)> on_data,
    std::chrono::milliseconds idle_timeout, int* status_out) {
  req.method = "GET";
  GOOP_CO_TRY(const Url u, http_url(req.url));
  GOOP_CO_TRY(auto msg, make_request(req, u, true));
  const Deadline deadline = std::chrono::steady_clock::now() + req.timeout;
  if (!u.tls()) {
    beast::tcp_stream s(ex);
    GOOP_CO_TRY_VOID(co_await detail::connect_tcp(s, u, req.url, deadline, req.timeout));
    co_return co_await stream_events(s, msg, req, deadline, on_data, idle_timeout, status_out);
  }
  GOOP_CO_TRY(auto ctx, detail::tls_context(req.tls, req.url));
  TlsStream s(ex, *ctx);
  GOOP_CO_TRY_VOID(
      co_await detail::connect_tcp(beast::get_lowest_layer(s), u, req.url, deadline, req.timeout));
  GOOP_CO_TRY_VOID(co_await detail::tls_handshake(s, u, req.url, deadline, req.timeout));
  co_return co_await stream_events(s, msg, req, deadline, on_data, idle_timeout, status_out);
}

}  // namespace goop::web
