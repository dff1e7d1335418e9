#pragma once
// HTTP(S), Server-Sent Events and WebSocket clients over Boost.Beast, seen by the rest of Goop2
// only through plain types (STYLE.md §11.2). `https://` and `wss://` use OpenSSL with the
// system trust store (or ClientTls::ca_file), SNI and host-name verification; `http://` and
// `ws://` stay plain (never upgraded).
//
// Every operation has a deadline; every body, line and message has a size cap. Errors name the
// URL and the cause in words a user can act on ("http://10.0.0.1:8787/publish: connection
// refused (is the server running and the URL right?)", "...: timed out after 5 s", "...: TLS
// handshake failed: certificate verify failed (self-signed certificate)"). Codes (no Beast code
// leaves src/web; base/errors.hpp): a passed deadline is goop::Errc::kTimeout, a size cap
// goop::Errc::kTooLarge, cancellation boost::asio::error::operation_aborted; a malformed answer
// boost::system::errc::protocol_error; otherwise the Asio/OpenSSL transport code. The Host
// header is the URL's host, with ":port" unless the port is the scheme's default.
//
// Executor rule: coroutines run on the executor passed in; a WebSocketClient is used on that
// executor only. One read() and one write() may be outstanding at the same time.

#include "base/result.hpp"
#include "web/http.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace goop::web {

struct Url {
  std::string scheme;        // "http", "https", "ws" or "wss"
  std::string host;          // without brackets for IPv6
  std::uint16_t port = 0;    // the scheme's default when the URL has none
  std::string target = "/";  // path and query, e.g. "/ws?peer_id=12D3..."
  bool tls() const noexcept { return scheme == "https" || scheme == "wss"; }
};
// Errors: not a URL, another scheme, no host, a bad port.
Expected<Url> parse_url(std::string_view url);

struct ClientTls {
  std::string ca_file;  // PEM file of trusted CAs; "" = the system trust store
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;  // Host, Content-Length and Connection are set by the client
  std::string body;
  std::chrono::milliseconds timeout{5000};  // the whole exchange, connect included
  std::size_t body_limit = 1024 * 1024;     // a larger response body is an error
  ClientTls tls;
};

struct ClientResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

// One request on a new connection. Any HTTP status is a value (not an error); errors are
// transport failures, timeouts, TLS failures, oversized or malformed responses.
boost::asio::awaitable<Expected<ClientResponse>> fetch(boost::asio::any_io_executor ex,
                                                       ClientRequest req);

// GET `req.url` as an event stream (text/event-stream) and call `on_data` with the data of each
// event (multi-line data joined with '\n'; comments and other fields skipped). `req.timeout`
// bounds connect and response head; after that `idle_timeout` bounds the silence between bytes
// (server heartbeats count). Returns when the stream ends, always with an error naming the
// cause: Errc::kClosed when the server ended the stream cleanly, Errc::kTimeout for silence (or
// a head later than `req.timeout`), operation_aborted when cancelled, transport errors; a non-2xx
// status is an error (boost::system::errc::protocol_error) whose message holds the status and
// the start of the body (`*status_out` is set to the status of any response head, 2xx included,
// when given); a Content-Type other than text/event-stream is a protocol_error too. A line or an
// event over 64 KiB is an error (Errc::kTooLarge).
boost::asio::awaitable<Expected<void>> read_event_stream(
    boost::asio::any_io_executor ex, ClientRequest req,
    std::function<void(std::string_view data)> on_data, std::chrono::milliseconds idle_timeout,
    int* status_out = nullptr);

struct WsConnectOptions {
  Headers headers;
  std::chrono::milliseconds handshake_timeout{5000};  // TCP + TLS + upgrade
  std::chrono::milliseconds idle_timeout{
      15000};  // silence (no message, ping or pong) that ends read()
  std::chrono::milliseconds write_timeout{2000};
  std::size_t max_message = 1024 * 1024;
  ClientTls tls;
};

// Why a connect failed: `http_status` is the status of a refused upgrade (425, 404 ...), 0 for
// a transport/TLS failure or timeout.
struct WsConnectError {
  Error error;
  int http_status = 0;
};

class WebSocketClient {
 public:
  // Connects to a ws:// or wss:// URL (an http(s):// URL is refused: derive the ws URL first).
  static boost::asio::awaitable<
      boost::system::result<std::unique_ptr<WebSocketClient>, WsConnectError>>
  connect(boost::asio::any_io_executor ex, std::string url, WsConnectOptions options);

  // Destroy only when no read() or write() is outstanding.
  virtual ~WebSocketClient() = default;
  // The next text message (binary messages are skipped). Pings are answered automatically; after
  // idle_timeout/2 of silence the client pings the server itself. Errors: the server closed the
  // connection (Errc::kClosed; close_code()/close_reason() tell why), idle timeout
  // (Errc::kTimeout), a message over max_message (Errc::kTooLarge), transport errors.
  virtual boost::asio::awaitable<Expected<std::string>> read() = 0;
  virtual boost::asio::awaitable<Expected<void>> write(std::string text) = 0;
  // Sends a close frame and ends the connection (bounded by write_timeout). Idempotent.
  virtual boost::asio::awaitable<void> close(std::uint16_t code = 1000,
                                             std::string reason = {}) = 0;
  virtual std::uint16_t close_code() const noexcept = 0;
  virtual std::string close_reason() const = 0;
};

}  // namespace goop::web
