#pragma once
// Clock seam (STYLE.md §9): production code asks a Clock for the time so time-based logic
// (heartbeats, TTLs, backoff) can be tested on a ManualClock. Thread-safe.

#include <atomic>
#include <chrono>

namespace goop {

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using duration = std::chrono::steady_clock::duration;
  virtual ~Clock() = default;
  // Monotonic time, for intervals and deadlines.
  virtual time_point now() const noexcept = 0;
  // Wall time, for timestamps shown to people or sent on the wire.
  virtual std::chrono::system_clock::time_point wall_now() const noexcept = 0;
};

class SystemClock final : public Clock {
 public:
  time_point now() const noexcept override { return std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point wall_now() const noexcept override {
    return std::chrono::system_clock::now();
  }
  static SystemClock& instance() noexcept {
    static SystemClock c;
    return c;
  }
};

// A clock that moves only when told to. Starts at an arbitrary fixed point.
class ManualClock final : public Clock {
 public:
  time_point now() const noexcept override { return time_point(duration(ticks_.load())); }
  std::chrono::system_clock::time_point wall_now() const noexcept override {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            duration(ticks_.load()) + std::chrono::hours(24 * 365 * 56)));
  }
  void advance(duration d) noexcept { ticks_ += d.count(); }

 private:
  std::atomic<duration::rep> ticks_{
      std::chrono::duration_cast<duration>(std::chrono::hours(1)).count()};
};

}  // namespace goop
