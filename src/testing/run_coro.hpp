#pragma once
// run_coro(io, task, timeout): runs a coroutine on `io` to completion for a unit test and
// returns its value; rethrows its exception; throws std::runtime_error if `timeout` passes first
// (so a hung protocol fails the test instead of hanging it). Other work on `io` keeps running
// until the task is done.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>

namespace goop::testing {

template <class T>
T run_coro(boost::asio::io_context& io, boost::asio::awaitable<T> task,
           std::chrono::steady_clock::duration timeout = std::chrono::seconds(10)) {
  // Shared, so a task that completes after we gave up on it writes to live memory.
  struct State {
    std::optional<T> value;
    std::exception_ptr error;
    bool done = false;
  };
  auto st = std::make_shared<State>();
  boost::asio::co_spawn(io, std::move(task), [st](std::exception_ptr e, T v) {
    st->done = true;
    st->error = e;
    if (!e) st->value.emplace(std::move(v));
  });
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!st->done && std::chrono::steady_clock::now() < until) {
    io.run_one_until(until);
    if (io.stopped()) io.restart();
  }
  if (!st->done) throw std::runtime_error("coroutine did not finish within the test's deadline");
  if (st->error) std::rethrow_exception(st->error);
  return std::move(*st->value);
}

inline void run_coro(boost::asio::io_context& io, boost::asio::awaitable<void> task,
                     std::chrono::steady_clock::duration timeout = std::chrono::seconds(10)) {
  auto wrapped = [](boost::asio::awaitable<void> t) -> boost::asio::awaitable<bool> {
    co_await std::move(t);
    co_return true;
  };
  run_coro<bool>(io, wrapped(std::move(task)), timeout);
}

}  // namespace goop::testing
