// The server side of one WebSocket connection (RFC 6455) over the HTTP connection's socket:
// the only TU that instantiates Beast's websocket operations (STYLE.md §11.1).
//
// Shape: Beast's chat-multi websocket_session (one read loop, one writer draining a queue),
// written with completion handlers rather than coroutines so that an idle connection costs a
// few small pending operations and no coroutine frames: a rendezvous holds 10,000 of them.
// The connection's task (serve_websocket) owns the WsSession and waits on `done_` until every
// operation has completed, so the handlers may capture `this`.
//
// Executor rule: everything runs on the connection's executor; no locks.
//
// Invariants:
//  1. At most one each of read, write, ping, close and timer wait is outstanding (Beast allows
//     one read, one write, one ping and one close at a time); `outstanding_` counts them.
//  2. A read is outstanding whenever the state is kOpen or kClosing: the read path is where
//     Beast receives the client's close frame and tears the connection down, so every ending
//     goes through on_read() with an error, which calls end() exactly once.
//  3. `timer_` always has one live wait (generation `timer_gen_`) until the state is kEnded;
//     it fires no later than the earliest deadline that applies (ping, idle, write, phase).
//  4. done_ is woken only when the state is kEnded and outstanding_ is 0.
#include "web/ws_session.hpp"

#include "base/log.hpp"
#include "web/websocket.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <algorithm>
#include <utility>

namespace goop::web::detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using Clock = std::chrono::steady_clock;
using error_code = boost::system::error_code;

