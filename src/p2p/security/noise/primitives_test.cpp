#include "p2p/security/noise/primitives.hpp"

#include "p2p/errors.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace goop::p2p::noise {
namespace {

Bytes hex(std::string_view h) { return from_hex(h).value(); }

template <std::size_t N>
std::array<std::uint8_t, N> arr(std::string_view h) {
  const Bytes b = hex(h);
  std::array<std::uint8_t, N> a{};
  EXPECT_EQ(b.size(), N);
  std::memcpy(a.data(), b.data(), std::min(N, b.size()));
  return a;
}

TEST(NoisePrimitives, Sha256OfAbcInTwoParts) {
  EXPECT_EQ(to_hex(sha256(as_bytes("a"), as_bytes("bc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(NoisePrimitives, HmacSha256Rfc4231Case2) {
  EXPECT_EQ(to_hex(hmac_sha256(as_bytes("Jefe"), as_bytes("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// RFC 5869 A.3 (SHA-256, zero-length salt and info, L = 42). An empty salt is HMAC-equivalent to
// 32 zero bytes, which is how Noise's HKDF receives the chaining key.
TEST(NoisePrimitives, HkdfMatchesRfc5869Case3) {
  const Hash zero_ck{};
  const Bytes ikm(22, 0x0b);
  auto [o1, o2] = hkdf2(zero_ck, ikm);
  Bytes okm(o1.begin(), o1.end());
  okm.insert(okm.end(), o2.begin(), o2.end());
  okm.resize(42);
  EXPECT_EQ(to_hex(okm),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a"
            "96c8");
}

// RFC 7748 §6.1.
TEST(NoisePrimitives, X25519Rfc7748) {
  auto alice = X25519KeyPair::from_private(
      arr<32>("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  auto bob = X25519KeyPair::from_private(
      arr<32>("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  EXPECT_EQ(to_hex(alice.public_key()),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(to_hex(bob.public_key()),
            "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  const std::string shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
  EXPECT_EQ(to_hex(alice.dh(bob.public_key()).value()), shared);
  EXPECT_EQ(to_hex(bob.dh(alice.public_key()).value()), shared);
}

TEST(NoisePrimitives, X25519RefusesLowOrderPoint) {
  auto kp = X25519KeyPair::generate();
  const DhPublic zero{};
  EXPECT_EQ(kp.dh(zero).error(), make_error_code(Errc::kInvalidKey));
}

// RFC 8439 §2.8.2 AEAD test vector.
struct Rfc8439 {
  Key key = arr<32>("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
  Nonce nonce = arr<12>("070000004041424344454647");
  Bytes ad = hex("50515253c0c1c2c3c4c5c6c7");
  std::string_view plaintext =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
      "future, sunscreen would be it.";
  std::string ciphertext =
      "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da"
      "92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585"
      "808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116";
  std::string tag = "1ae10b594f09e26a7e902ecbd0600691";
};

TEST(NoisePrimitives, ChaChaPolySealAndOpenRfc8439) {
  Rfc8439 v;
  ChaChaPoly aead(v.key);
  Bytes out(v.plaintext.size() + kTagLen);
  aead.seal(v.nonce, v.ad, as_bytes(v.plaintext), out.data());
  EXPECT_EQ(to_hex(out), v.ciphertext + v.tag);

  // The same context opens it (direction switch without re-keying), in place.
  ASSERT_TRUE(aead.open(v.nonce, v.ad, out, out.data()));
  EXPECT_EQ(as_chars(BytesView(out).first(v.plaintext.size())), v.plaintext);
}

TEST(NoisePrimitives, ChaChaPolyReusedContextAndTamperDetection) {
  Rfc8439 v;
  ChaChaPoly aead(v.key);
  // Many messages on one context, then the RFC vector still matches: only the nonce changes.
  for (std::uint8_t i = 0; i < 10; ++i) {
    Nonce n{};
    n[4] = i;
    Bytes msg(100 + i, i);
    Bytes sealed(msg.size() + kTagLen);
    aead.seal(n, {}, msg, sealed.data());
    Bytes opened(msg.size());
    ASSERT_TRUE(aead.open(n, {}, sealed, opened.data()));
    EXPECT_EQ(opened, msg);
    sealed[i] ^= 0x01;
    EXPECT_FALSE(aead.open(n, {}, sealed, opened.data()));
  }
  Bytes out(v.plaintext.size() + kTagLen);
  aead.seal(v.nonce, v.ad, as_bytes(v.plaintext), out.data());
  EXPECT_EQ(to_hex(out), v.ciphertext + v.tag);

  Bytes plain(v.plaintext.size());
  Nonce other = v.nonce;
  other[11] ^= 1;
  EXPECT_FALSE(aead.open(other, v.ad, out, plain.data()));  // wrong nonce
  EXPECT_FALSE(aead.open(v.nonce, {}, out, plain.data()));  // wrong associated data
  EXPECT_FALSE(aead.open(v.nonce, v.ad, BytesView(out).first(kTagLen - 1), plain.data()));
  EXPECT_TRUE(aead.open(v.nonce, v.ad, out, plain.data()));
}

TEST(NoisePrimitives, ChaChaPolyEmptyPlaintext) {
  ChaChaPoly aead(Key{});
  std::array<std::uint8_t, kTagLen> tag{};
  aead.seal(Nonce{}, as_bytes("ad"), {}, tag.data());
  std::uint8_t dummy = 0;
  EXPECT_TRUE(aead.open(Nonce{}, as_bytes("ad"), tag, &dummy));
  tag[0] ^= 0x80;
  EXPECT_FALSE(aead.open(Nonce{}, as_bytes("ad"), tag, &dummy));
}

}  // namespace
}  // namespace goop::p2p::noise
