#pragma once
// Start-up and shutdown order of a running node. Components are added in the order they were
// started; stop_all() stops them in reverse, each given what is left of one overall deadline.
// Runs on the node executor.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace goop::app {

class Lifecycle {
 public:
  using Duration = std::chrono::steady_clock::duration;
  // `stop` must finish within the duration it is given (e.g. TaskGroup::async_stop).
  using StopFn = std::function<boost::asio::awaitable<void>(Duration)>;

  void add(std::string name, StopFn stop);
  // Stops every component, last added first. Returns false if the deadline passed before all
  // were stopped (the rest are skipped and named in the log).
  boost::asio::awaitable<bool> stop_all(Duration deadline);

 private:
  struct Component {
    std::string name;
    StopFn stop;
  };
  std::vector<Component> components_;
};

}  // namespace goop::app
