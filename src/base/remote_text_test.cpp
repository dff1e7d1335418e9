#include "base/remote_text.hpp"

#include <gtest/gtest.h>

namespace goop {
namespace {

TEST(RemoteText, FindsControlCharacters) {
  EXPECT_FALSE(has_control_chars("text/html; charset=utf-8"));
  EXPECT_TRUE(has_control_chars(std::string_view("a\0b", 3)));
  EXPECT_TRUE(has_control_chars("a\x7f"));
  EXPECT_TRUE(has_control_chars("line\n"));
}

TEST(RemoteText, EscapesWhatIsNotPrintableAscii) {
  EXPECT_EQ(escape_remote_text("say \"hi\"\\\n\r\t\x01\xc3"),
            "say \\\"hi\\\"\\\\\\n\\r\\t\\x01\\xc3");
}

TEST(RemoteText, KeepsAtMostMaxCharsAndMarksTheCut) {
  EXPECT_EQ(escape_remote_text("abcdef", 3), "abc...");
  EXPECT_EQ(escape_remote_text("abc", 3), "abc");
}

}  // namespace
}  // namespace goop
