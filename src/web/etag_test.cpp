#include "web/etag.hpp"

#include <gtest/gtest.h>

namespace goop::web {
namespace {

TEST(Etag, MatchingIsWeakAndListAware) {
  EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"abc\"", "W/\"abc\""));
  EXPECT_TRUE(etag_matches("W/\"abc\"", "W/\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\" , \"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\",W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches(" ,\t\"abc\" , ,", "\"abc\""));
  EXPECT_FALSE(etag_matches("", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"ab\", \"c\"", "\"abc\""));
  EXPECT_FALSE(etag_matches(" , ", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"ABC\"", "\"abc\""));  // opaque tags compare byte for byte
  EXPECT_FALSE(etag_matches("\"abc\"", ""));
}

TEST(Etag, StarMatchesAnyTagOnlyAsTheWholeField) {
  EXPECT_TRUE(etag_matches("*", "\"abc\""));
  EXPECT_TRUE(etag_matches(" * ", "W/\"abc\""));
  // "*" is not an entity tag: inside a list it is a malformed member, skipped.
  EXPECT_FALSE(etag_matches("\"x\", *", "\"abc\""));
  EXPECT_TRUE(etag_matches("*, \"abc\"", "\"abc\""));
}

TEST(Etag, QuotedCommasDoNotSplitATag) {
  EXPECT_TRUE(etag_matches("\"x\", \"a,b\"", "\"a,b\""));
  EXPECT_FALSE(etag_matches("\"a,b\"", "\"a\""));
  EXPECT_FALSE(etag_matches("\"a,b\"", "\"b\""));
}

TEST(Etag, MalformedMembersAreSkipped) {
  EXPECT_FALSE(etag_matches("abc", "\"abc\""));       // unquoted
  EXPECT_FALSE(etag_matches("\"abc", "\"abc\""));     // unterminated
  EXPECT_FALSE(etag_matches("\"abc\"x", "\"abc\""));  // junk after the tag
  EXPECT_FALSE(etag_matches("W/abc", "\"abc\""));     // weak prefix without quotes
  EXPECT_TRUE(etag_matches("abc, \"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\"y, \"abc\"", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"", "\"\""));
  EXPECT_TRUE(etag_matches("\"\"", "\"\""));  // the empty opaque tag is a tag
}

TEST(Etag, NotModifiedAnswers304WithTheTag) {
  Response r;
  r.set_header("Cache-Control", "no-cache");
  ASSERT_TRUE(not_modified(r, "W/\"abc\"", "\"abc\""));
  EXPECT_EQ(r.status, 304);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.headers.at("ETag"), "\"abc\"");
  EXPECT_EQ(r.headers.at("Cache-Control"), "no-cache");  // headers set before are kept
}

TEST(Etag, NotModifiedLeavesAFreshResponseToTheHandler) {
  Response r;
  r.status = 200;
  EXPECT_FALSE(not_modified(r, "\"old\"", "\"new\""));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.at("ETag"), "\"new\"");
  Response untagged;
  EXPECT_FALSE(not_modified(untagged, "*", ""));  // no tag: nothing to revalidate
  EXPECT_EQ(untagged.headers.count("ETag"), 0u);
  EXPECT_EQ(untagged.status, 200);
}

}  // namespace
}  // namespace goop::web
