#include "app/lifecycle.hpp"

#include "base/log.hpp"

namespace goop::app {
namespace {
log::Logger lg("app");
}

void Lifecycle::add(std::string name, StopFn stop) {
  components_.push_back({std::move(name), std::move(stop)});
}

boost::asio::awaitable<bool> Lifecycle::stop_all(Duration deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (!components_.empty()) {
    Component c = std::move(components_.back());
    components_.pop_back();
    const auto left = end - std::chrono::steady_clock::now();
    if (left <= Duration::zero()) {
      GOOP_LOG_WARN(lg, "shutdown deadline passed; not waiting for {} and {} more", c.name,
                    components_.size());
      components_.clear();
      co_return false;
    }
    GOOP_LOG_DEBUG(lg, "stopping {}", c.name);
    co_await c.stop(left);
  }
  co_return true;
}

}  // namespace goop::app
