#pragma once
// Plain HTTP request/response types for route handlers (STYLE.md §11.2). No Beast types: the
// server in http_server.cpp converts to and from these, so handler TUs stay cheap to compile.
//
// SseStream is the producer side of a Server-Sent Events response: a handler creates one,
// keeps a copy (e.g. in a subscriber list) and returns Response::sse(stream); the server then
// writes whatever is send()'ed to that client until either side closes.
//
// Executor rule: none of these types is thread-safe. An SseStream must only be used on the
// executor of the HttpServer that serves it.

#include "base/result.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace goop::web {

// Orders header names case-insensitively (ASCII), so headers.find("content-type") finds
// "Content-Type".
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept;
};

// Header names are case-insensitive. A header that occurs more than once holds the values
// joined with ", " ("; " for Cookie).
using Headers = std::map<std::string, std::string, CaseInsensitiveLess>;
using QueryParams = std::map<std::string, std::string, std::less<>>;

struct Request {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // raw request target, e.g. "/api/peers?limit=10"
  std::string path;    // percent-decoded path without the query, e.g. "/api/peers"
  QueryParams query;   // decoded query parameters ('+' is a space); a repeated key keeps the last
  Headers headers;
  std::string body;            // at most Options::body_limit bytes
  std::string remote_address;  // peer IP as text, e.g. "127.0.0.1"
  std::uint16_t remote_port = 0;

  // The value of header `name`, or "" if absent.
  std::string_view header(std::string_view name) const;
  // The value of query parameter `name`, if present.
  std::optional<std::string_view> param(std::string_view name) const;
  // Whether this is a WebSocket opening handshake (GET with Upgrade: websocket, Connection:
  // upgrade, Sec-WebSocket-Key and Sec-WebSocket-Version: 13).
  bool is_websocket_upgrade() const;
};

class SseStream;
class WebSocketChannel;
class BodyWriter;

struct Response {
  // Produces a streamed response (see Response::streamed and BodyWriter).
  using StreamFn = std::function<boost::asio::awaitable<void>(BodyWriter&)>;

  int status = 200;
  Headers headers;
  // Optional pre-formatted header lines ("Name: value\r\n" each), sent after `headers`: for a
  // handler that sends the same headers with every response (formatted once, shared). It must
  // not hold framing headers (Content-Length, Transfer-Encoding, Connection) nor repeat a name
  // of `headers`; values must not contain CR or LF.
  std::shared_ptr<const std::string> header_block;
  std::string body;
  // Set by Response::sse(): the connection turns into an event stream (see SseStream).
  std::shared_ptr<SseStream> sse_stream;
  // Set by Response::streamed(): status, headers and body come from `stream`, not from here.
  StreamFn stream;
  // Set by Response::upgrade(): the connection turns into a WebSocket (see web/websocket.hpp).
  std::shared_ptr<WebSocketChannel> ws_channel;

  // `body` with Content-Type: application/json.
  static Response json(int status, std::string body);
  // `body` with Content-Type: text/plain; charset=utf-8.
  static Response text(int status, std::string body);
  // {"error": "<message>"} (message JSON-escaped) with Content-Type: application/json.
  static Response error(int status, std::string_view message);
  // A 200 text/event-stream response that streams the events of `stream`.
  static Response sse(std::shared_ptr<SseStream> stream);
  // A response whose head and body `fn` writes through a BodyWriter, once the handler has
  // returned: for bodies that should pass through without being held whole (a large file
  // relayed from a peer). Small bodies should use `body`.
  static Response streamed(StreamFn fn);
  // Accepts a WebSocket upgrade: after this response the connection carries `channel`'s
  // messages (web/websocket.hpp). `headers` are added to the 101 response.
  static Response upgrade(std::shared_ptr<WebSocketChannel> channel);

  Response& set_header(std::string name, std::string value);
};

