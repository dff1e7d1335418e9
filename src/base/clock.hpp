#pragma once
// Clock seam (STYLE.md §9, leveldb's Env): production code asks a Clock for the time and sleeps
// on it, so time-based logic (heartbeats, TTLs, backoff) can be tested on a ManualClock that a
// test advances by hand instead of waiting.

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <chrono>
#include <list>

namespace goop {

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using duration = std::chrono::steady_clock::duration;
  virtual ~Clock() = default;
  // Monotonic time, for intervals and deadlines. Thread-safe.
  virtual time_point now() const noexcept = 0;
  // Wall time, for timestamps shown to people or sent on the wire. Thread-safe.
  virtual std::chrono::system_clock::time_point wall_now() const noexcept = 0;
  // Suspends the calling coroutine until now() >= t (at once if it already is). Returns an
  // empty error_code then, or boost::asio::error::operation_aborted if the awaiting operation
  // was cancelled first (per-operation cancellation, as TaskGroup::async_stop emits). Runs on
  // the caller's executor.
  virtual boost::asio::awaitable<boost::system::error_code> sleep_until(time_point t) const = 0;
  boost::asio::awaitable<boost::system::error_code> sleep_for(duration d) const;
};

class SystemClock final : public Clock {
 public:
  time_point now() const noexcept override { return std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point wall_now() const noexcept override {
    return std::chrono::system_clock::now();
  }
  boost::asio::awaitable<boost::system::error_code> sleep_until(time_point t) const override;
  static SystemClock& instance() noexcept {
    static SystemClock c;
    return c;
  }
};

// A clock that moves only when told to. Starts at an arbitrary fixed point. now() and
// wall_now() are thread-safe; advance() and sleep_until() must run on the thread that runs the
// sleepers' executor (a test's io_context).
class ManualClock final : public Clock {
 public:
  time_point now() const noexcept override { return time_point(duration(ticks_.load())); }
  std::chrono::system_clock::time_point wall_now() const noexcept override {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            duration(ticks_.load()) + std::chrono::hours(24 * 365 * 56)));
  }
  boost::asio::awaitable<boost::system::error_code> sleep_until(time_point t) const override;
  // Moves time forward and wakes every sleeper whose time has come (they resume when their
  // executor next runs handlers).
  void advance(duration d);
  // How many coroutines are sleeping on this clock (a test can wait for a loop to park).
  std::size_t sleepers() const noexcept { return sleepers_.size(); }

 private:
  struct Sleeper;
  std::atomic<duration::rep> ticks_{
      std::chrono::duration_cast<duration>(std::chrono::hours(1)).count()};
  mutable std::list<Sleeper*> sleepers_;
};

}  // namespace goop
