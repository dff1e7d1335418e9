#include "goop/crypto/nacl_box.hpp"

#include "base/bytes.hpp"
#include "base/errors.hpp"
#include "goop/crypto/errors.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <string>
#include <thread>
#include <vector>

namespace goop::crypto {
namespace {

constexpr std::size_t kCap = 1 << 20;

template <std::size_t N>
std::array<std::uint8_t, N> counting(std::uint8_t first) {
  std::array<std::uint8_t, N> a{};
  for (std::size_t i = 0; i < N; ++i) a[i] = static_cast<std::uint8_t>(first + i);
  return a;
}

// Standard base64 decoding done here, apart from the code under test.
Bytes decode_b64(std::string_view b64) {
  Bytes out(b64.size());
  std::size_t len = 0;
  EXPECT_EQ(sodium_base642bin(out.data(), out.size(), b64.data(), b64.size(), nullptr, &len,
                              nullptr, sodium_base64_VARIANT_ORIGINAL),
            0);
  out.resize(len);
  return out;
}

// The fixed vector: alice's secret key is 01 02 .. 20, bob's is 80 81 .. 9f, the nonce 40 41 ..
// 57. The expected bytes were computed independently with tweetnacl-js 1.0.3
// (nacl.scalarMult.base, nacl.box), not with libsodium.
const NaclPrivateKey kAlice(counting<32>(0x01));
const NaclPrivateKey kBob(counting<32>(0x80));
const auto kNonce = counting<24>(0x40);
constexpr std::string_view kAlicePublicHex =
    "07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c";
constexpr std::string_view kBobPublicHex =
    "493e82fc74464a59268817623d2053c5eb8e2cc4a988b4fee179ec6b010d531d";
constexpr std::string_view kAlicePublicB64 = "B6N8vBQgk8i3VdwbEOhstCY3StFqqFPtC9/AsrhtHHw=";
constexpr std::string_view kAlicePrivateB64 = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
// nacl.box("GET /index.html", nonce, bobPk, aliceSk): MAC(16) || ciphertext(15).
constexpr std::string_view kBoxHex =
    "8f5bcf9c5b76cad8931c9bc8b3c5322396d8d5c593844492b5711418f25f53";
// base64(nonce || box), as a Go peer sends it after "ENC:".
constexpr std::string_view kSealedB64 =
    "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXj1vPnFt2ytiTHJvIs8UyI5bY1cWThESStXEUGPJfUw==";
// nacl.box("", nonce, bobPk, aliceSk): the MAC alone.
constexpr std::string_view kEmptyBoxHex = "3a5f7468353e9fba4ab6c29aa756001c";

TEST(NaclBox, PublicKeysMatchAnIndependentImplementation) {
  EXPECT_EQ(to_hex(kAlice.public_key().bytes()), kAlicePublicHex);
  EXPECT_EQ(to_hex(kBob.public_key().bytes()), kBobPublicHex);
  EXPECT_EQ(kAlice.public_key().to_base64(), kAlicePublicB64);
  EXPECT_EQ(kAlice.to_base64(), kAlicePrivateB64);
}

TEST(NaclBox, LibsodiumCryptoBoxEasyMatchesTweetnaclByteForByte) {
  // crypto_box_easy itself, called directly on the fixed vector.
  const std::string_view m = "GET /index.html";
  Bytes box(crypto_box_MACBYTES + m.size());
  ASSERT_EQ(crypto_box_easy(box.data(), as_bytes(m).data(), m.size(), kNonce.data(),
                            kBob.public_key().bytes().data(), kAlice.bytes().data()),
            0);
  EXPECT_EQ(to_hex(box), kBoxHex);
}

TEST(NaclBox, SealWithFixedNonceIsNonceThenBoxInBase64) {
  auto sealed = seal_with_nonce(kBob.public_key(), kAlice, as_bytes("GET /index.html"), kNonce);
  ASSERT_TRUE(sealed) << sealed.error().message;
  EXPECT_EQ(*sealed, kSealedB64);
  EXPECT_EQ(to_hex(decode_b64(*sealed)), to_hex(kNonce) + std::string(kBoxHex));
  EXPECT_EQ(sealed->size(), sealed_text_size(15));
}

TEST(NaclBox, OpensTheIndependentlyComputedVector) {
  auto opened = open(kAlice.public_key(), kBob, kSealedB64, kCap);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(as_chars(*opened), "GET /index.html");
}

TEST(NaclBox, EmptyPlaintextIsTheMacAlone) {
  auto sealed = seal_with_nonce(kBob.public_key(), kAlice, BytesView{}, kNonce);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->size(), sealed_text_size(0));
  EXPECT_EQ(to_hex(decode_b64(*sealed)), to_hex(kNonce) + std::string(kEmptyBoxHex));
  auto opened = open(kAlice.public_key(), kBob, *sealed, kCap);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_TRUE(opened->empty());
}

TEST(NaclBox, RoundTripWithRandomNoncesAndKeys) {
  const auto a = generate_key_pair();
  const auto b = generate_key_pair();
  std::string text(100000, '\0');
  for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>(i * 7);
  auto s1 = seal(b.public_key, a.private_key, as_bytes(text));
  auto s2 = seal(b.public_key, a.private_key, as_bytes(text));
  ASSERT_TRUE(s1 && s2);
  EXPECT_NE(*s1, *s2);  // a fresh nonce each time
  EXPECT_EQ(s1->size(), sealed_text_size(text.size()));
  auto opened = open(a.public_key, b.private_key, *s1, kCap);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(as_chars(*opened), text);
  // The box is symmetric in the Diffie-Hellman sense: a can open what it sealed for b, too.
  EXPECT_TRUE(open(b.public_key, a.private_key, *s2, kCap));
}

TEST(NaclBox, WrongKeyFailsClearly) {
  const auto a = generate_key_pair();
  const auto b = generate_key_pair();
  const auto c = generate_key_pair();
  auto sealed = seal(b.public_key, a.private_key, as_bytes("secret"));
  ASSERT_TRUE(sealed);
  auto opened = open(c.public_key, b.private_key, *sealed, kCap);  // the wrong sender key
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, make_error_code(Errc::kDecryptFailed));
  EXPECT_EQ(opened.error().message, "sealed message does not open: wrong key or tampered");
  EXPECT_FALSE(open(a.public_key, c.private_key, *sealed, kCap));  // not the recipient
}

