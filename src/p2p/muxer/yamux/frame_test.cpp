#include "p2p/muxer/yamux/frame.hpp"

#include "p2p/errors.hpp"

#include <gtest/gtest.h>

namespace goop::p2p::yamux {
namespace {

TEST(YamuxFrame, EncodesBigEndianHeader) {
  const Header h{FrameType::kWindowUpdate, Flag::kSyn | Flag::kAck, 0x01020304, 0x00040000};
  const auto e = encode_header(h);
  EXPECT_EQ(to_hex(e), "000100030102030400040000");
  auto d = decode_header(e);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, h);
}

TEST(YamuxFrame, RoundTripsEveryType) {
  for (auto [t, id] : {std::pair{FrameType::kData, 7u},
                       {FrameType::kWindowUpdate, 8u},
                       {FrameType::kPing, 0u},
                       {FrameType::kGoAway, 0u}}) {
    const Header h{t, Flag::kFin, id, 0xffffffffu};
    auto d = decode_header(encode_header(h));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(*d, h);
  }
}

TEST(YamuxFrame, RejectsMalformedHeaders) {
  const auto pv = make_error_code(Errc::kProtocolViolation);
  auto bad = [](std::string_view hex) { return decode_header(*from_hex(hex)); };
  EXPECT_EQ(bad("0000000000000001000000").error(), make_error_code(Errc::kTruncated));
  EXPECT_EQ(bad("010000000000000100000000").error(), pv);  // version 1
  EXPECT_EQ(bad("000400000000000100000000").error(), pv);  // type 4
  EXPECT_EQ(bad("000000000000000000000005").error(), pv);  // data on stream 0
  EXPECT_EQ(bad("000100010000000000000000").error(), pv);  // window update on stream 0
  EXPECT_EQ(bad("000200010000000300000000").error(), pv);  // ping on stream 3
  EXPECT_EQ(bad("000300000000000100000000").error(), pv);  // go away on stream 1
}

TEST(YamuxFrame, IgnoresUnknownFlagBits) {
  auto d = decode_header(*from_hex("0000ff0100000001000000ff"));
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->has(Flag::kSyn));
  EXPECT_EQ(d->length, 255u);
}

}  // namespace
}  // namespace goop::p2p::yamux
