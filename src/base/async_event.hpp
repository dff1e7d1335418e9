#pragma once
// AsyncEvent: a condition-variable for coroutines on one executor. wait() suspends until
// notify() or cancellation. A notify() with no waiter is not remembered: check your condition
// before waiting, in a loop (single-threaded, so there is no race between check and wait).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

namespace goop {

class AsyncEvent {
 public:
  explicit AsyncEvent(boost::asio::any_io_executor ex);
  // Returns true when woken by notify(), false if the awaiting coroutine was cancelled.
  boost::asio::awaitable<bool> wait();
  // Wakes every current waiter.
  void notify() { timer_.cancel(); }

 private:
  boost::asio::steady_timer timer_;
};

}  // namespace goop
