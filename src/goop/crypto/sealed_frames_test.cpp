#include "goop/crypto/sealed_frames.hpp"

#include "base/bytes.hpp"
#include "base/errors.hpp"
#include "goop/content/codec.hpp"
#include "goop/crypto/errors.hpp"

#include <gtest/gtest.h>

#include <string>

namespace goop::crypto {
namespace {

static_assert(kMaxSealedRequestPlaintext == content::kMaxSiteRequestLine);
static_assert(kMaxSealedRequestLine == 5520);
static_assert(kMinSealedBody == 56);

TEST(SealedFrames, RequestLineRoundTrip) {
  const std::string line = format_sealed_request_line("QUJD");
  EXPECT_EQ(line, "ENC:QUJD\n");
  EXPECT_TRUE(is_sealed_request_line(line));
  auto b64 = parse_sealed_request_line(line);  // the LF is trimmed as whitespace
  ASSERT_TRUE(b64) << b64.error().message;
  EXPECT_EQ(*b64, "QUJD");
  // Go trims the line first, so surrounding whitespace and a CR are accepted.
  EXPECT_EQ(*parse_sealed_request_line("  ENC:QUJD\r"), "QUJD");
}

TEST(SealedFrames, RequestLineRefusals) {
  EXPECT_FALSE(is_sealed_request_line("GET /index.html"));
  EXPECT_FALSE(is_sealed_request_line("enc:QUJD"));  // case-sensitive, as Go
  auto plain = parse_sealed_request_line("GET /index.html");
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().code, make_error_code(Errc::kBadFrame));
  EXPECT_EQ(plain.error().message, "not a sealed request line: \"GET /index.html\"");
  auto empty = parse_sealed_request_line("ENC:");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, make_error_code(Errc::kBadFrame));

  const std::string longest = "ENC:" + std::string(kMaxSealedRequestLine - 4, 'A');
  EXPECT_TRUE(parse_sealed_request_line(longest));
  auto too_long = parse_sealed_request_line(longest + "A");
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, make_error_code(goop::Errc::kTooLarge));
  EXPECT_EQ(too_long.error().message,
            "sealed request line too long: 5521 bytes, the limit is 5520");
}

TEST(SealedFrames, TheLongestRequestFitsTheCap) {
  const auto a = generate_key_pair();
  const std::string request = "GET /" + std::string(kMaxSealedRequestPlaintext - 5, 'x');
  auto sealed = seal(a.public_key, a.private_key, as_bytes(request));
  ASSERT_TRUE(sealed);
  const std::string line = format_sealed_request_line(*sealed);
  EXPECT_EQ(line.size() - 1, kMaxSealedRequestLine);
  auto b64 = parse_sealed_request_line(line);
  ASSERT_TRUE(b64);
  auto opened = open(a.public_key, a.private_key, *b64, kMaxSealedRequestLine);
  ASSERT_TRUE(opened);
  EXPECT_EQ(as_chars(*opened), request);
}

TEST(SealedFrames, SiteResponseRoundTrip) {
  const std::string b64(60, 'A');
  const std::string frame = format_sealed_site_response("text/html; charset=utf-8", b64);
  EXPECT_EQ(frame, "EOK text/html; charset=utf-8 60\n" + b64);
  const auto lf = frame.find('\n');
  auto head = parse_sealed_site_head(std::string_view(frame).substr(0, lf));
  ASSERT_TRUE(head) << head.error().message;
  EXPECT_EQ(head->mime, "text/html; charset=utf-8");
  EXPECT_EQ(head->size, 60u);
  EXPECT_EQ(frame.substr(lf + 1), b64);
}

TEST(SealedFrames, SiteHeadParsesAsGoDoes) {
  auto h = parse_sealed_site_head("  EOK  image/png   +56 \r");
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(h->mime, "image/png");
  EXPECT_EQ(h->size, 56u);
  EXPECT_EQ(parse_sealed_site_head("EOK a 104857600")->size, kMaxSealedSiteBody);
}

TEST(SealedFrames, SiteHeadRefusals) {
  struct Case {
    std::string_view line;
    error_code code;
    std::string_view message;
  };
  const error_code bad = make_error_code(Errc::kBadFrame);
  const error_code big = make_error_code(goop::Errc::kTooLarge);
  for (const Case& c : {
           Case{"OK text/html 56", bad, "bad sealed response: \"OK text/html 56\" (no EOK prefix)"},
           Case{"EOK 56", bad, "bad sealed response: \"EOK 56\" (no MIME type)"},
           Case{"EOK", bad, "bad sealed response: \"EOK\" (no EOK prefix)"},
           Case{"EOK \x01 56", bad, "bad sealed response: \"EOK \\x01 56\" (no usable MIME type)"},
           Case{"EOK text/html abc", bad,
                "bad sealed response: \"EOK text/html abc\" (the size is not a number)"},
           Case{"EOK text/html -4", big, "refusing sealed size -4 (the limit is 104857600 bytes)"},
           Case{"EOK text/html 104857604", big,
                "refusing sealed size 104857604 (the limit is 104857600 bytes)"},
           Case{"EOK text/html 99999999999999999999999", big,
                "refusing sealed size 99999999999999999999999 (the limit is 104857600 bytes)"},
           Case{"EOK text/html 52", bad,
                "bad sealed response: \"EOK text/html 52\" (52 bytes cannot be a sealed body: "
                "that is base64 of a nonce, a MAC and the data, at least 56 characters and a "
                "multiple of 4)"},
           Case{"EOK text/html 57", bad, ""},
       }) {
    auto h = parse_sealed_site_head(c.line);
    ASSERT_FALSE(h) << c.line;
    EXPECT_EQ(h.error().code, c.code) << c.line;
    if (!c.message.empty()) {
      EXPECT_EQ(h.error().message, c.message);
    }
  }
  EXPECT_EQ(parse_sealed_site_head("EOK a 60", 56).error().code, big);
}

TEST(SealedFrames, AvatarRoundTripAndRefusals) {
  const std::string b64(56, 'A');
  const std::string frame = format_sealed_avatar_response(b64);
  EXPECT_EQ(frame, "EOK 56\n" + b64);
  EXPECT_EQ(*parse_sealed_avatar_head("EOK 56"), 56u);
  EXPECT_EQ(*parse_sealed_avatar_head("EOK 2097152"), kMaxSealedAvatarBody);
  EXPECT_EQ(parse_sealed_avatar_head("EOK 2097156").error().code,
            make_error_code(goop::Errc::kTooLarge));
  EXPECT_EQ(parse_sealed_avatar_head("EOK  56").error().code, make_error_code(Errc::kBadFrame));
  EXPECT_EQ(parse_sealed_avatar_head("EOK image/png 56").error().code,
            make_error_code(Errc::kBadFrame));
  EXPECT_EQ(parse_sealed_avatar_head("OK 56").error().code, make_error_code(Errc::kBadFrame));
  EXPECT_EQ(parse_sealed_avatar_head("NONE").error().code, make_error_code(Errc::kBadFrame));
  EXPECT_EQ(parse_sealed_avatar_head("EOK 8").error().code, make_error_code(Errc::kBadFrame));
}

TEST(SealedFrames, LongRemoteLinesAreQuotedShort) {
  const std::string line = "EOK " + std::string(1000, 'x') + " 1";
  auto h = parse_sealed_site_head(line);
  ASSERT_FALSE(h);
  EXPECT_LT(h.error().message.size(), 400u);  // 200 quoted characters and the reason
  EXPECT_NE(h.error().message.find("xxx...\""), std::string::npos);
}

}  // namespace
}  // namespace goop::crypto
