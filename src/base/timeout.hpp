#pragma once
// with_timeout(op, d): runs `op` with a deadline (STYLE.md §7). Must be awaited on the caller's
// executor. The result:
//  - `op`'s own result when it completes first;
//  - goop::Errc::kTimeout when the deadline passes first (`op` then receives terminal
//    cancellation and is awaited before with_timeout returns);
//  - boost::asio::error::operation_aborted when the caller's coroutine is cancelled before
//    either (the shared code for "this operation was cancelled", as ByteStream's);
//  - the code of a boost::system::system_error that escapes `op` (a throwing use_awaitable
//    operation); any other exception is rethrown.

#include "base/errors.hpp"
#include "base/result.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <chrono>
#include <optional>

namespace goop {

// What is left until `deadline` (steady clock), never negative.
inline std::chrono::steady_clock::duration time_left(
    std::chrono::steady_clock::time_point deadline) {
  return std::max(deadline - std::chrono::steady_clock::now(),
                  std::chrono::steady_clock::duration::zero());
}

namespace detail {
// parallel_group default-constructs each branch's result; std::optional makes that possible
// for any T (PeerId, for one, has no default constructor).
template <class T>
boost::asio::awaitable<std::optional<Result<T>>> as_optional(boost::asio::awaitable<Result<T>> op) {
  // `op` accepts total cancellation too, not only terminal: a parallel_group forwards only the
  // first cancellation request it receives, and TaskGroup::async_stop asks with `total` first,
  // so its later `terminal` would never reach `op`.
  co_await boost::asio::this_coro::reset_cancellation_state(
      boost::asio::enable_total_cancellation());
  co_return co_await std::move(op);
}
}  // namespace detail

template <class T>
boost::asio::awaitable<Result<T>> with_timeout(boost::asio::awaitable<Result<T>> op,
                                               std::chrono::steady_clock::duration d) {
  namespace asio = boost::asio;
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer timer(ex, d);
  auto [order, eptr, result, timer_ec] =
      co_await asio::experimental::make_parallel_group(
          asio::co_spawn(ex, detail::as_optional(std::move(op)), asio::deferred),
          timer.async_wait(asio::deferred))
          .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
  if (order[0] == 0) {
    if (eptr) {
      try {
        std::rethrow_exception(eptr);
      } catch (const boost::system::system_error& e) {
        co_return e.code();
      }
    }
    if (result) co_return std::move(*result);
    co_return make_error_code(asio::error::operation_aborted);  // as_optional always sets it
  }
  // The timer ends with operation_aborted only when the group forwarded our caller's cancellation.
  if (timer_ec == asio::error::operation_aborted)
    co_return make_error_code(asio::error::operation_aborted);
  co_return make_error_code(Errc::kTimeout);
}

}  // namespace goop
