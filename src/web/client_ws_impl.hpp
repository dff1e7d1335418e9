#pragma once
// Internal to client_ws.cpp and client_wss.cpp: WebSocketClient over beast::websocket::stream,
// a template over the next layer (plain tcp_stream or TLS on top of it). Each of the two TUs
// instantiates one stream type, so neither compiles both websocket stacks (STYLE.md §11).
//
// Timeouts: connect, TLS and the upgrade share one deadline (tcp_stream::expires_at); after the
// upgrade the tcp_stream deadline is switched off and Beast's websocket timeout takes over:
// it pings the server after idle_timeout/2 of silence and fails the pending read with
// beast::error::timeout when the silence reaches idle_timeout (anything received, pongs
// included, counts as life). Writes and the closing handshake are bounded by write_timeout
// (base/timeout.hpp with_timeout; a timed-out write leaves the connection unusable, so it is
// closed).
//
// Invariants:
//  1. At most one read() and one write() (or close()) are outstanding (the WebSocketClient
//     contract); Beast serialises our writes with its own pongs and pings.
//  2. Once closed_ is true, write() fails with Errc::kClosed and close() does nothing.

#include "base/errors.hpp"
#include "base/timeout.hpp"
#include "web/client.hpp"
#include "web/client_net.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace goop::web::detail {

using WsConnectResult = boost::system::result<std::unique_ptr<WebSocketClient>, WsConnectError>;

// Defined in client_ws.cpp / client_wss.cpp. `u` is the parsed `url` (ws / wss).
boost::asio::awaitable<WsConnectResult> connect_ws_plain(boost::asio::any_io_executor ex,
                                                         std::string url, Url u,
                                                         WsConnectOptions options);
boost::asio::awaitable<WsConnectResult> connect_ws_tls(boost::asio::any_io_executor ex,
                                                       std::string url, Url u,
                                                       WsConnectOptions options);

inline WsConnectResult ws_connect_error(Error e, int http_status = 0) {
  WsConnectError out;
  out.error = std::move(e);
  out.http_status = http_status;
  return out;
}

template <class Next>
class WsClientT final : public WebSocketClient {
 public:
  using Ws = boost::beast::websocket::stream<Next>;

  template <class... Args>
  WsClientT(std::string url, WsConnectOptions options, std::shared_ptr<void> keep_alive,
            Args&&... args)
      : ws_(std::forward<Args>(args)...),
        url_(std::move(url)),
        options_(std::move(options)),
        keep_alive_(std::move(keep_alive)) {}

  Ws& ws() { return ws_; }
  const WsConnectOptions& options() const { return options_; }

  // After a successful upgrade: hands the deadlines over to the websocket layer.
  void opened() {
    namespace websocket = boost::beast::websocket;
    boost::beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout t;
    t.handshake_timeout = options_.write_timeout;  // bounds the closing handshake
    t.idle_timeout = options_.idle_timeout;
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.text(true);
  }

  boost::asio::awaitable<Expected<std::string>> read() override {
    namespace asio = boost::asio;
    for (;;) {
      buf_.consume(buf_.size());
      auto [ec, n] = co_await ws_.async_read(buf_, asio::as_tuple(asio::use_awaitable));
      (void)n;
      if (ec) co_return read_error(ec);
      if (ws_.got_text()) {
        std::string text = boost::beast::buffers_to_string(buf_.data());
        buf_.consume(buf_.size());
        co_return text;
      }
      // A binary message: not part of any protocol we speak; skipped.
    }
  }

  boost::asio::awaitable<Expected<void>> write(std::string text) override {
    if (closed_) co_return closed_error();
    auto r = co_await with_timeout(send(std::move(text)), options_.write_timeout);
    if (r) co_return Expected<void>();
    if (r.error() == Errc::kTimeout) {
      abandon();
      co_return Error(
          make_error_code(Errc::kTimeout),
          fmt::format("{}: sending a message timed out after {} (the server is not reading)", url_,
                      format_duration(options_.write_timeout)));
    }
    co_return io_error(url_, r.error(), options_.write_timeout);
  }

  boost::asio::awaitable<void> close(std::uint16_t code, std::string reason) override {
    if (closed_) co_return;
    closed_ = true;
    if (!ws_.is_open()) co_return;
    auto r = co_await with_timeout(send_close(code, std::move(reason)), options_.write_timeout);
    if (!r) abandon();
  }

  std::uint16_t close_code() const noexcept override { return close_code_; }
  std::string close_reason() const override { return close_reason_; }

