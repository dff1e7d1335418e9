#include "base/ascii.hpp"

#include <gtest/gtest.h>

#include <string>

namespace goop {
namespace {

TEST(Ascii, LowerChangesOnlyTheLettersAToZ) {
  EXPECT_EQ(ascii::lower('A'), 'a');
  EXPECT_EQ(ascii::lower('Z'), 'z');
  EXPECT_EQ(ascii::lower('a'), 'a');
  EXPECT_EQ(ascii::lower('@'), '@');  // just below 'A'
  EXPECT_EQ(ascii::lower('['), '[');  // just above 'Z'
  EXPECT_EQ(ascii::lower('0'), '0');
  for (int b = 0x80; b <= 0xff; ++b) {
    const char c = static_cast<char>(b);
    EXPECT_EQ(ascii::lower(c), c) << "byte " << b;
  }
  EXPECT_EQ(ascii::lower("Content-Type: TEXT/Html"), "content-type: text/html");
  // UTF-8 passes through unchanged ("ÄÖ" stays upper case: not ASCII).
  EXPECT_EQ(ascii::lower("\xc3\x84\xc3\x96X"), "\xc3\x84\xc3\x96x");
  EXPECT_EQ(ascii::lower(""), "");
}

TEST(Ascii, IequalsComparesWholeStringsIgnoringCase) {
  EXPECT_TRUE(ascii::iequals("Basic", "bASIC"));
  EXPECT_TRUE(ascii::iequals("", ""));
  EXPECT_FALSE(ascii::iequals("basic", "basics"));
  EXPECT_FALSE(ascii::iequals("basic", "basid"));
  EXPECT_FALSE(ascii::iequals("[", "{"));  // 0x5B and 0x7B differ only in bit 5: not letters
  EXPECT_FALSE(ascii::iequals("@", "`"));
  static_assert(ascii::iequals("GOOP", "goop"));
}

TEST(Ascii, StartsWithCi) {
  EXPECT_TRUE(ascii::starts_with_ci("<!DOCTYPE html>", "<!doctype"));
  EXPECT_TRUE(ascii::starts_with_ci("abc", ""));
  EXPECT_TRUE(ascii::starts_with_ci("ABC", "abc"));
  EXPECT_FALSE(ascii::starts_with_ci("ab", "abc"));
  EXPECT_FALSE(ascii::starts_with_ci("xabc", "abc"));
}

TEST(Ascii, TrimRemovesTheSixWhitespaceBytesAtBothEnds) {
  EXPECT_EQ(ascii::trim(" \t\r\n\v\fa b\f\v\n\r\t "), "a b");
  EXPECT_EQ(ascii::trim("a"), "a");
  EXPECT_EQ(ascii::trim(""), "");
  EXPECT_EQ(ascii::trim(" \t \r\n"), "");
  EXPECT_EQ(ascii::trim(std::string_view("\0x\0", 3)), std::string_view("\0x\0", 3));
  // A view into the argument, not a copy.
  const std::string_view s = "  mid  ";
  EXPECT_EQ(ascii::trim(s).data(), s.data() + 2);
  for (int b = 0; b <= 0xff; ++b) {
    const char c = static_cast<char>(b);
    const bool space = c == ' ' || (b >= 0x09 && b <= 0x0d);
    EXPECT_EQ(ascii::is_space(c), space) << "byte " << b;
  }
}

}  // namespace
}  // namespace goop