TEST(NaclBox, EveryTamperedByteFails) {
  auto sealed = seal_with_nonce(kBob.public_key(), kAlice, as_bytes("GET /index.html"), kNonce);
  ASSERT_TRUE(sealed);
  Bytes raw = decode_b64(*sealed);
  for (std::size_t i = 0; i < raw.size(); ++i) {  // nonce, MAC and ciphertext alike
    Bytes bad = raw;
    bad[i] ^= 0x01;
    std::string enc(sodium_base64_ENCODED_LEN(bad.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(enc.data(), enc.size(), bad.data(), bad.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    enc.pop_back();
    auto opened = open(kAlice.public_key(), kBob, enc, kCap);
    ASSERT_FALSE(opened) << "byte " << i;
    EXPECT_EQ(opened.error().code, make_error_code(Errc::kDecryptFailed));
  }
}

TEST(NaclBox, ShortInputFailsWithItsLength) {
  // 10 bytes of base64: "AAAAAAAAAAAAAA==".
  auto opened = open(kAlice.public_key(), kBob, "AAAAAAAAAAAAAA==", kCap);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, make_error_code(Errc::kMalformed));
  EXPECT_EQ(opened.error().message, "sealed message too short: 10 bytes, need at least 40");
  auto empty = open(kAlice.public_key(), kBob, "", kCap);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "sealed message too short: 0 bytes, need at least 40");
  // 39 bytes: one short of a nonce and a MAC.
  std::string b64(sodium_base64_ENCODED_LEN(39, sodium_base64_VARIANT_ORIGINAL), '\0');
  const Bytes zeros(39);
  sodium_bin2base64(b64.data(), b64.size(), zeros.data(), zeros.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  b64.pop_back();
  EXPECT_EQ(open(kAlice.public_key(), kBob, b64, kCap).error().code,
            make_error_code(Errc::kMalformed));
}

TEST(NaclBox, NotBase64FailsAsMalformed) {
  for (std::string_view bad : {"not base64!", "QEFC QEFC", "QEFCQ", "QEFCQ0RF\n",
                               "QEFCQ0R=", "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZX-1vP_Ft2"}) {
    auto opened = open(kAlice.public_key(), kBob, bad, kCap);
    ASSERT_FALSE(opened) << bad;
    EXPECT_EQ(opened.error().code, make_error_code(Errc::kMalformed)) << bad;
  }
  // Unpadded text (which Go's StdEncoding refuses too).
  std::string unpadded(kSealedB64);
  unpadded.resize(unpadded.size() - 2);
  EXPECT_EQ(open(kAlice.public_key(), kBob, unpadded, kCap).error().code,
            make_error_code(Errc::kMalformed));
}

TEST(NaclBox, OversizeInputIsRefusedBeforeDecoding) {
  // Not even base64: the cap is checked first.
  const std::string big(1001, '!');
  auto opened = open(kAlice.public_key(), kBob, big, 1000);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, make_error_code(goop::Errc::kTooLarge));
  EXPECT_EQ(opened.error().message, "sealed message too large: 1001 characters, the limit is 1000");
  // At the cap exactly, it opens.
  EXPECT_TRUE(open(kAlice.public_key(), kBob, kSealedB64, kSealedB64.size()));
}

TEST(NaclBox, KeysParseFromBase64Of32BytesOnly) {
  EXPECT_TRUE(NaclPublicKey::from_base64(kAlicePublicB64));
  struct Bad {
    std::string_view text, message;
  };
  for (const Bad& b : {
           Bad{"", "p2p.nacl_public_key is empty"},
           Bad{"abc",
               "p2p.nacl_public_key is not standard base64 (A-Z a-z 0-9 + / with = "
               "padding)"},
           Bad{"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
               "p2p.nacl_public_key decodes to 31 bytes; a NaCl key is 32 bytes"},
           Bad{"B6N8vBQgk8i3VdwbEOhstCY3StFqqFPtC9_AsrhtHHw=",
               "p2p.nacl_public_key is not standard base64 (A-Z a-z 0-9 + / with = padding)"},
       }) {
    auto k = NaclPublicKey::from_base64(b.text, "p2p.nacl_public_key");
    ASSERT_FALSE(k) << b.text;
    EXPECT_EQ(k.error().code, make_error_code(Errc::kBadKey));
    EXPECT_EQ(k.error().message, b.message);
  }
  auto long_key = NaclPrivateKey::from_base64(std::string(100, 'A'), "p2p.nacl_private_key");
  ASSERT_FALSE(long_key);
  EXPECT_EQ(long_key.error().message,
            "p2p.nacl_private_key is 100 characters long; a NaCl key is 44 characters of base64 "
            "(32 bytes)");
}

TEST(NaclBox, KeyPairFromConfigChecksThatTheKeysBelongTogether) {
  auto pair = key_pair_from_config(kAlicePublicB64, kAlicePrivateB64);
  ASSERT_TRUE(pair) << pair.error().message;
  EXPECT_EQ(pair->public_key, kAlice.public_key());

  auto mismatched = key_pair_from_config(kBob.public_key().to_base64(), kAlicePrivateB64);
  ASSERT_FALSE(mismatched);
  EXPECT_EQ(mismatched.error().code, make_error_code(Errc::kBadKey));
  EXPECT_EQ(mismatched.error().message,
            "p2p.nacl_public_key is not the public key of p2p.nacl_private_key (peers would seal "
            "messages this peer cannot open); fix it, or empty both p2p.nacl_public_key and "
            "p2p.nacl_private_key to generate a new key pair");

  auto bad_private = key_pair_from_config(kAlicePublicB64, "c2VjcmV0");
  ASSERT_FALSE(bad_private);
  EXPECT_EQ(bad_private.error().message,
            "p2p.nacl_private_key decodes to 6 bytes; a NaCl key is 32 bytes; fix it, or empty "
            "both p2p.nacl_public_key and p2p.nacl_private_key to generate a new key pair");
  EXPECT_EQ(bad_private.error().message.find("c2VjcmV0"), std::string::npos);
}

TEST(NaclBox, GeneratedPairsAreConsistent) {
  const auto p = generate_key_pair();
  EXPECT_EQ(p.private_key.public_key(), p.public_key);
  auto back = key_pair_from_config(p.public_key.to_base64(), p.private_key.to_base64());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->public_key, p.public_key);
}

TEST(NaclBox, SealingToALowOrderKeyFails) {
  const NaclPublicKey zero(NaclPublicKey::Raw{});
  auto sealed = seal(zero, kAlice, as_bytes("x"));
  ASSERT_FALSE(sealed);
  EXPECT_EQ(sealed.error().code, make_error_code(Errc::kBadKey));
}

TEST(NaclBox, ConcurrentFirstUseIsSafe) {
  // ensure_sodium() from many threads at once (run under TSan/ASan in the asan preset).
  std::vector<std::thread> threads;
  std::vector<int> ok(8, 0);
  for (std::size_t i = 0; i < 8; ++i) {
    threads.emplace_back([&ok, i] {
      const auto a = generate_key_pair();
      auto s = seal(a.public_key, a.private_key, as_bytes("hi"));
      ok[i] = s && open(a.public_key, a.private_key, *s, kCap) ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  for (int v : ok) EXPECT_EQ(v, 1);
}

}  // namespace
}  // namespace goop::crypto
