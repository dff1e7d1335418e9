#include "p2p/testing/wait_until.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace goop::p2p::testing {

boost::asio::awaitable<bool> wait_until(std::function<bool()> pred,
                                        std::chrono::milliseconds timeout) {
  namespace asio = boost::asio;
  auto ex = co_await asio::this_coro::executor;
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > until) co_return false;
    asio::steady_timer t(ex, std::chrono::milliseconds(5));
    co_await t.async_wait(asio::use_awaitable);
  }
  co_return true;
}

}  // namespace goop::p2p::testing
