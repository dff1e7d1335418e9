#include "p2p/errors.hpp"
#include "p2p/multiformats/multibase.hpp"
#include "p2p/multiformats/multihash.hpp"
#include "p2p/multiformats/varint.hpp"

#include <gtest/gtest.h>

namespace goop::p2p {
namespace {

TEST(Varint, RoundTripsBoundaries) {
  for (std::uint64_t v :
       {0ull, 1ull, 127ull, 128ull, 300ull, 16383ull, 16384ull, (1ull << 63) - 1}) {
    Bytes b;
    append_uvarint(b, v);
    EXPECT_EQ(b.size(), uvarint_size(v));
    auto d = decode_uvarint(b);
    ASSERT_TRUE(d.has_value()) << v;
    EXPECT_EQ(d->value, v);
    EXPECT_EQ(d->size, b.size());
  }
}

TEST(Varint, SpecExamples) {
  // From the unsigned-varint spec.
  EXPECT_EQ(decode_uvarint(Bytes{0x01})->value, 1u);
  EXPECT_EQ(decode_uvarint(Bytes{0x7f})->value, 127u);
  EXPECT_EQ(decode_uvarint(Bytes{0x80, 0x01})->value, 128u);
  EXPECT_EQ(decode_uvarint(Bytes{0xff, 0x01})->value, 255u);
  EXPECT_EQ(decode_uvarint(Bytes{0xac, 0x02})->value, 300u);
  EXPECT_EQ(decode_uvarint(Bytes{0x80, 0x80, 0x01})->value, 16384u);
}

TEST(Varint, RejectsTruncatedOverlongAndNonMinimal) {
  EXPECT_EQ(decode_uvarint(Bytes{}).error(), make_error_code(Errc::kTruncated));
  EXPECT_EQ(decode_uvarint(Bytes{0x80}).error(), make_error_code(Errc::kTruncated));
  EXPECT_EQ(decode_uvarint(Bytes{0x81, 0x00}).error(), make_error_code(Errc::kInvalidEncoding));
  Bytes ten(10, 0xff);
  EXPECT_EQ(decode_uvarint(ten).error(), make_error_code(Errc::kInvalidEncoding));
  Bytes nine(9, 0xff);
  EXPECT_EQ(decode_uvarint(nine).error(), make_error_code(Errc::kInvalidEncoding));
}

TEST(Multibase, Base58KnownVectors) {
  EXPECT_EQ(base58btc_encode(as_bytes("hello world")), "StV1DL6CwTryKyV");
  EXPECT_EQ(base58btc_encode(Bytes{0, 0, 1}), "112");
  EXPECT_EQ(*base58btc_decode("112"), (Bytes{0, 0, 1}));
  EXPECT_EQ(as_chars(*base58btc_decode("StV1DL6CwTryKyV")), "hello world");
  EXPECT_TRUE(base58btc_decode("0OIl").has_error());
}

TEST(Multibase, Base32Rfc4648Vectors) {
  // RFC 4648 §10, lower case without padding.
  EXPECT_EQ(base32_encode(as_bytes("")), "");
  EXPECT_EQ(base32_encode(as_bytes("f")), "my");
  EXPECT_EQ(base32_encode(as_bytes("fo")), "mzxq");
  EXPECT_EQ(base32_encode(as_bytes("foo")), "mzxw6");
  EXPECT_EQ(base32_encode(as_bytes("foob")), "mzxw6yq");
  EXPECT_EQ(base32_encode(as_bytes("fooba")), "mzxw6ytb");
  EXPECT_EQ(base32_encode(as_bytes("foobar")), "mzxw6ytboi");
  EXPECT_EQ(as_chars(*base32_decode("MZXW6YTBOI")), "foobar");
  EXPECT_TRUE(base32_decode("mzxw6ytboi=").has_error());
  EXPECT_TRUE(base32_decode("mz1").has_error());
  EXPECT_TRUE(base32_decode("mz").has_error());  // non-zero padding bits
}

TEST(Multibase, Base36MultibaseSpecVector) {
  // multibase spec test vector: "Decentralize everything!!!"
  EXPECT_EQ(multibase_encode(Multibase::kBase36, as_bytes("Decentralize everything!!!")),
            "km552ng4dabi4neu1oo8l4i5mndwmpc3mkukwtxy9");
  auto d = multibase_decode("KM552NG4DABI4NEU1OO8L4I5MNDWMPC3MKUKWTXY9");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(as_chars(d->bytes), "Decentralize everything!!!");
}

TEST(Multibase, RejectsUnknownPrefixAndOversizedInput) {
  EXPECT_EQ(multibase_decode("").error(), make_error_code(Errc::kInvalidEncoding));
  EXPECT_EQ(multibase_decode("fabcdef").error(), make_error_code(Errc::kInvalidEncoding));
  EXPECT_EQ(multibase_decode("z" + std::string(kMaxMultibaseText + 1, '2')).error(),
            make_error_code(goop::Errc::kTooLarge));
}

TEST(Multihash, Sha256OfEmptyAndDecodeChecks) {
  const Bytes mh = multihash_sha256(Bytes{});
  EXPECT_EQ(to_hex(mh), "1220e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  auto d = multihash_decode(mh);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->code, kMultihashSha256);
  Bytes trailing = mh;
  trailing.push_back(0);
  EXPECT_TRUE(multihash_decode(trailing).has_error());
  Bytes short_mh(mh.begin(), mh.end() - 1);
  EXPECT_EQ(multihash_decode(short_mh).error(), make_error_code(Errc::kTruncated));
  EXPECT_EQ(multihash_decode(Bytes{0x11, 0x01, 0x00}).error(),
            make_error_code(Errc::kUnknownProtocolCode));
  EXPECT_EQ(multihash_decode(Bytes{0x12, 0x01, 0x00}).error(),
            make_error_code(Errc::kInvalidEncoding));
}

}  // namespace
}  // namespace goop::p2p
