// The wss:// client: the one TU that instantiates beast::websocket::stream over TLS for the
// client (client_ws.cpp has the plain stream and WebSocketClient::connect).
#include "web/client_ws_impl.hpp"

namespace goop::web::detail {
namespace asio = boost::asio;

asio::awaitable<WsConnectResult> connect_ws_tls(asio::any_io_executor ex, std::string url, Url u,
                                                WsConnectOptions options) {
  auto ctx = tls_context(options.tls, url);
  if (!ctx) co_return ws_connect_error(ctx.error());
  co_return co_await ws_connect<TlsStream>(std::move(ex), std::move(url), std::move(u),
                                           std::move(options), std::move(*ctx));
}

}  // namespace goop::web::detail
