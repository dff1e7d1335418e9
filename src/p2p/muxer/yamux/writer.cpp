// The session's writer (the only code that writes the connection) and its keep-alive task.
#include "base/log.hpp"
#include "p2p/errors.hpp"
#include "p2p/muxer/yamux/session_core.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace goop::p2p::yamux::detail {
namespace asio = boost::asio;
namespace {
log::Logger lg("p2p.yamux");
}

// Drains `out` into one contiguous batch (headers and payloads of many frames, up to about
// write_batch_bytes) per underlying write. A Data frame's bytes are copied into the batch, after
// which its write() may return. After shutdown the remaining control frames (ending with the
// GoAway) are flushed and the connection is half-closed.
asio::awaitable<void> SessionCore::writer() {
  bool failed = false;
  for (;;) {
    while (out.empty() && !closed) {
      if (!co_await writer_wake.wait()) break;
    }
    if (out.empty()) break;
    batch.clear();
    while (!out.empty() && batch.size() < cfg.write_batch_bytes) {
      const OutFrame f = out.front();
      out.pop_front();
      batch.insert(batch.end(), f.header.begin(), f.header.end());
      if (f.len > 0) batch.insert(batch.end(), f.data, f.data + f.len);
      if (f.owner && --f.owner->queued_frames == 0) f.owner->event.notify();
    }
    queue_space.notify();
    auto r = co_await conn->write(batch);
    if (!r) {
      GOOP_LOG_DEBUG(lg, "connection write failed: {}", r.error().message());
      failed = true;
      shutdown(make_error_code(Errc::kConnectionClosed), false, GoAwayCode::kNormal);
      out.clear();
      break;
    }
    auto cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none) break;
  }
  if (closed && !failed) (void)co_await conn->close_write();
  writer_done = true;
  done_event.notify();
  keepalive_timer.cancel();
}

// Sends a ping every keepalive_interval (the first at once, to learn the RTT for window
// auto-tuning), ends the session if a ping stays unanswered for ping_timeout, and after
// shutdown gives reader and writer close_linger to finish before resetting the connection.
asio::awaitable<void> SessionCore::keepalive() {
  const bool enabled = cfg.keepalive_interval.count() > 0;
  auto next_ping = Clock::now();
  auto cancelled = [&]() -> asio::awaitable<bool> {
    auto cs = co_await asio::this_coro::cancellation_state;
    co_return cs.cancelled() != asio::cancellation_type::none;
  };
  while (!closed) {
    const auto now = Clock::now();
    if (ping_id && now - ping_sent >= cfg.ping_timeout) {
      GOOP_LOG_DEBUG(
          lg, "keep-alive ping {} unanswered for {} ms", *ping_id,
          std::chrono::duration_cast<std::chrono::milliseconds>(now - ping_sent).count());
      shutdown(make_error_code(goop::Errc::kTimeout), false, GoAwayCode::kNormal);
      break;
    }
    if (enabled && !ping_id && now >= next_ping) {
      send_ping();
      next_ping = now + cfg.keepalive_interval;
    }
    auto wake = Clock::time_point::max();
    if (enabled) wake = next_ping;
    if (ping_id) wake = std::min(wake, ping_sent + cfg.ping_timeout);
    keepalive_timer.expires_at(wake);
    co_await keepalive_timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (co_await cancelled()) co_return;
  }
  // Linger: let the writer flush the GoAway and the reader see the remote's EOF.
  const auto until = Clock::now() + cfg.close_linger;
  while (!(reader_done && writer_done) && Clock::now() < until) {
    keepalive_timer.expires_at(until);
    co_await keepalive_timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (co_await cancelled()) break;
  }
  if (!(reader_done && writer_done)) conn->reset();
}

}  // namespace goop::p2p::yamux::detail
