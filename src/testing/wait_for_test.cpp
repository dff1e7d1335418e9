#include "testing/wait_for.hpp"

#include "testing/run_coro.hpp"
#include "testing/temp_dir.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace goop::testing {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST(WaitFor, IoContextReturnsOnceAHandlerMadeThePredicateTrue) {
  asio::io_context io;
  int value = 0;
  asio::steady_timer t(io, 20ms);
  t.async_wait([&](auto) { value = 42; });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(wait_for(
      io, [&] { return value == 42; }, 5s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(WaitFor, IoContextGivesUpAtTheDeadlineWithFalse) {
  asio::io_context io;
  asio::steady_timer keep_busy(io, 1h);  // pending work, but no event before the deadline
  keep_busy.async_wait([](auto) {});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(wait_for(
      io, [] { return false; }, 50ms));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 50ms);
  EXPECT_LT(took, 2s);
}

TEST(WaitFor, IoContextWithNoWorkReturnsAtOnce) {
  asio::io_context io;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(wait_for(
      io, [] { return false; }, 5s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "nothing can change: no waiting";
}

TEST(WaitFor, ChecksThePredicateAfterEveryHandler) {
  asio::io_context io;
  int steps = 0;
  for (int i = 0; i < 5; ++i) asio::post(io, [&] { ++steps; });
  EXPECT_TRUE(wait_for(io, [&] { return steps == 3; }));
  EXPECT_EQ(steps, 3) << "stops as soon as the predicate holds, before later handlers run";
}

TEST(WaitFor, SignalWakesACoroutineWithoutPolling) {
  asio::io_context io;
  Signal changed(io.get_executor());
  int value = 0;
  asio::steady_timer t(io, 20ms);
  t.async_wait([&](auto) {
    value = 7;
    changed.notify();
  });
  bool ok = run_coro(io, wait_for(
                             changed, [&] { return value == 7; }, 5s));
  EXPECT_TRUE(ok);
}

TEST(WaitFor, SignalRemembersANotifyWhileNobodyWaits) {
  asio::io_context io;
  Signal changed(io.get_executor());
  changed.notify();
  const auto start = std::chrono::steady_clock::now();
  bool woken = run_coro(io, changed.next_event(std::chrono::steady_clock::now() + 5s));
  EXPECT_TRUE(woken);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST(WaitFor, SignalTimesOutWithFalse) {
  asio::io_context io;
  Signal changed(io.get_executor());
  bool ok = run_coro(io, wait_for(
                             changed, [] { return false; }, 30ms));
  EXPECT_FALSE(ok);
}

TEST(WaitFor, NotifierIgnoresItsArguments) {
  asio::io_context io;
  Signal changed(io.get_executor());
  auto cb = changed.notifier();
  cb(std::string("peer"), 3);
  bool woken = run_coro(io, changed.next_event(std::chrono::steady_clock::now() + 1s));
  EXPECT_TRUE(woken);
}

TEST(TempDir, IsPrivateAndRemovedWithItsContents) {
  std::filesystem::path kept;
  {
    TempDir dir("tempdir-test");
    kept = dir.path();
    ASSERT_TRUE(std::filesystem::is_directory(kept));
    EXPECT_NE(kept.filename().string().find("goop-tempdir-test-"), std::string::npos);
    const auto perms = std::filesystem::status(kept).permissions();
    EXPECT_EQ(perms & std::filesystem::perms::all, std::filesystem::perms::owner_all);
    std::filesystem::create_directories(dir / "a/b");
    std::ofstream(dir / "a/b/file") << "x";
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

}  // namespace
}  // namespace goop::testing
