#include "viewer/log_buffer.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace goop::viewer {
namespace {
namespace json = boost::json;
using log::Level;

std::vector<std::uint64_t> seqs(const std::vector<LogLine>& lines) {
  std::vector<std::uint64_t> out;
  for (const auto& l : lines) out.push_back(l.seq);
  return out;
}

TEST(LogBuffer, KeepsTheNewestLinesNumberedFromOne) {
  LogBuffer b(3);
  EXPECT_EQ(b.last_seq(), 0u);
  EXPECT_TRUE(b.lines_after(0).empty());
  for (int i = 1; i <= 5; ++i) b.append(Level::kInfo, "app", fmt::format("line {}", i));
  EXPECT_EQ(b.last_seq(), 5u);
  EXPECT_EQ(seqs(b.lines_after(0)), (std::vector<std::uint64_t>{3, 4, 5}));
  EXPECT_EQ(seqs(b.lines_after(3)), (std::vector<std::uint64_t>{4, 5}));
  EXPECT_EQ(seqs(b.lines_after(1)), (std::vector<std::uint64_t>{3, 4, 5})) << "older ones are gone";
  EXPECT_TRUE(b.lines_after(5).empty());
  EXPECT_TRUE(b.lines_after(99).empty());
  EXPECT_EQ(b.lines_after(4).front().msg, "line 5");
}

TEST(LogBuffer, SplitsLinesDropsCarriageReturnsAndBlankLines) {
  LogBuffer b;
  b.append(Level::kWarn, "p2p.yamux", "first\r\n\n  \nsecond\n");
  const auto lines = b.lines_after(0);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].msg, "first");
  EXPECT_EQ(lines[1].msg, "second");
  EXPECT_EQ(lines[1].logger, "p2p.yamux");
  EXPECT_EQ(lines[1].level, Level::kWarn);
  b.append(Level::kInfo, "app", "\n\n");
  EXPECT_EQ(b.last_seq(), 2u);
}

TEST(LogBuffer, CutsVeryLongLinesAtACharacterBoundary) {
  LogBuffer b;
  std::string msg(LogBuffer::kMaxLineBytes - 1, 'a');
  msg += "é and more";
  b.append(Level::kInfo, "app", msg);
  const std::string got = b.lines_after(0).front().msg;
  EXPECT_EQ(got, std::string(LogBuffer::kMaxLineBytes - 1, 'a') + "…");
}

TEST(LogBuffer, JsonHasTheAgreedShape) {
  LogLine l;
  l.seq = 7;
  l.ts = std::chrono::system_clock::time_point{} + std::chrono::seconds(86400) +
         std::chrono::milliseconds(250);
  l.level = Level::kError;
  l.logger = "goop.config";
  l.msg = "say \"hi\"";
  EXPECT_EQ(
      json::parse(to_json(l)),
      json::parse(R"({"seq":7,"ts":"1970-01-02T00:00:00.25Z","level":"error","logger":"goop.config",
                            "msg":"say \"hi\""})"));
}

TEST(LogBuffer, ListenerHearsAppendsFromAnyThreadUntilRemoved) {
  LogBuffer b;
  std::atomic<int> heard{0};
  b.set_listener([&] { ++heard; });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&b, t] {
      for (int i = 0; i < 100; ++i) b.append(Level::kInfo, "app", fmt::format("t{} {}", t, i));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(heard.load(), 400);
  EXPECT_EQ(b.last_seq(), 400u);
  const auto lines = b.lines_after(0);
  for (std::size_t i = 1; i < lines.size(); ++i) ASSERT_EQ(lines[i].seq, lines[i - 1].seq + 1);
  b.set_listener(nullptr);
  b.append(Level::kInfo, "app", "unheard");
  EXPECT_EQ(heard.load(), 400);
}

TEST(LogBuffer, IsFedByTheLogTap) {
  static log::Logger lg("viewer.test.tap");
  LogBuffer b;
  log::set_tap(&LogBuffer::tap, &b);
  GOOP_LOG_INFO(lg, "tapped {}", 42);
  GOOP_LOG_DEBUG(lg, "below the level: not logged at all");
  log::set_tap(nullptr, nullptr);
  GOOP_LOG_INFO(lg, "after the tap was removed");
  const auto lines = b.lines_after(0);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].msg, "tapped 42");
  EXPECT_EQ(lines[0].logger, "viewer.test.tap");
  EXPECT_EQ(lines[0].level, Level::kInfo);
}

}  // namespace
}  // namespace goop::viewer
