#include "p2p/negotiation/codec.hpp"

#include "p2p/errors.hpp"

#include <gtest/gtest.h>

namespace goop::p2p::multistream {
namespace {

TEST(MultistreamCodec, GoldenMessages) {
  EXPECT_EQ(to_hex(encode_message(kNa)), "036e610a");
  EXPECT_EQ(to_hex(encode_message(kLs)), "036c730a");
  // 0x13 = 19 = len("/multistream/1.0.0\n").
  EXPECT_EQ(to_hex(encode_message(kProtocolId)), "13" + to_hex(as_bytes("/multistream/1.0.0\n")));
  EXPECT_EQ(to_hex(encode_message("/noise")), "072f6e6f6973650a");
  // A 1023-byte name needs a two-byte length (1024 = 0x80 0x08).
  const std::string longest(kMaxProtocolLength, 'p');
  const auto framed = encode_message(longest);
  ASSERT_EQ(framed.size(), 2 + kMaxMessageSize);
  EXPECT_EQ(framed[0], 0x80);
  EXPECT_EQ(framed[1], 0x08);
}

TEST(MultistreamCodec, LsResponseFramingMatchesJs) {
  // js handle.js: lp.write([encode.single("/a\n"), encode.single("/bc\n"), "\n"]).
  EXPECT_EQ(to_hex(encode_ls_response({"/a", "/bc"})), "0a032f610a042f62630a0a");
  EXPECT_EQ(to_hex(encode_ls_response({})), "010a");
  auto msg = decode_message(encode_ls_response({"/a", "/bc"}), kMaxLsResponseSize);
  ASSERT_TRUE(msg.has_value());
  auto list = decode_ls_response(msg->text);
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(*list, (std::vector<std::string>{"/a", "/bc"}));
  EXPECT_EQ(decode_ls_response("\x03/a").error(), make_error_code(Errc::kInvalidEncoding));
  EXPECT_EQ(decode_ls_response("\x03/ab").error(), make_error_code(Errc::kInvalidEncoding));
}

TEST(MultistreamCodec, DecodeReportsTruncationSizeAndMissingNewline) {
  const Bytes two = [] {
    Bytes b;
    append_message(b, kProtocolId);
    append_message(b, "/yamux/1.0.0");
    return b;
  }();
  auto first = decode_message(two);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->text, kProtocolId);
  EXPECT_EQ(first->size, 20u);
  auto second = decode_message(BytesView(two).subspan(first->size));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->text, "/yamux/1.0.0");

  EXPECT_EQ(decode_message(BytesView(two).first(10)).error(), make_error_code(Errc::kTruncated));
  EXPECT_EQ(decode_message(*from_hex("80")).error(), make_error_code(Errc::kTruncated));
  EXPECT_EQ(decode_message(*from_hex("036e6161")).error(), make_error_code(Errc::kInvalidEncoding));
  EXPECT_EQ(decode_message(*from_hex("00")).error(), make_error_code(Errc::kInvalidEncoding));
  EXPECT_EQ(decode_message(*from_hex("8108")).error(),
            make_error_code(goop::Errc::kTooLarge));  // 1025
}

TEST(MultistreamCodec, ProtocolNameRules) {
  EXPECT_TRUE(is_valid_protocol_name("/ipfs/ping/1.0.0"));
  EXPECT_TRUE(is_valid_protocol_name(std::string(kMaxProtocolLength, 'x')));
  EXPECT_FALSE(is_valid_protocol_name(std::string(kMaxProtocolLength + 1, 'x')));
  EXPECT_FALSE(is_valid_protocol_name(""));
  EXPECT_FALSE(is_valid_protocol_name("na"));
  EXPECT_FALSE(is_valid_protocol_name("ls"));
  EXPECT_FALSE(is_valid_protocol_name(kProtocolId));
  EXPECT_FALSE(is_valid_protocol_name("/a\n/b"));
}

}  // namespace
}  // namespace goop::p2p::multistream
