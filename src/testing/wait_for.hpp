#pragma once
// wait_for(source, predicate, timeout): the one way a test waits for something to happen
// (rust-libp2p swarm-test's `wait`). It checks `predicate`, and each time it is false waits for
// the source's next event, until the predicate holds (true) or the deadline passes (false).
// Nothing polls on a timer: a test wakes only when something happened.
//
// An event source is any object with `next_event(Deadline)`:
//  - returning bool: blocks until an event or the deadline (false at the deadline). The
//    synchronous form, for test bodies: `IoEvents` (each handler the io_context runs is an event,
//    so the predicate is re-checked after every completion), the e2e event streams.
//  - returning awaitable<bool>: the same from inside a coroutine: `Signal` (notified by the
//    callbacks of the code under test).
// wait_for(io_context&, ...) is shorthand for wait_for(IoEvents{io}, ...).
//
// Executor rule: the synchronous form runs the io_context on the calling thread (which must be
// the only thread running it); the coroutine form runs on the Signal's executor.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <concepts>
#include <utility>

namespace goop::testing {

using Deadline = std::chrono::steady_clock::time_point;
inline constexpr std::chrono::steady_clock::duration kDefaultWait = std::chrono::seconds(10);

template <class S>
concept SyncEventSource = requires(S& s, Deadline d) {
  { s.next_event(d) } -> std::convertible_to<bool>;
};
template <class S>
concept AsyncEventSource = requires(S& s, Deadline d) {
  { s.next_event(d) } -> std::same_as<boost::asio::awaitable<bool>>;
};

template <SyncEventSource S, std::predicate Pred>
bool wait_for(S&& source, Pred&& pred, std::chrono::steady_clock::duration timeout = kDefaultWait) {
  const Deadline deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (!source.next_event(deadline)) return pred();
  }
  return true;
}

template <AsyncEventSource S, std::predicate Pred>
boost::asio::awaitable<bool> wait_for(S& source, Pred pred,
                                      std::chrono::steady_clock::duration timeout = kDefaultWait) {
  const Deadline deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (!co_await source.next_event(deadline)) co_return pred();
  }
  co_return true;
}

// The io_context as an event source: next_event runs one ready handler, or waits for one until
// the deadline. Restarts a stopped context (a finished run_coro leaves it stopped).
struct IoEvents {
  boost::asio::io_context& io;
  bool next_event(Deadline deadline);
};

template <std::predicate Pred>
bool wait_for(boost::asio::io_context& io, Pred&& pred,
              std::chrono::steady_clock::duration timeout = kDefaultWait) {
  return wait_for(IoEvents{io}, std::forward<Pred>(pred), timeout);
}

// An event source for coroutines: the test hooks notify() (or notifier()) into the callbacks of
// the code under test. A notify() while nobody waits is remembered for the next wait, so an
// event between a predicate check and the wait is never lost. One executor; not thread-safe.
class Signal {
 public:
  explicit Signal(boost::asio::any_io_executor ex);
  void notify();
  // A callback that notifies, whatever arguments it is called with (for on_event hooks).
  auto notifier() {
    return [this](auto&&...) { notify(); };
  }
  // True when notified (now or earlier, unconsumed), false at the deadline or on cancellation.
  boost::asio::awaitable<bool> next_event(Deadline deadline);

 private:
  boost::asio::steady_timer timer_;
  bool pending_ = false;
};

}  // namespace goop::testing
