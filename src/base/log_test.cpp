#include "base/log.hpp"

#include <gtest/gtest.h>

namespace goop::log {
namespace {

TEST(Log, PerModuleLevelsUseLongestPrefix) {
  static Logger yamux("test.p2p.yamux");
  static Logger noise("test.p2p.noise");
  static Logger other("test.other");
  ASSERT_TRUE(configure("warn,test.p2p=debug,test.p2p.yamux=trace").has_value());
  EXPECT_TRUE(yamux.enabled(Level::kTrace));
  EXPECT_TRUE(noise.enabled(Level::kDebug));
  EXPECT_FALSE(noise.enabled(Level::kTrace));
  EXPECT_FALSE(other.enabled(Level::kInfo));
  EXPECT_TRUE(other.enabled(Level::kWarn));
  ASSERT_TRUE(configure("info").has_value());
  EXPECT_FALSE(yamux.enabled(Level::kDebug));
}

TEST(Log, PrefixMatchesWholeNameSegmentsOnly) {
  static Logger l("test.p2px");
  ASSERT_TRUE(configure("info,test.p2p=trace").has_value());
  EXPECT_FALSE(l.enabled(Level::kDebug));
  ASSERT_TRUE(configure("info").has_value());
}

TEST(Log, BadSpecIsRejectedWithMessageAndChangesNothing) {
  static Logger l("test.keep");
  ASSERT_TRUE(configure("debug").has_value());
  auto r = configure("info,test.keep=loud");
  ASSERT_TRUE(r.has_error());
  EXPECT_NE(r.error().message.find("\"loud\""), std::string::npos);
  EXPECT_TRUE(l.enabled(Level::kDebug));
  ASSERT_TRUE(configure("info").has_value());
}

TEST(Log, ArgumentsAreNotEvaluatedBelowLevel) {
  static Logger l("test.lazy");
  ASSERT_TRUE(configure("info").has_value());
  int evaluated = 0;
  auto costly = [&] { return ++evaluated; };
  GOOP_LOG_DEBUG(l, "value {}", costly());
  EXPECT_EQ(evaluated, 0);
}

}  // namespace
}  // namespace goop::log
