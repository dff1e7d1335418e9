#pragma once
// run_coro(io, task, timeout): runs a coroutine on `io` to completion for a unit test and
// returns its value; rethrows its exception; throws std::runtime_error if `timeout` passes first
// (so a hung protocol fails the test instead of hanging it). Other work on `io` keeps running
// until the task is done.

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace goop::p2p::testing {

template <class T>
T run_coro(boost::asio::io_context& io, boost::asio::awaitable<T> task,
           std::chrono::steady_clock::duration timeout = std::chrono::seconds(10)) {
  std::optional<T> value;
  std::exception_ptr error;
  bool done = false;
  boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T v) {
    done = true;
    error = e;
    if (!e) value.emplace(std::move(v));
  });
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done && std::chrono::steady_clock::now() < until) {
    io.run_one_until(until);
    if (io.stopped()) io.restart();
  }
  if (!done) throw std::runtime_error("coroutine did not finish within the test's deadline");
  if (error) std::rethrow_exception(error);
  return std::move(*value);
}

inline void run_coro(boost::asio::io_context& io, boost::asio::awaitable<void> task,
                     std::chrono::steady_clock::duration timeout = std::chrono::seconds(10)) {
  auto wrapped = [](boost::asio::awaitable<void> t) -> boost::asio::awaitable<bool> {
    co_await std::move(t);
    co_return true;
  };
  run_coro<bool>(io, wrapped(std::move(task)), timeout);
}

}  // namespace goop::p2p::testing
