#include "testing/wait_for.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace goop::testing {
namespace asio = boost::asio;

bool IoEvents::next_event(Deadline deadline) {
  if (io.stopped()) io.restart();
  return io.run_one_until(deadline) > 0;
}

Signal::Signal(asio::any_io_executor ex) : timer_(std::move(ex)) {}

void Signal::notify() {
  pending_ = true;
  timer_.cancel();
}

asio::awaitable<bool> Signal::next_event(Deadline deadline) {
  if (!pending_) {
    timer_.expires_at(deadline);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  const bool woken = pending_;
  pending_ = false;
  co_return woken;
}

}  // namespace goop::testing