 private:
  boost::asio::awaitable<Result<void>> send(std::string text) {
    namespace asio = boost::asio;
    auto [ec, n] =
        co_await ws_.async_write(asio::buffer(text), asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (ec) co_return ec;
    co_return Result<void>();
  }

  boost::asio::awaitable<Result<void>> send_close(std::uint16_t code, std::string reason) {
    namespace asio = boost::asio;
    boost::beast::websocket::close_reason cr;
    cr.code = code;
    cr.reason.assign(reason.data(),
                     std::min(reason.size(), cr.reason.max_size()));  // RFC 6455: 123 bytes
    auto [ec] = co_await ws_.async_close(cr, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return ec;
    co_return Result<void>();
  }

  // Drops the connection without a closing handshake (after a timed-out write or close).
  void abandon() {
    closed_ = true;
    boost::system::error_code ignored;
    boost::beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  Error closed_error() const {
    return Error(make_error_code(Errc::kClosed), fmt::format("{}: the WebSocket is closed", url_));
  }

  Error read_error(boost::system::error_code ec) {
    namespace websocket = boost::beast::websocket;
    if (ec == websocket::error::closed) {
      closed_ = true;
      close_code_ = ws_.reason().code;
      close_reason_ = std::string(ws_.reason().reason.c_str());
      std::string why = fmt::format("code {}", close_code_);
      if (!close_reason_.empty()) why += fmt::format(", \"{}\"", close_reason_);
      return Error(make_error_code(Errc::kClosed),
                   fmt::format("{}: the server closed the WebSocket ({})", url_, why));
    }
    if (ec == boost::beast::error::timeout) {
      closed_ = true;
      return Error(make_error_code(Errc::kTimeout),
                   fmt::format("{}: nothing heard from the server for {} (connection lost?)", url_,
                               format_duration(options_.idle_timeout)));
    }
    if (ec == websocket::error::message_too_big) {
      closed_ = true;
      return Error(make_error_code(Errc::kTooLarge),
                   fmt::format("{}: the server sent a message larger than {}", url_,
                               format_size(options_.max_message)));
    }
    if (closed_ && ec == boost::asio::error::operation_aborted) return closed_error();
    closed_ = true;
    return io_error(url_, ec, options_.idle_timeout);
  }

  Ws ws_;
  boost::beast::flat_buffer buf_;
  std::string url_;
  WsConnectOptions options_;
  std::shared_ptr<void> keep_alive_;  // the TLS context, if any
  bool closed_ = false;
  std::uint16_t close_code_ = 0;
  std::string close_reason_;
};

// Sets the upgrade request's headers and the per-message options; not a coroutine (GCC 12).
template <class Ws>
Expected<void> configure_upgrade(Ws& ws, const std::string& url, const WsConnectOptions& o) {
  namespace websocket = boost::beast::websocket;
  namespace http = boost::beast::http;
  const CaseInsensitiveLess less;
  for (const auto& [name, value] : o.headers) {
    if (!header_value_ok(value) || !header_value_ok(name) || name.empty()) {
      return Error(make_error_code(Errc::kInvalidArgument),
                   fmt::format("{}: invalid header {}", url, name));
    }
    const std::string_view lower_name = name;
    if (!less(lower_name, "Host") && !less("Host", lower_name)) {
      return Error(make_error_code(Errc::kInvalidArgument),
                   fmt::format("{}: the Host header is set from the URL", url));
    }
  }
  Headers headers = o.headers;
  ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    req.set(http::field::user_agent, "goop2");
    for (const auto& [name, value] : headers) req.set(name, value);
  }));
  websocket::permessage_deflate pmd;
  pmd.client_enable = false;
  pmd.server_enable = false;
  ws.set_option(pmd);
  ws.read_message_max(o.max_message);
  return {};
}

// Connects, runs TLS (for a TLS next layer) and the upgrade, all before one deadline.
template <class Next>
boost::asio::awaitable<WsConnectResult> ws_connect(boost::asio::any_io_executor ex, std::string url,
                                                   Url u, WsConnectOptions o,
                                                   std::shared_ptr<boost::asio::ssl::context> ctx) {
  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace websocket = beast::websocket;
  const Deadline deadline = std::chrono::steady_clock::now() + o.handshake_timeout;
  const auto timeout = o.handshake_timeout;
  std::unique_ptr<WsClientT<Next>> c;
  if constexpr (std::is_same_v<Next, beast::tcp_stream>) {
    c = std::make_unique<WsClientT<Next>>(url, std::move(o), nullptr, ex);
  } else {
    c = std::make_unique<WsClientT<Next>>(url, std::move(o), ctx, ex, *ctx);
  }
  auto configured = configure_upgrade(c->ws(), url, c->options());
  if (!configured) co_return ws_connect_error(configured.error());

  auto& lowest = beast::get_lowest_layer(c->ws());
  auto connected = co_await connect_tcp(lowest, u, url, deadline, timeout);
  if (!connected) co_return ws_connect_error(connected.error());
  if constexpr (!std::is_same_v<Next, beast::tcp_stream>) {
    auto secured = co_await tls_handshake(c->ws().next_layer(), u, url, deadline, timeout);
    if (!secured) co_return ws_connect_error(secured.error());
  }
  websocket::response_type res;
  lowest.expires_at(deadline);
  auto [ec] = co_await c->ws().async_handshake(res, host_header(u), u.target,
                                               asio::as_tuple(asio::use_awaitable));
  if (ec == websocket::error::upgrade_declined) {
    const int status = static_cast<int>(res.result_int());
    std::string message =
        fmt::format("{}: the server refused the WebSocket upgrade (HTTP {})", url, status);
    std::string body = res.body().substr(0, 300);
    for (char& ch : body) {
      if (static_cast<unsigned char>(ch) < 0x20) ch = ' ';
    }
    if (!body.empty()) message += ": " + body;
    co_return ws_connect_error(
        Error(make_error_code(boost::system::errc::protocol_error), std::move(message)), status);
  }
  if (ec) co_return ws_connect_error(io_error(url, ec, timeout));
  c->opened();
  co_return std::unique_ptr<WebSocketClient>(std::move(c));
}

}  // namespace goop::web::detail
