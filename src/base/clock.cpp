#include "base/clock.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace goop {
namespace asio = boost::asio;
using boost::system::error_code;

asio::awaitable<error_code> Clock::sleep_for(duration d) const {
  co_return co_await sleep_until(now() + d);
}

asio::awaitable<error_code> SystemClock::sleep_until(time_point t) const {
  asio::steady_timer timer(co_await asio::this_coro::executor, t);
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return ec;
}

struct ManualClock::Sleeper {
  time_point at;
  asio::steady_timer* timer;
  bool woken = false;
};

asio::awaitable<error_code> ManualClock::sleep_until(time_point t) const {
  if (now() >= t) co_return error_code{};
  asio::steady_timer timer(co_await asio::this_coro::executor,
                           asio::steady_timer::time_point::max());
  Sleeper self{t, &timer};
  auto it = sleepers_.insert(sleepers_.end(), &self);
  (void)co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  if (!self.woken) sleepers_.erase(it);  // cancelled: advance() did not take it out
  if (self.woken || now() >= t) co_return error_code{};
  co_return make_error_code(asio::error::operation_aborted);
}

void ManualClock::advance(duration d) {
  ticks_ += d.count();
  const time_point t = now();
  for (auto it = sleepers_.begin(); it != sleepers_.end();) {
    if ((*it)->at <= t) {
      (*it)->woken = true;
      (*it)->timer->cancel();
      it = sleepers_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace goop