// The sending side of a streamed response (Response::streamed). The server calls the response's
// StreamFn with a BodyWriter that lives until the StreamFn completes; it is used on the server's
// executor only. Protocol:
//  1. write_head() once: status and headers of `head` (its body and stream fields are ignored)
//     with Content-Length `length`; or send() once, for a complete small response (an error
//     page). A StreamFn that returns without either is answered 500 {"error":"internal error"}.
//  2. write() the body in order; the pieces must add up to `length` (more is refused with
//     Errc::kInvalidArgument and nothing is sent). Fewer, when the StreamFn returns or fails,
//     closes the connection, so the client sees a truncated body rather than a wrong one.
// Each write is bounded by the server's write timeout. An error from any call (the client went
// away: the socket error; a timeout: Errc::kTimeout; a HEAD request, which wants no body:
// Errc::kCancelled from write()) means the producer should stop; the connection then closes
// unless the body was complete. Cancellation: the StreamFn runs in the connection's task and is
// cancelled with it when the server stops.
class BodyWriter {
 public:
  virtual ~BodyWriter() = default;
  virtual boost::asio::awaitable<Result<void>> write_head(Response head, std::uint64_t length) = 0;
  virtual boost::asio::awaitable<Result<void>> write(std::string_view chunk) = 0;
  // write_head(r, r.body.size()) and write(r.body), in one socket write.
  virtual boost::asio::awaitable<Result<void>> send(Response r) = 0;
  // True once write_head() or send() was called.
  virtual bool head_sent() const noexcept = 0;
};

// Server-Sent Events producer (WHATWG HTML "Server-sent events"). Create it with
// std::make_shared, return Response::sse(stream) from a handler, and send events while
// !closed(). Events sent before the server attaches the stream are queued.
//
// Invariants:
//  1. At most `capacity` events are queued. send() on a full queue closes the stream (a client
//     that cannot keep up is dropped; EventSource reconnects) and returns false.
//  2. Once closed() is true it stays true, and send() returns false.
class SseStream {
 public:
  static constexpr std::size_t kDefaultCapacity = 256;
  explicit SseStream(std::size_t capacity = kDefaultCapacity);
  SseStream(const SseStream&) = delete;
  SseStream& operator=(const SseStream&) = delete;

  // Queues one event. `event` may be empty (then the client sees a "message" event); `data`
  // may contain newlines (each line becomes a "data:" line). Returns false, and queues nothing,
  // if the stream is closed or the queue overflowed (see invariant 1).
  bool send(std::string_view event, std::string_view data);
  // Ends the stream: already queued events are still written, then the connection closes.
  void close();
  // True after close(), an overflow, the client going away (noticed on the next write or
  // heartbeat), or the server stopping.
  bool closed() const noexcept { return closed_; }
  std::size_t queued() const noexcept { return queue_.size(); }

  // --- For the server (http_server.cpp), not for handlers. ---
  // Moves all queued events, already formatted, into one string ("" if none).
  std::string take_pending();
  // Sets the function called when an event is queued or the stream is closed.
  void set_waker(std::function<void()> wake) { wake_ = std::move(wake); }
  // Marks the stream closed from the connection side; clears the waker and the queue.
  void detach();

 private:
  std::deque<std::string> queue_;  // formatted events
  std::size_t capacity_;
  bool closed_ = false;
  std::function<void()> wake_;
};

// Parses "a=1&b=x%20y&c" into {a:"1", b:"x y", c:""}. Invalid percent escapes are kept as is.
QueryParams parse_query(std::string_view query);
// Decodes %XX escapes; with `plus_is_space`, '+' becomes ' ' (query strings).
std::string percent_decode(std::string_view s, bool plus_is_space = false);
// Escapes `s` for use inside a JSON string literal (without the quotes).
std::string json_escape(std::string_view s);
// Escapes & < > " ' so `s` can stand in HTML text or a quoted attribute.
std::string html_escape(std::string_view s);

}  // namespace goop::web
