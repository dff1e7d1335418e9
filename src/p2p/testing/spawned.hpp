#pragma once
// spawn(ex, fn): starts the coroutine fn() on `ex` for a test that wants it to run alongside
// others, and returns a Spawned<T> handle the test owns: it can wait for the result (from a
// test body with goop::testing::wait_for(io, [&] { return s.done(); }), or from a coroutine with
// co_await s.wait()), and cancel it. Nothing is detached: the state the coroutine completes into
// is shared by the handle and the coroutine, so a completion that comes after the test gave up
// still writes to live memory. `fn` (a lambda, with its captures) is kept alive until the
// coroutine ends, so a lambda coroutine may use its captures; whatever they reference must
// outlive the coroutine, which the test ensures by waiting for done() before it goes away.
//
// Cancellation: cancel(type) emits per-operation cancellation into the coroutine. The coroutine
// accepts terminal cancellation only (Asio's default for co_spawn) unless spawned with
// spawn_with_total_cancellation(). Emit it once the coroutine is suspended in the operation
// under test (an Asio coroutine that starts an operation after it was cancelled throws
// operation_aborted instead).
//
// Executor rule: one executor; not thread-safe (like everything in p2p/).

#include "testing/wait_for.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace goop::p2p::testing {

template <class T>
class Spawned {
 public:
  // True once the coroutine has returned or thrown.
  bool done() const noexcept { return st_->finished; }
  // The coroutine's result; rethrows what it threw. Only once done().
  T& get() {
    if (st_->error) std::rethrow_exception(st_->error);
    return *st_->value;
  }
  // Emits per-operation cancellation into the coroutine.
  void cancel(boost::asio::cancellation_type type = boost::asio::cancellation_type::terminal) {
    st_->cancel.emit(type);
  }
  // From a coroutine on the same executor: waits until done() or `timeout`; returns done().
  boost::asio::awaitable<bool> wait(
      std::chrono::steady_clock::duration timeout = goop::testing::kDefaultWait) {
    // (A loop rather than wait_for with a predicate: GCC 12 destroys a lambda temporary that
    // holds a shared_ptr twice when it is part of a co_await expression.)
    const std::shared_ptr<State> st = st_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!st->finished) {
      if (!co_await st->finished_signal.next_event(deadline)) break;
    }
    co_return st->finished;
  }

  struct State {
    explicit State(boost::asio::any_io_executor ex) : finished_signal(std::move(ex)) {}
    std::optional<T> value;
    std::exception_ptr error;
    bool finished = false;
    boost::asio::cancellation_signal cancel;
    goop::testing::Signal finished_signal;
  };
  explicit Spawned(std::shared_ptr<State> st) : st_(std::move(st)) {}

 private:
  std::shared_ptr<State> st_;
};

// A coroutine that returns nothing completes into Spawned<Done>.
struct Done {};

namespace detail {
template <class Fn>
using SpawnedValue = typename std::invoke_result_t<Fn&>::value_type;
template <class Fn>
using SpawnedResult = std::conditional_t<std::is_void_v<SpawnedValue<Fn>>, Done, SpawnedValue<Fn>>;

template <class Fn>
auto spawn(boost::asio::any_io_executor ex, Fn fn, bool total) -> Spawned<SpawnedResult<Fn>> {
  using R = SpawnedResult<Fn>;
  auto st = std::make_shared<typename Spawned<R>::State>(ex);
  auto body = [fn = std::move(fn), total]() mutable -> boost::asio::awaitable<R> {
    if (total) {
      co_await boost::asio::this_coro::reset_cancellation_state(
          boost::asio::enable_total_cancellation());
    }
    if constexpr (std::is_void_v<SpawnedValue<Fn>>) {
      co_await fn();
      co_return Done{};
    } else {
      co_return co_await fn();
    }
  };
  boost::asio::co_spawn(
      ex, std::move(body),
      boost::asio::bind_cancellation_slot(st->cancel.slot(), [st](std::exception_ptr e, R value) {
        st->error = e;
        if (!e) st->value.emplace(std::move(value));
        st->finished = true;
        st->finished_signal.notify();
      }));
  return Spawned<R>(st);
}
}  // namespace detail

// Starts fn() (a callable returning boost::asio::awaitable<T>) on `ex`. T must be
// default-constructible (Asio's completion with an exception builds one).
template <class Fn>
auto spawn(boost::asio::any_io_executor ex, Fn fn) {
  return detail::spawn(std::move(ex), std::move(fn), false);
}

// The same, with total (and partial) cancellation let through as well as terminal.
template <class Fn>
auto spawn_with_total_cancellation(boost::asio::any_io_executor ex, Fn fn) {
  return detail::spawn(std::move(ex), std::move(fn), true);
}

}  // namespace goop::p2p::testing
