#include "base/clock.hpp"

#include "testing/wait_for.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <optional>

namespace goop {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;

TEST(ManualClock, SleeperWakesOnlyWhenTheClockPassesItsTime) {
  asio::io_context io;
  ManualClock clock;
  std::optional<error_code> woke;
  asio::co_spawn(io, clock.sleep_for(10s), [&](std::exception_ptr, error_code ec) { woke = ec; });
  ASSERT_TRUE(testing::wait_for(io, [&] { return clock.sleepers() == 1; }));
  clock.advance(9s);
  EXPECT_FALSE(testing::wait_for(
      io, [&] { return woke.has_value(); }, 50ms));
  clock.advance(1s);
  ASSERT_TRUE(testing::wait_for(io, [&] { return woke.has_value(); }));
  EXPECT_FALSE(*woke) << woke->message();
  EXPECT_EQ(clock.sleepers(), 0u);
}

TEST(ManualClock, SleepInThePastReturnsAtOnce) {
  asio::io_context io;
  ManualClock clock;
  std::optional<error_code> woke;
  asio::co_spawn(io, clock.sleep_until(clock.now() - 1s),
                 [&](std::exception_ptr, error_code ec) { woke = ec; });
  ASSERT_TRUE(testing::wait_for(io, [&] { return woke.has_value(); }));
  EXPECT_FALSE(*woke);
}

TEST(ManualClock, CancelledSleepReturnsOperationAbortedAndLeavesNoSleeper) {
  asio::io_context io;
  ManualClock clock;
  asio::cancellation_signal cancel;
  std::optional<error_code> woke;
  asio::co_spawn(io, clock.sleep_for(1h),
                 asio::bind_cancellation_slot(
                     cancel.slot(), [&](std::exception_ptr, error_code ec) { woke = ec; }));
  ASSERT_TRUE(testing::wait_for(io, [&] { return clock.sleepers() == 1; }));
  cancel.emit(asio::cancellation_type::terminal);
  ASSERT_TRUE(testing::wait_for(io, [&] { return woke.has_value(); }));
  EXPECT_EQ(*woke, asio::error::operation_aborted);
  EXPECT_EQ(clock.sleepers(), 0u);
}

TEST(SystemClock, SleepsForRealTime) {
  asio::io_context io;
  std::optional<error_code> woke;
  const auto start = std::chrono::steady_clock::now();
  asio::co_spawn(io, SystemClock::instance().sleep_for(20ms),
                 [&](std::exception_ptr, error_code ec) { woke = ec; });
  ASSERT_TRUE(testing::wait_for(io, [&] { return woke.has_value(); }));
  EXPECT_FALSE(*woke);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
}

}  // namespace
}  // namespace goop
