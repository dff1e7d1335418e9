#include "base/async_event.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace goop {
namespace asio = boost::asio;

AsyncEvent::AsyncEvent(asio::any_io_executor ex) : timer_(std::move(ex)) {
  timer_.expires_at(asio::steady_timer::time_point::max());
}

asio::awaitable<bool> AsyncEvent::wait() {
  co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  auto cs = co_await asio::this_coro::cancellation_state;
  co_return cs.cancelled() == asio::cancellation_type::none;
}

}  // namespace goop
