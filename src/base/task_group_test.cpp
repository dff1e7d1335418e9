#include "base/task_group.hpp"

#include "base/errors.hpp"
#include "base/timeout.hpp"
#include "testing/run_coro.hpp"
#include "testing/wait_for.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

namespace goop {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using goop::testing::run_coro;

// Waits on a timer for `d`; honours cancellation (the timer wait is cancelled).
asio::awaitable<void> sleep_for(asio::steady_timer::duration d, int* finished) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
  ++*finished;
}

// A task that ignores total cancellation and only yields to terminal cancellation.
asio::awaitable<void> stubborn(int* finished) {
  co_await asio::this_coro::reset_cancellation_state(asio::enable_terminal_cancellation());
  asio::steady_timer t(co_await asio::this_coro::executor, 1h);
  auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  if (ec == asio::error::operation_aborted) ++*finished;
}

TEST(TaskGroup, StopCancelsRunningTasksWellBeforeTheirTimers) {
  asio::io_context io;
  TaskGroup group(io.get_executor(), "test");
  int finished = 0;
  ASSERT_TRUE(group.spawn(sleep_for(1h, &finished), "sleeper"));
  ASSERT_TRUE(group.spawn(sleep_for(1h, &finished), "sleeper"));
  EXPECT_EQ(group.size(), 2u);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(run_coro(io, group.async_stop(10s), 20s));
  EXPECT_EQ(group.size(), 0u);
  EXPECT_EQ(finished, 0);  // cancelled, not completed
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(TaskGroup, EscalatesToTerminalCancellation) {
  asio::io_context io;
  TaskGroup group(io.get_executor(), "test");
  int finished = 0;
  group.spawn(stubborn(&finished));
  EXPECT_TRUE(run_coro(io, group.async_stop(200ms), 20s));
  EXPECT_EQ(finished, 1);
}

TEST(TaskGroup, RefusesTasksAfterClose) {
  asio::io_context io;
  TaskGroup group(io.get_executor(), "test");
  group.close();
  int finished = 0;
  EXPECT_FALSE(group.spawn(sleep_for(1ms, &finished)));
  EXPECT_EQ(io.poll(), 0u) << "nothing was started";
  EXPECT_EQ(finished, 0);
}

TEST(TaskGroup, ExceptionInTaskIsContained) {
  asio::io_context io;
  TaskGroup group(io.get_executor(), "test");
  int finished = 0;
  ASSERT_TRUE(group.spawn([]() -> asio::awaitable<void> {
    throw std::runtime_error("boom");
    co_return;
  }()));
  ASSERT_TRUE(group.spawn(sleep_for(1ms, &finished)));
  // The failed task leaves the group; the group and its other task go on.
  EXPECT_TRUE(goop::testing::wait_for(
      io, [&] { return group.size() == 0; }, 5s));
  EXPECT_EQ(finished, 1);
  EXPECT_TRUE(run_coro(io, group.async_stop(1s)));
}

asio::awaitable<Result<int>> answer_after(asio::steady_timer::duration d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  if (ec) co_return ec;
  co_return 42;
}

TEST(WithTimeout, ReturnsValueWhenFasterThanDeadline) {
  asio::io_context io;
  const Result<int> r = run_coro(io, with_timeout(answer_after(1ms), 10s), 20s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 42);
}

TEST(WithTimeout, ReturnsTimeoutAndCancelsTheOperation) {
  asio::io_context io;
  const auto start = std::chrono::steady_clock::now();
  const Result<int> r = run_coro(io, with_timeout(answer_after(1h), 50ms), 20s);
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(Errc::kTimeout));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(WithTimeout, ATaskGroupStopCancelsTheOperationInside) {
  // TaskGroup::async_stop asks with total cancellation first; a parallel_group forwards only the
  // first request it gets, so `op` must honour total cancellation for the stop to reach it.
  asio::io_context io;
  TaskGroup group(io.get_executor(), "test");
  Result<int> r = 0;
  ASSERT_TRUE(group.spawn(
      [](Result<int>* out) -> asio::awaitable<void> {
        *out = co_await with_timeout(answer_after(1h), 1h);
      }(&r),
      "waiter"));
  io.poll();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(run_coro(io, group.async_stop(4s), 10s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "ended by the first (total) request";
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), asio::error::operation_aborted) << r.error().message();
}

}  // namespace
}  // namespace goop

namespace goop {
namespace {
struct NoDefault {
  explicit NoDefault(int v) : value(v) {}
  int value;
};

// run_coro needs a default-constructible result: wrap it.
boost::asio::awaitable<std::optional<Result<NoDefault>>> seven_within(
    std::chrono::steady_clock::duration timeout) {
  co_return co_await with_timeout(
      []() -> boost::asio::awaitable<Result<NoDefault>> { co_return NoDefault(7); }(), timeout);
}

TEST(WithTimeout, WorksForResultsWithoutDefaultConstructor) {
  boost::asio::io_context io;
  const auto r = goop::testing::run_coro(io, seven_within(std::chrono::seconds(5)));
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->value, 7);
}
}  // namespace
}  // namespace goop
