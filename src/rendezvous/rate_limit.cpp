#include "rendezvous/rate_limit.hpp"

namespace goop::rendezvous {

bool SlidingWindow::allow(Clock::time_point now) {
  if (ring_.size() < max_) {
    ring_.push_back(now);
    return true;
  }
  // The ring is full: the oldest of the last `max_` accepted events decides.
  if (now - ring_[next_] < window_) return false;
  ring_[next_] = now;
  next_ = (next_ + 1) % max_;
  return true;
}

bool SlidingWindow::idle(Clock::time_point now) const {
  if (ring_.empty()) return true;
  // The newest entry is the one written last.
  const std::size_t newest = ring_.size() < max_ ? ring_.size() - 1 : (next_ + max_ - 1) % max_;
  return now - ring_[newest] >= window_;
}

bool RateLimiter::allow(std::string_view key) {
  auto it = windows_.find(std::string(key));
  if (it == windows_.end())
    it = windows_.emplace(std::string(key), SlidingWindow(max_, window_)).first;
  return it->second.allow(clock_.now());
}

void RateLimiter::prune() {
  const auto now = clock_.now();
  std::erase_if(windows_, [&](const auto& kv) { return kv.second.idle(now); });
}

}  // namespace goop::rendezvous

namespace goop::rendezvous {

std::optional<ConnectionCounter::Slot> ConnectionCounter::acquire(const std::string& ip,
                                                                  std::size_t max) {
  std::size_t& n = open_[ip];
  if (n >= max) {
    if (n == 0) open_.erase(ip);
    return std::nullopt;
  }
  ++n;
  return std::optional<Slot>(std::in_place, this, ip);
}

std::size_t ConnectionCounter::count(const std::string& ip) const {
  auto it = open_.find(ip);
  return it == open_.end() ? 0 : it->second;
}

void ConnectionCounter::release(const std::string& ip) noexcept {
  auto it = open_.find(ip);
  if (it == open_.end()) return;
  if (--it->second == 0) open_.erase(it);
}

}  // namespace goop::rendezvous
