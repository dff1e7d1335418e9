#include "rendezvous/rate_limit.hpp"

#include <gtest/gtest.h>

namespace goop::rendezvous {
namespace {

TEST(SlidingWindow, AllowsMaxPerWindowThenSlides) {
  ManualClock clock;
  SlidingWindow w(3, std::chrono::seconds(60));
  EXPECT_TRUE(w.allow(clock.now()));
  clock.advance(std::chrono::seconds(10));
  EXPECT_TRUE(w.allow(clock.now()));
  EXPECT_TRUE(w.allow(clock.now()));
  EXPECT_FALSE(w.allow(clock.now()));
  // The first event leaves the window at t=60 s: one more is allowed, not two.
  clock.advance(std::chrono::seconds(50));
  EXPECT_TRUE(w.allow(clock.now()));
  EXPECT_FALSE(w.allow(clock.now()));
  EXPECT_FALSE(w.idle(clock.now()));
  clock.advance(std::chrono::seconds(60));
  EXPECT_TRUE(w.idle(clock.now()));
}

TEST(RateLimiter, KeysAreIndependentAndIdleKeysArePruned) {
  ManualClock clock;
  RateLimiter limiter(clock, 60, std::chrono::seconds(60));
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter.allow("10.0.0.1"));
  EXPECT_FALSE(limiter.allow("10.0.0.1"));
  EXPECT_TRUE(limiter.allow("10.0.0.2"));
  EXPECT_EQ(limiter.size(), 2u);
  clock.advance(std::chrono::seconds(61));
  limiter.prune();
  EXPECT_EQ(limiter.size(), 0u);
  EXPECT_TRUE(limiter.allow("10.0.0.1"));
}

TEST(ConnectionCounter, CapsPerIpAndReleasesOnSlotDestruction) {
  ConnectionCounter c;
  std::vector<ConnectionCounter::Slot> held;
  for (int i = 0; i < 2; ++i) {
    auto s = c.acquire("1.2.3.4", 2);
    ASSERT_TRUE(s);
    held.push_back(std::move(*s));
  }
  EXPECT_FALSE(c.acquire("1.2.3.4", 2));
  EXPECT_TRUE(c.acquire("5.6.7.8", 2));  // released at once (temporary)
  EXPECT_EQ(c.count("5.6.7.8"), 0u);
  held.pop_back();
  EXPECT_EQ(c.count("1.2.3.4"), 1u);
  EXPECT_TRUE(c.acquire("1.2.3.4", 2));
}

}  // namespace
}  // namespace goop::rendezvous
