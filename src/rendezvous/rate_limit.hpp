#pragma once
// Sliding-window rate limits (spec/rendezvous.md §4.1, §16): at most `max` accepted events in
// any `window`, per key (client IP) or per connection (WebSocket frames).
//
// Executor rule: not thread-safe; used on the rendezvous executor only.
//
// Invariants:
//  1. A window holds at most `max` timestamps (a ring): memory per key is bounded.
//  2. A refused event is not recorded (a client hammering over the limit is let in again as
//     soon as its oldest accepted event leaves the window, as in the Go reference).

#include "base/clock.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace goop::rendezvous {

inline constexpr std::size_t kPublishLimit = 60;
inline constexpr std::chrono::seconds kPublishWindow{60};

// One sliding window.
class SlidingWindow {
 public:
  explicit SlidingWindow(std::size_t max = kPublishLimit, Clock::duration window = kPublishWindow)
      : max_(max == 0 ? 1 : max), window_(window) {}

  // Records and allows an event at `now` if fewer than `max` were accepted in (now-window, now].
  bool allow(Clock::time_point now);
  // True if no accepted event is inside the window at `now` (the window can be forgotten).
  bool idle(Clock::time_point now) const;

 private:
  std::size_t max_;
  Clock::duration window_;
  std::vector<Clock::time_point> ring_;  // grows to max_, then reused
  std::size_t next_ = 0;                 // index of the oldest entry once the ring is full
};

// A SlidingWindow per key.
class RateLimiter {
 public:
  RateLimiter(const Clock& clock, std::size_t max = kPublishLimit,
              Clock::duration window = kPublishWindow)
      : clock_(clock), max_(max), window_(window) {}

  bool allow(std::string_view key);
  // Forgets keys with no event inside the window (call periodically).
  void prune();
  std::size_t size() const noexcept { return windows_.size(); }

 private:
  const Clock& clock_;
  std::size_t max_;
  Clock::duration window_;
  std::unordered_map<std::string, SlidingWindow> windows_;
};

}  // namespace goop::rendezvous

namespace goop::rendezvous {

// Open connections per client IP (WebSocket and SSE caps of §5.1, §5.3).
// Executor rule: not thread-safe; used on the rendezvous executor only.
class ConnectionCounter {
 public:
  // Holds one counted connection until destroyed. Move-only. The counter must outlive it.
  class Slot {
   public:
    Slot() = default;
    Slot(ConnectionCounter* c, std::string ip) : c_(c), ip_(std::move(ip)) {}
    Slot(Slot&& o) noexcept : c_(std::exchange(o.c_, nullptr)), ip_(std::move(o.ip_)) {}
    Slot& operator=(Slot&& o) noexcept {
      if (this != &o) {
        reset();
        c_ = std::exchange(o.c_, nullptr);
        ip_ = std::move(o.ip_);
      }
      return *this;
    }
    ~Slot() { reset(); }
    void reset() noexcept {
      if (c_) std::exchange(c_, nullptr)->release(ip_);
    }

   private:
    ConnectionCounter* c_ = nullptr;
    std::string ip_;
  };

  // Counts one more connection of `ip` unless it already has `max`: then nullopt.
  std::optional<Slot> acquire(const std::string& ip, std::size_t max);
  std::size_t count(const std::string& ip) const;

 private:
  void release(const std::string& ip) noexcept;
  std::unordered_map<std::string, std::size_t> open_;
};

}  // namespace goop::rendezvous
