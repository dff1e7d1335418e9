#pragma once
// Internal state of a yamux session, shared by Session, its Streams and its tasks. Not a public
// header: include session.hpp / stream.hpp.
//
// Invariants:
//  1. Only the writer task writes `conn`; everyone else appends to `out` (FIFO, so a stream's
//     FIN/RST follows its data).
//  2. A queued Data frame points into the buffer of a write() that is still suspended; the
//     write removes its frames (purge_frames) before returning early.
//  3. Per stream: recv_credit + buffered bytes <= recv_window (memory bound per stream).
//  4. Per stream: bytes we send never exceed send_credit (the remote's window).
//  5. After `closed` is set no new frame is queued except the final GoAway; every waiter is
//     woken and fails with conn_error.

#include "base/async_event.hpp"
#include "base/task_group.hpp"
#include "p2p/muxer/yamux/frame.hpp"
#include "p2p/muxer/yamux/session.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>

namespace goop::p2p::yamux::detail {

using Clock = std::chrono::steady_clock;

struct StreamState {
  StreamState(boost::asio::any_io_executor ex, std::uint32_t i, bool out, std::uint32_t window)
      : id(i), outbound(out), recv_window(window), recv_credit(kInitialWindow), event(ex) {}

  std::uint32_t id;
  bool outbound;
  // Flags owed on our next frame: SYN (outbound, not yet sent) or ACK (inbound, not yet sent).
  bool syn_pending = false;
  bool ack_pending = false;
  bool acked = false;  // outbound: the remote's ACK arrived (leaves the ACK backlog)
  bool local_fin = false;
  bool remote_fin = false;
  bool reset = false;
  bool removed = false;  // no longer in the session's map
  // The Stream object is gone after a clean close_write(): we wait for the remote's FIN and
  // discard nothing (data arriving now would be unread, so it resets the stream instead).
  bool abandoned = false;
  // Send side.
  std::uint64_t send_credit = kInitialWindow;
  std::size_t queued_frames = 0;  // our Data frames still in the writer queue
  // Receive side.
  Bytes rbuf;
  std::size_t rhead = 0;
  std::uint32_t recv_window;
  std::uint64_t recv_credit;
  Clock::time_point epoch = Clock::now();
  AsyncEvent event;  // any change a reader or writer of this stream may wait for

  std::size_t buffered() const noexcept { return rbuf.size() - rhead; }
  bool fully_closed() const noexcept { return reset || (local_fin && remote_fin); }
};

struct OutFrame {
  EncodedHeader header;
  const std::uint8_t* data = nullptr;
  std::uint32_t len = 0;
  StreamState* owner = nullptr;  // set for Data frames that point into a write() buffer
};

struct SessionCore : std::enable_shared_from_this<SessionCore> {
  SessionCore(std::unique_ptr<ByteStream> c, Role r, Config cf);

  // --- state ---
  boost::asio::any_io_executor ex;
  std::unique_ptr<ByteStream> conn;
  Role role;
  Config cfg;
  TaskGroup tasks;
  Session::StreamHandler on_stream;
  Session::ClosedHandler on_closed;

  std::unordered_map<std::uint32_t, std::shared_ptr<StreamState>> streams;
  std::uint32_t next_id;
  std::size_t inbound_count = 0;
  std::size_t ack_backlog = 0;
  AsyncEvent backlog_event;

  std::deque<OutFrame> out;
  AsyncEvent writer_wake;
  AsyncEvent queue_space;
  Bytes batch;

  // Ping / RTT.
  std::optional<std::uint32_t> ping_id;  // outstanding ping
  Clock::time_point ping_sent{};
  std::uint32_t next_ping_id = 1;
  Clock::duration rtt{};
  AsyncEvent ping_event;
  boost::asio::steady_timer keepalive_timer;

  // Shutdown.
  bool started = false;
  bool local_goaway = false;   // we sent (or queued) GoAway: no new streams
  bool remote_goaway = false;  // the remote sent GoAway: we open no new streams
  bool closed = false;         // streams failed, on_closed fired
  bool writer_done = false;    // GoAway flushed and conn half-closed (or writer failed)
  bool reader_done = false;
  error_code conn_error;  // what stream operations fail with once closed
  AsyncEvent done_event;  // writer_done / reader_done changes

  // --- frames ---
  void enqueue(const Header& h) { push(OutFrame{encode_header(h), nullptr, 0, nullptr}); }
  void push(OutFrame f);
  // Removes `s`'s Data frames from the queue (the write that owns their bytes is returning).
  void purge_frames(StreamState& s);
  // Flags a stream owes on its next frame (SYN/ACK), cleared as they are used.
  std::uint16_t take_open_flags(StreamState& s);

  // --- streams ---
  std::shared_ptr<StreamState> new_stream(std::uint32_t id, bool outbound);
  void forget(StreamState& s);        // remove from map if fully closed
  void reset_stream(StreamState& s);  // local reset: RST + fail waiters
  void on_consumed(StreamState& s);   // reader consumed bytes: maybe WindowUpdate
  void handle_stream_gone(StreamState& s);

  // --- session lifecycle ---
  void spawn_tasks();
  // Ends the session: queues GoAway(code) unless `send_goaway` is false, fails every stream
  // with `stream_error`, fires on_closed(ec). Idempotent (first caller wins).
  void shutdown(error_code ec, bool send_goaway, GoAwayCode code);
  // Stops at once: also resets the connection (used by ~Session and the close linger).
  void abort(error_code ec);
  void send_ping();

  // --- tasks (read_loop.cpp, writer.cpp) ---
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> writer();
  boost::asio::awaitable<void> keepalive();
  // Returns an error to end the session with (protocol violation) or success.
  Result<void> handle_header(const Header& h);
  Result<void> handle_ping(const Header& h);
  void handle_goaway(const Header& h);
  Result<void> handle_stream_frame(const Header& h);
  void apply_flags(StreamState& s, std::uint16_t flags);

  // Current Data frame being received (payload may span several reads).
  std::shared_ptr<StreamState> cur_stream;  // null: discard the payload
  std::uint32_t cur_remaining = 0;
  std::uint16_t cur_flags = 0;
};

}  // namespace goop::p2p::yamux::detail
