// WebSocketClient::connect (web/client.hpp) and the plain ws:// client: the one TU that
// instantiates beast::websocket::stream<tcp_stream> for the client (client_wss.cpp has TLS).
#include "base/errors.hpp"
#include "web/client.hpp"
#include "web/client_ws_impl.hpp"

#include <fmt/core.h>

namespace goop::web {
namespace asio = boost::asio;

namespace detail {
asio::awaitable<WsConnectResult> connect_ws_plain(asio::any_io_executor ex, std::string url, Url u,
                                                  WsConnectOptions options) {
  return ws_connect<boost::beast::tcp_stream>(std::move(ex), std::move(url), std::move(u),
                                              std::move(options), nullptr);
}
}  // namespace detail

asio::awaitable<boost::system::result<std::unique_ptr<WebSocketClient>, WsConnectError>>
WebSocketClient::connect(asio::any_io_executor ex, std::string url, WsConnectOptions options) {
  auto u = parse_url(url);
  if (!u) co_return detail::ws_connect_error(u.error());
  if (u->scheme != "ws" && u->scheme != "wss") {
    co_return detail::ws_connect_error(
        Error(make_error_code(Errc::kInvalidArgument),
              fmt::format("{}: not a WebSocket URL (use ws:// or wss://)", url)));
  }
  if (u->tls())
    co_return co_await detail::connect_ws_tls(std::move(ex), std::move(url), std::move(*u),
                                              std::move(options));
  co_return co_await detail::connect_ws_plain(std::move(ex), std::move(url), std::move(*u),
                                              std::move(options));
}

}  // namespace goop::web
