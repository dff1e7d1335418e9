#include "app/lifecycle.hpp"

#include "base/log.hpp"

#include <fmt/core.h>

namespace goop::app {
namespace {
log::Logger lg("app");
}

void Lifecycle::add(std::string name, StartFn start, StopFn stop) {
  parts_.push_back(Part{std::move(name), std::move(start), std::move(stop)});
}

boost::asio::awaitable<Expected<void>> Lifecycle::start_all(Duration stop_deadline) {
  // By index: a part's start() may not add parts, but the vector is not touched while we hold
  // a reference across the co_await below either.
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    if (parts_[i].state != State::kAdded) continue;
    GOOP_LOG_DEBUG(lg, "starting {}", parts_[i].name);
    Expected<void> started = parts_[i].start();
    if (!started) {
      Error failed{started.error().code,
                   fmt::format("{}: {}", parts_[i].name, started.error().message)};
      GOOP_LOG_DEBUG(lg, "{} did not start; stopping what did", parts_[i].name);
      co_await stop_all(stop_deadline);
      co_return failed;
    }
    parts_[i].state = State::kRunning;
  }
  co_return Expected<void>{};
}

boost::asio::awaitable<bool> Lifecycle::stop_all(Duration deadline) {
  const Clock::time_point end = clock_.now() + deadline;
  bool in_time = true;
  for (std::size_t i = parts_.size(); i-- > 0;) {
    if (parts_[i].state != State::kRunning) continue;
    parts_[i].state = State::kStopping;
    const Duration left = end - clock_.now();
    if (left <= Duration::zero()) {
      GOOP_LOG_WARN(lg, "shutdown deadline passed; not waiting for {}", parts_[i].name);
      in_time = false;
      continue;
    }
    GOOP_LOG_DEBUG(lg, "stopping {}", parts_[i].name);
    co_await parts_[i].stop(left);
    parts_[i].state = State::kStopped;
  }
  co_return in_time;
}

std::vector<std::string> Lifecycle::running() const {
  std::vector<std::string> out;
  for (const auto& p : parts_) {
    if (p.state == State::kRunning) out.push_back(p.name);
  }
  return out;
}

void Lifecycle::note_unfinished() {
  GOOP_LOG_DEBUG(lg, "a part's tasks outlived its stop deadline");
}

}  // namespace goop::app
