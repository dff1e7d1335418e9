#pragma once
// StreamWatchdog: one timer that resets a stream when its deadline passes, so a whole exchange
// (request, header line, body) is bounded without wrapping every read and write in
// with_timeout (which costs a coroutine, a parallel group and a timer per call). Moving the
// deadline later is an assignment; the pending wait re-checks it when it fires. Private to
// src/goop/content.
//
// Usage: arm a deadline, do the stream calls, and when one fails ask fired(): the failure was
// then caused by the deadline (report goop::Errc::kTimeout).
//
// Executor rule: the stream's executor. The stream must outlive the watchdog. Destroying the
// watchdog disarms it.

#include "p2p/io/byte_stream.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>

namespace goop::content::detail {

class StreamWatchdog {
 public:
  using Clock = std::chrono::steady_clock;

  StreamWatchdog(boost::asio::any_io_executor ex, p2p::ByteStream& s)
      : timer_(std::move(ex)), stream_(s) {}
  StreamWatchdog(const StreamWatchdog&) = delete;
  StreamWatchdog& operator=(const StreamWatchdog&) = delete;
  ~StreamWatchdog() {
    *alive_ = false;
    timer_.cancel();
  }

  // Resets the stream at `deadline` unless re-armed before then. No effect once fired.
  void arm(Clock::time_point deadline) {
    if (fired_) return;
    const bool later = armed_ && deadline >= timer_.expiry();
    deadline_ = deadline;
    if (later) return;  // the pending wait sees the new deadline when it fires
    armed_ = true;
    timer_.expires_at(deadline);
    wait();
  }
  void arm_after(Clock::duration d) { arm(Clock::now() + d); }

  // True once the deadline passed and the stream was reset.
  bool fired() const noexcept { return fired_; }

 private:
  void wait() {
    const unsigned generation = ++generation_;
    timer_.async_wait([this, alive = alive_, generation](const boost::system::error_code&) {
      if (!*alive || generation != generation_) return;  // destroyed, or re-armed earlier
      if (Clock::now() < deadline_) {
        timer_.expires_at(deadline_);
        wait();
        return;
      }
      fired_ = true;
      stream_.reset();
    });
  }

  boost::asio::steady_timer timer_;
  p2p::ByteStream& stream_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  Clock::time_point deadline_{};
  unsigned generation_ = 0;
  bool armed_ = false;
  bool fired_ = false;
};

}  // namespace goop::content::detail