namespace {
log::Logger lg("web.ws");

// A message buffer that grew past this (a large message) is given back after the message, so
// that an idle connection keeps only a small one.
constexpr std::size_t kKeepReadBuffer = 4096;
// While closing, what still arrives is read in pieces of this size and dropped.
constexpr std::size_t kDiscardChunk = 4096;
// RFC 6455 §5.5: a close frame's payload (2-byte code + reason) is at most 125 bytes.
constexpr std::size_t kMaxCloseReason = 123;

std::string remote_text(beast::tcp_stream& s) {
  error_code ec;
  const auto ep = s.socket().remote_endpoint(ec);
  if (ec) return "?";
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

class WsSession {
 public:
  WsSession(beast::tcp_stream& stream, Response res)
      : stream_(stream),
        ws_(stream),
        ch_(std::move(res.ws_channel)),
        opts_(ch_->options()),
        timer_(stream.get_executor()),
        done_(stream.get_executor(), Clock::time_point::max()),
        headers_(std::move(res.headers)),
        header_block_(std::move(res.header_block)) {}

  WsSession(const WsSession&) = delete;
  WsSession& operator=(const WsSession&) = delete;
  ~WsSession() { ch_->set_waker(nullptr); }

  void start(http::request<http::string_body> req);
  // Total cancellation (server stopping): close 1001 now, unsent messages dropped.
  void go_away();
  // Terminal cancellation: close the socket; every operation then completes.
  void abort() { hard_close(); }
  bool finished() const noexcept { return state_ == State::kEnded && outstanding_ == 0; }
  asio::steady_timer& done() noexcept { return done_; }

 private:
  enum class State { kAccepting, kOpen, kClosing, kEnded };

  void on_accept(error_code ec);
  void read();
  void on_read(error_code ec);
  void pump();
  void on_write(error_code ec);
  void begin_close(std::uint16_t code, std::string_view reason);
  void arm_timer();
  void on_timer(error_code ec, std::uint32_t gen);
  void end(error_code ec);
  void hard_close();
  void finish_op() {
    --outstanding_;
    if (finished()) done_.cancel();
  }
  Clock::time_point next_deadline() const;
  void decorate(websocket::response_type& res) const;

  beast::tcp_stream& stream_;
  websocket::stream<beast::tcp_stream&> ws_;
  std::shared_ptr<WebSocketChannel> ch_;
  WebSocketChannel::Options opts_;
  asio::steady_timer timer_;  // ping, idle, write and handshake deadlines (invariant 3)
  asio::steady_timer done_;   // woken when finished() (invariant 4)
  beast::flat_buffer buf_;    // the message being read
  std::shared_ptr<const std::string> in_flight_;  // the message being written
  Headers headers_;                               // for the 101 only, then cleared
  std::shared_ptr<const std::string> header_block_;
  State state_ = State::kAccepting;
  int outstanding_ = 0;
  std::uint32_t timer_gen_ = 0;
  bool timer_waiting_ = false;  // a wait of generation timer_gen_ is pending
  bool writing_ = false;
  bool pinging_ = false;
  Clock::time_point phase_deadline_;  // kAccepting, kClosing: when to give up
  Clock::time_point last_rx_;         // last message or control frame from the client
  Clock::time_point next_ping_;
  Clock::time_point write_started_;
};

void WsSession::decorate(websocket::response_type& res) const {
  for (const auto& [name, value] : headers_) {
    res.set(beast::string_view(name.data(), name.size()), value);
  }
  std::string_view block = header_block_ ? std::string_view(*header_block_) : std::string_view();
  while (!block.empty()) {
    const auto eol = block.find("\r\n");
    const std::string_view line = block.substr(0, eol);
    block = eol == std::string_view::npos ? std::string_view() : block.substr(eol + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    res.set(beast::string_view(line.data(), colon), beast::string_view(value.data(), value.size()));
  }
  // Beast would otherwise announce its version.
  if (res.find(http::field::server) == res.end()) res.set(http::field::server, "goop2");
}

void WsSession::start(http::request<http::string_body> req) {
  // Text messages only, no permessage-deflate (the default: inflate state would cost ~300 KB
  // per connection), one frame per message, straight from the shared string.
  ws_.auto_fragment(false);
  ws_.read_message_max(0);  // see read()
  ws_.set_option(
      websocket::stream_base::decorator([this](websocket::response_type& res) { decorate(res); }));
  ws_.control_callback(
      [this](websocket::frame_type, beast::string_view) { last_rx_ = Clock::now(); });
  ch_->set_waker([this] { pump(); });
  phase_deadline_ = Clock::now() + opts_.write_timeout;
  arm_timer();
  ++outstanding_;
  ws_.async_accept(req, [this](error_code ec) { on_accept(ec); });
}

void WsSession::on_accept(error_code ec) {
  headers_.clear();
  header_block_.reset();
  if (ec || state_ != State::kAccepting) {
    if (state_ != State::kEnded) {
      GOOP_LOG_DEBUG(lg, "{}: websocket handshake failed: {}", remote_text(stream_),
                     ec ? ec.message() : std::string("stopped"));
    }
    end(ec);
    finish_op();
    return;
  }
  state_ = State::kOpen;
  const auto now = Clock::now();
  last_rx_ = now;
  next_ping_ = now + opts_.ping_interval;
  GOOP_LOG_DEBUG(lg, "{}: websocket open", remote_text(stream_));
  read();
  pump();  // messages queued, or a close requested, before the upgrade
  arm_timer();
  finish_op();
}

// Reads the next piece of a message. The size limit is ours rather than Beast's
// read_message_max: Beast fails an oversized frame with a close frame and an immediate teardown
// that leaves the client's reply unread (a TCP reset, which clients report instead of 1009);
// checking the pieces lets us close with a full handshake instead. At most max_message + 1
// bytes are ever buffered.
void WsSession::read() {
  ++outstanding_;
  const std::size_t room =
      state_ == State::kOpen ? opts_.max_message + 1 - buf_.size() : kDiscardChunk;
  ws_.async_read_some(buf_, room, [this](error_code ec, std::size_t) { on_read(ec); });
}

void WsSession::on_read(error_code ec) {
  if (ec) {
    end(ec);
    finish_op();
    return;
  }
  if (state_ != State::kOpen) {
    buf_.clear();  // closing: what still arrives is dropped, the channel is closed
  } else if (ws_.got_binary()) {
    GOOP_LOG_DEBUG(lg, "{}: binary message refused", remote_text(stream_));
    buf_.clear();
    begin_close(static_cast<std::uint16_t>(websocket::close_code::unknown_data),
                "binary messages are not supported");
  } else if (buf_.size() > opts_.max_message) {
    GOOP_LOG_DEBUG(lg, "{}: message larger than {} bytes refused", remote_text(stream_),
                   opts_.max_message);
    buf_.clear();
    begin_close(static_cast<std::uint16_t>(websocket::close_code::too_big), "message too big");
  } else if (ws_.is_message_done()) {
    last_rx_ = Clock::now();
    const auto data = buf_.data();
    ch_->deliver(std::string_view(static_cast<const char*>(data.data()), data.size()));
    buf_.clear();
  }
  if (buf_.size() == 0 && buf_.capacity() > kKeepReadBuffer) buf_.shrink_to_fit();
  read();
  finish_op();
}

// The writer (invariant 1): sends the oldest queued message, or the requested close frame once
// the queue is empty. Called as the channel's waker, so it must not call back into handlers.
void WsSession::pump() {
  if (state_ != State::kOpen || writing_) return;
  auto& queue = ch_->pending();
  if (!queue.empty()) {
    in_flight_ = std::move(queue.front());
    queue.pop_front();
    writing_ = true;
    write_started_ = Clock::now();
    arm_timer();  // usually a no-op: only re-armed if it would fire after this write's deadline
    ++outstanding_;
    ws_.async_write(asio::buffer(*in_flight_),
                    [this](error_code ec, std::size_t) { on_write(ec); });
    return;
  }
  if (ch_->close_requested()) begin_close(ch_->close_code(), ch_->close_reason());
}

void WsSession::on_write(error_code ec) {
  writing_ = false;
  in_flight_.reset();
  if (ec) {
    if (state_ == State::kOpen) {
      GOOP_LOG_DEBUG(lg, "{}: websocket write failed: {}", remote_text(stream_), ec.message());
    }
    hard_close();  // the read then fails and ends the session
  } else {
    pump();
  }
  finish_op();
}

void WsSession::begin_close(std::uint16_t code, std::string_view reason) {
  if (state_ != State::kOpen) return;
  state_ = State::kClosing;
  ch_->pending().clear();
  // Marks the channel closed for handlers (send() returns false from now on); it calls the
  // waker, which does nothing outside kOpen.
  ch_->close(code, std::string(reason));
  phase_deadline_ = Clock::now() + opts_.write_timeout;
  arm_timer();
  ++outstanding_;
  const websocket::close_reason cr(
      static_cast<websocket::close_code>(code),
      beast::string_view(reason.data(), std::min<std::size_t>(reason.size(), kMaxCloseReason)));
  // Beast sends the frame after a write in flight, then reads until the client's close frame
  // (the read loop's pending read receives it and tears the connection down).
  ws_.async_close(cr, [this](error_code) {
    if (state_ != State::kEnded) hard_close();
    finish_op();
  });
}

Clock::time_point WsSession::next_deadline() const {
  if (state_ != State::kOpen) return phase_deadline_;
  Clock::time_point t = std::min(next_ping_, last_rx_ + opts_.idle_timeout);
  if (writing_) t = std::min(t, write_started_ + opts_.write_timeout);
  return t;
}

void WsSession::arm_timer() {
  if (state_ == State::kEnded) return;
  const Clock::time_point t = next_deadline();
  if (timer_waiting_ && timer_.expiry() <= t) return;  // fires in time; re-evaluates then
  timer_.expires_at(t);  // cancels the pending wait, whose handler sees an old generation
  timer_waiting_ = true;
  ++outstanding_;
  timer_.async_wait([this, gen = ++timer_gen_](error_code ec) { on_timer(ec, gen); });
}

void WsSession::on_timer(error_code ec, std::uint32_t gen) {
  if (gen != timer_gen_ || state_ == State::kEnded) {
    finish_op();
    return;
  }
  timer_waiting_ = false;
  (void)ec;  // a current-generation wait is only cancelled by end(), handled above
  const auto now = Clock::now();
  switch (state_) {
    case State::kAccepting:
    case State::kClosing:
      if (now >= phase_deadline_) {
        GOOP_LOG_DEBUG(lg, "{}: websocket {} timed out", remote_text(stream_),
                       state_ == State::kAccepting ? "handshake" : "close handshake");
        hard_close();
      }
      break;
    case State::kOpen:
      if (writing_ && now >= write_started_ + opts_.write_timeout) {
        GOOP_LOG_DEBUG(lg, "{}: websocket write timed out", remote_text(stream_));
        hard_close();
        break;
      }
      if (now >= last_rx_ + opts_.idle_timeout) {
        GOOP_LOG_DEBUG(lg, "{}: websocket idle, closing", remote_text(stream_));
        begin_close(static_cast<std::uint16_t>(websocket::close_code::going_away), "idle timeout");
        break;
      }
      if (now >= next_ping_) {
        next_ping_ = now + opts_.ping_interval;
        if (!pinging_) {
          pinging_ = true;
          ++outstanding_;
          ws_.async_ping(websocket::ping_data(), [this](error_code) {
            pinging_ = false;
            finish_op();
          });
        }
      }
      break;
    case State::kEnded:
      break;
  }
  arm_timer();
  finish_op();
}

void WsSession::go_away() {
  if (state_ == State::kAccepting) {
    hard_close();
  } else if (state_ == State::kOpen) {
    begin_close(static_cast<std::uint16_t>(websocket::close_code::going_away), "going away");
  }
}

// The connection is over (invariant 2): release the channel and everything still pending.
void WsSession::end(error_code ec) {
  if (state_ == State::kEnded) return;
  if (ec && ec != websocket::error::closed) {
    GOOP_LOG_DEBUG(lg, "{}: websocket ended: {}", remote_text(stream_), ec.message());
  }
  state_ = State::kEnded;
  hard_close();
  ++timer_gen_;
  timer_.cancel();
  ch_->detach();  // on_close, exactly once
}

void WsSession::hard_close() {
  error_code ignored;
  stream_.socket().close(ignored);
}

}  // namespace

asio::awaitable<void> serve_websocket(beast::tcp_stream& stream,
                                      http::request<http::string_body> req, Response res) {
  // A goodbye step (STYLE.md §7): a stop request must reach us as a value rather than an
  // exception. The task already lets total cancellation through (TaskGroup), and the wait on
  // done_ below receives it.
  co_await asio::this_coro::throw_if_cancelled(false);
  auto session = std::make_unique<WsSession>(stream, std::move(res));
  session->start(std::move(req));
  bool went_away = false;
  bool aborted = false;
  for (;;) {
    const asio::cancellation_state cs = co_await asio::this_coro::cancellation_state;
    const auto cancelled = cs.cancelled();
    if (!aborted &&
        (cancelled & asio::cancellation_type::terminal) != asio::cancellation_type::none) {
      aborted = true;
      session->abort();
    } else if (!went_away && cancelled != asio::cancellation_type::none) {
      went_away = true;
      session->go_away();
    }
    if (session->finished()) break;
    auto [ec] = co_await session->done().async_wait(asio::as_tuple(asio::use_awaitable));
    (void)ec;  // woken (finished) or cancelled: look again
  }
}

}  // namespace goop::web::detail
