#pragma once
// Private to src/web: hands an upgraded HTTP connection over to the WebSocket session. Only
// ws_session.cpp instantiates Beast's websocket operations (STYLE.md §11.1); http_server.cpp
// sees this one function.
//
// Executor rule: call on the HttpServer's executor, from the connection's own task.

#include "web/http.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace goop::web::detail {

// Completes the opening handshake answering `req` on `stream` (101 Switching Protocols plus
// `res.headers` and `res.header_block`), then serves `res.ws_channel` as web/websocket.hpp
// describes until the connection ends. `req` must satisfy Request::is_websocket_upgrade() and be
// HTTP/1.1 with a Host header (Beast answers anything else 400 itself, and the session ends).
// `stream` must have no expiry set (expires_never) and outlive the call; its socket is closed
// when this returns. The channel's on_close has been called when this returns, and no
// operation on `stream` is still pending.
//
// Cancellation: total cancellation drops the unsent messages and sends close 1001 "going away"
// (after a write in flight), waiting at most the channel's write_timeout for the client's reply;
// terminal cancellation closes the socket at once. Never throws.
boost::asio::awaitable<void> serve_websocket(
    boost::beast::tcp_stream& stream,
    boost::beast::http::request<boost::beast::http::string_body> req, Response res);

}  // namespace goop::web::detail
