// WebSocketChannel: the bounded send queue and the close request a handler sees. The socket
// side (handshake, read/write loops, ping, idle) lives in ws_session.cpp.
#include "web/websocket.hpp"

#include <utility>

namespace goop::web {
namespace {

// Close codes an endpoint may send (RFC 6455 §7.4.1, IANA registry); 1005, 1006 and 1015 are
// reserved for reporting and never go on the wire.
bool sendable_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence (close reasons are UTF-8,
// and a client must fail the connection on invalid UTF-8).
void truncate_utf8(std::string& s, std::size_t max) {
  if (s.size() <= max) return;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
}

constexpr std::size_t kMaxCloseReason = 123;

}  // namespace

WebSocketChannel::WebSocketChannel() : WebSocketChannel(Options()) {}

WebSocketChannel::WebSocketChannel(Options options) : options_(std::move(options)) {
  if (options_.send_capacity == 0) options_.send_capacity = 1;
}

bool WebSocketChannel::send(std::shared_ptr<const std::string> text) {
  if (closed_ || !text) return false;
  if (queue_.size() >= options_.send_capacity) {
    // A client that cannot keep up is dropped, not waited for; what it has not received yet
    // is of no use to it any more.
    queue_.clear();
    request_close(1008, "send queue full");
    return false;
  }
  queue_.push_back(std::move(text));
  if (wake_) wake_();
  return true;
}

void WebSocketChannel::close(std::uint16_t code, std::string reason) {
  if (closed_) return;
  request_close(code, std::move(reason));
}

void WebSocketChannel::request_close(std::uint16_t code, std::string reason) {
  closed_ = true;
  close_requested_ = true;
  close_code_ = sendable_close_code(code) ? code : 1000;
  close_reason_ = std::move(reason);
  truncate_utf8(close_reason_, kMaxCloseReason);
  if (wake_) wake_();
}

void WebSocketChannel::detach() {
  if (detached_) return;
  detached_ = true;
  closed_ = true;
  wake_ = nullptr;
  queue_.clear();
  on_message_ = nullptr;
  // Moved out first: the callback may drop the last other reference to this channel's owner,
  // and a callback that captured the channel itself must not keep it alive in a cycle.
  CloseFn fn = std::move(on_close_);
  on_close_ = nullptr;
  if (fn) fn();
}

}  // namespace goop::web
