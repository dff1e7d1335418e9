#pragma once
// WebSocketChannel: the handler's side of one server WebSocket connection (RFC 6455), text
// messages only, seen without any Beast type (STYLE.md §11.2).
//
// A handler that accepts an upgrade (Request::is_websocket_upgrade()) creates a channel with
// std::make_shared, sets its callbacks, keeps a copy (e.g. in a hub's client map) and returns
// Response::upgrade(channel). A refusal is an ordinary Response (400, 425, 429 ...). The
// server then completes the handshake (101) and:
//  - calls on_message(text) for every text message the client sends; a binary message or one
//    larger than Options::max_message closes the connection (1003 / 1009);
//  - writes what send() queued, in order, each write bounded by Options::write_timeout;
//  - sends a ping every Options::ping_interval; a connection from which nothing arrives (no
//    message, no pong) for Options::idle_timeout is closed;
//  - calls on_close() exactly once when the connection ends for any reason (client close,
//    error, timeout, overflow, close(), server stop); closed() is true from then on.
// Response::upgrade() answering a request that is not a valid upgrade gets 426 Upgrade Required.
//
// Executor rule: use a channel only on the executor of the HttpServer that serves it. Callbacks
// run on that executor and never from inside send() or close() (no re-entrancy).
//
// Invariants:
//  1. At most Options::send_capacity messages are queued. send() on a full queue closes the
//     connection (1008 "send queue full") and returns false: a slow client is dropped, never
//     waited for.
//  2. Once closed() is true it stays true, and send() returns false.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace goop::web {

class WebSocketChannel {
 public:
  struct Options {
    std::size_t send_capacity = 128;
    std::size_t max_message = 64 * 1024;
    std::chrono::steady_clock::duration ping_interval = std::chrono::seconds(5);
    std::chrono::steady_clock::duration idle_timeout = std::chrono::seconds(15);
    std::chrono::steady_clock::duration write_timeout = std::chrono::seconds(2);
  };
  using MessageFn = std::function<void(std::string_view text)>;
  using CloseFn = std::function<void()>;

  WebSocketChannel();
  explicit WebSocketChannel(Options options);
  WebSocketChannel(const WebSocketChannel&) = delete;
  WebSocketChannel& operator=(const WebSocketChannel&) = delete;

  void on_message(MessageFn fn) { on_message_ = std::move(fn); }
  void on_close(CloseFn fn) { on_close_ = std::move(fn); }

  // Queues one text message (shared, so one broadcast buffer serves every subscriber).
  // Returns false, and queues nothing, if closed or the queue overflowed (invariant 1).
  bool send(std::shared_ptr<const std::string> text);
  bool send(std::string text) { return send(std::make_shared<const std::string>(std::move(text))); }
  // Sends a close frame with `code` and `reason` after the messages already queued, then ends
  // the connection.
  void close(std::uint16_t code = 1000, std::string reason = {});
  bool closed() const noexcept { return closed_; }
  std::size_t queued() const noexcept { return queue_.size(); }
  const Options& options() const noexcept { return options_; }

  // --- For the server (http_server.cpp / ws_session.cpp), not for handlers. ---
  // Internals are owned by the web layer and may change; handlers use only the part above.
  // The messages not yet handed to the socket, oldest first; the session pops from the front.
  std::deque<std::shared_ptr<const std::string>>& pending() noexcept { return queue_; }
  // Sets the function called (from inside send() and close()) when a message is queued or a
  // close is requested. The session's waker only starts I/O; it never calls back into handlers.
  void set_waker(std::function<void()> wake) { wake_ = std::move(wake); }
  // Calls on_message. A handler must not replace on_message from inside it.
  void deliver(std::string_view text) const {
    if (on_message_) on_message_(text);
  }
  // Marks the channel closed from the connection side, drops the queue and the waker, and calls
  // on_close once (the callbacks are released afterwards, so a callback holding the channel
  // does not keep it alive). Also used for a channel whose upgrade never happened (426, 503).
  void detach();
  // close() was called or send() overflowed: the session sends a close frame with close_code()
  // and close_reason() once pending() is empty.
  bool close_requested() const noexcept { return close_requested_; }
  std::uint16_t close_code() const noexcept { return close_code_; }
  // At most 123 bytes (RFC 6455 §5.5: a control frame payload is at most 125 bytes).
  const std::string& close_reason() const noexcept { return close_reason_; }

 private:
  void request_close(std::uint16_t code, std::string reason);

  Options options_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool closed_ = false;
  bool detached_ = false;
  bool close_requested_ = false;
  std::uint16_t close_code_ = 1000;
  std::string close_reason_;
  MessageFn on_message_;
  CloseFn on_close_;
  std::function<void()> wake_;
};

}  // namespace goop::web
