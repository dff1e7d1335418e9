// TEMPORARY, test binary only: weak stand-ins for the web::WebSocketChannel members,
// Response::upgrade and Request::is_websocket_upgrade that helper "web-ws" implements in
// src/web, so goop_rendezvous_tests links before web-ws is merged.
// DELETE THIS FILE when merging web-ws (the lead): weak symbols here could otherwise keep the
// linker from pulling the real ones out of libgoop_web.a.

#include "web/http.hpp"
#include "web/websocket.hpp"

namespace goop::web {

__attribute__((weak)) WebSocketChannel::WebSocketChannel() = default;
__attribute__((weak)) WebSocketChannel::WebSocketChannel(Options options) : options_(options) {}

__attribute__((weak)) bool WebSocketChannel::send(std::shared_ptr<const std::string> text) {
  if (closed_ || close_requested_) return false;
  if (queue_.size() >= options_.send_capacity) {
    close(1008, "send queue full");
    return false;
  }
  queue_.push_back(std::move(text));
  if (wake_) wake_();
  return true;
}

__attribute__((weak)) void WebSocketChannel::close(std::uint16_t code, std::string reason) {
  if (closed_ || close_requested_) return;
  close_requested_ = true;
  close_code_ = code;
  close_reason_ = std::move(reason);
  if (wake_) wake_();
}

__attribute__((weak)) void WebSocketChannel::detach() {
  if (closed_) return;
  closed_ = true;
  wake_ = nullptr;
  queue_.clear();
  if (on_close_) on_close_();
}

__attribute__((weak)) Response Response::upgrade(std::shared_ptr<WebSocketChannel> channel) {
  Response r;
  r.status = 101;
  r.ws_channel = std::move(channel);
  return r;
}

__attribute__((weak)) bool Request::is_websocket_upgrade() const {
  return method == "GET" && !header("Sec-WebSocket-Key").empty();
}

}  // namespace goop::web
