#pragma once
// Lifecycle: the start-up and shutdown order of a running node. The composition root adds each
// part (a Service) in the order it must start; start_all() starts them in that order, stop_all()
// stops the started ones in reverse, each given what is left of one overall deadline. If a part
// fails to start, the parts already started are stopped before start_all() returns the error,
// which names the part.
//
// A Service is any object with
//   start()                      returning void, Result<void> or Expected<void>
//                                (void: it cannot fail; it must not block on I/O)
//   async_stop(Duration)         returning awaitable<void> or awaitable<bool>
//                                (it must finish within the duration it is given; a bool result,
//                                "every task ended", is only logged)
// and a name given when it is added, used in the log and in the error. The p2p Host, GossipSub,
// PresenceService, the viewer's HttpServer wrapper, the rendezvous server and clients, and the
// goop/presence services all fit as they are, so a new module plugs into the node with one line:
//   lifecycle.add("peer cache", cache);
//
// Executor rule: the node executor; start_all() and stop_all() run on it. Not thread-safe.
// Lifetime: every added service must outlive the Lifecycle's stop_all() (or the Lifecycle, if it
// was never started).
//
// Invariants:
//  1. A service is started at most once and stopped at most once, and only if it started.
//  2. Services start in the order added and stop in the reverse order.
//  3. stop_all() (also the one start_all() runs after a failure) never waits past its deadline
//     for the next service: once the deadline has passed, the rest are skipped and named in the
//     log.

#include "base/clock.hpp"
#include "base/result.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <concepts>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

namespace goop::app {

using Duration = std::chrono::steady_clock::duration;

namespace detail {
template <class T>
concept StartResult =
    std::same_as<T, void> || std::same_as<T, Result<void>> || std::same_as<T, Expected<void>>;
template <class T>
concept StopResult =
    std::same_as<T, boost::asio::awaitable<void>> || std::same_as<T, boost::asio::awaitable<bool>>;
}  // namespace detail

template <class S>
concept Service = requires(S& s, Duration d) {
  requires detail::StartResult<decltype(s.start())>;
  requires detail::StopResult<decltype(s.async_stop(d))>;
};

class Lifecycle {
 public:
  using StartFn = std::function<Expected<void>()>;
  using StopFn = std::function<boost::asio::awaitable<void>(Duration)>;

  // `clock` measures the shared stop deadline (a ManualClock in tests); it must outlive this.
  explicit Lifecycle(const Clock& clock = SystemClock::instance()) : clock_(clock) {}
  Lifecycle(const Lifecycle&) = delete;
  Lifecycle& operator=(const Lifecycle&) = delete;

  // Adds `service` to start after every part added before it. `service` must outlive the stop.
  template <Service S>
  void add(std::string name, S& service) {
    add(std::move(name), start_fn(service),
        [&service](Duration d) { return stop_service(service, d); });
  }
  // The same for a part that is not an object of its own (a database to close, say).
  void add(std::string name, StartFn start, StopFn stop);

  // Starts every part added and not started yet, in order. If one fails, stops the parts that
  // started (within `stop_deadline`, last first), then returns that part's error with its
  // message prefixed by the part's name ("viewer: ..."); the parts after it never start.
  boost::asio::awaitable<Expected<void>> start_all(Duration stop_deadline);

  // Stops every started part, last started first, each given what is left of `deadline`.
  // Returns false if the deadline passed before every part was stopped (the rest are skipped
  // and named in the log). A second call, or one during another, stops nothing more.
  boost::asio::awaitable<bool> stop_all(Duration deadline);

  // The names of the parts started and not stopped, in start order (for tests and status).
  std::vector<std::string> running() const;

 private:
  enum class State { kAdded, kRunning, kStopping, kStopped };
  struct Part {
    std::string name;
    StartFn start;
    StopFn stop;
    State state = State::kAdded;
  };

  template <class S>
  static StartFn start_fn(S& service) {
    return [&service]() -> Expected<void> {
      using R = decltype(service.start());
      if constexpr (std::same_as<R, void>) {
        service.start();
        return {};
      } else if constexpr (std::same_as<R, Result<void>>) {
        if (auto r = service.start(); !r) return Error(r.error());
        return {};
      } else {
        return service.start();
      }
    };
  }
  // Always awaited at once, while `service` is alive.
  template <class S>
  static boost::asio::awaitable<void> stop_service(S& service, Duration d) {
    if constexpr (std::same_as<decltype(service.async_stop(d)), boost::asio::awaitable<bool>>) {
      const bool ended = co_await service.async_stop(d);
      if (!ended) note_unfinished();
    } else {
      co_await service.async_stop(d);
    }
  }
  static void note_unfinished();

  const Clock& clock_;
  std::vector<Part> parts_;
};

}  // namespace goop::app
