#include "goop/crypto/sealer.hpp"

#include "base/errors.hpp"
#include "goop/crypto/errors.hpp"
#include "p2p/crypto/keys.hpp"

#include <gtest/gtest.h>

namespace goop::crypto {
namespace {

p2p::PeerId new_peer() {
  return p2p::PeerId::from_public_key(p2p::Ed25519PrivateKey::generate().public_key());
}

constexpr std::size_t kCap = 1 << 16;

struct Side {
  p2p::PeerId id = new_peer();
  Sealer sealer{generate_key_pair()};
};

// a and b know each other's keys, as after a rendezvous presence exchange.
void introduce(Side& a, Side& b) {
  ASSERT_TRUE(a.sealer.keys().offer_key(b.id, b.sealer.public_key(), KeyBinding::kUnbound, "rv"));
  a.sealer.keys().set_encryption_supported(b.id, true);
  ASSERT_TRUE(b.sealer.keys().offer_key(a.id, a.sealer.public_key(), KeyBinding::kUnbound, "rv"));
  b.sealer.keys().set_encryption_supported(a.id, true);
}

TEST(Sealer, RoundTripBetweenTwoPeers) {
  Side a, b;
  introduce(a, b);
  auto sealed = a.sealer.seal_for(b.id, as_bytes("GET /index.html"));
  ASSERT_TRUE(sealed) << sealed.error().message;
  auto opened = b.sealer.open_from(a.id, *sealed, kCap);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(as_chars(*opened), "GET /index.html");
}

TEST(Sealer, NoKeyMeansPlaintext) {
  Side a, b;
  auto sealed = a.sealer.seal_for(b.id, as_bytes("x"));
  ASSERT_FALSE(sealed);
  EXPECT_EQ(sealed.error().code, make_error_code(Errc::kNoKey));
  EXPECT_NE(sealed.error().message.find(b.id.to_base58()), std::string::npos);
  auto opened = a.sealer.open_from(b.id, "AAAA", kCap);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, make_error_code(Errc::kNoKey));
}

TEST(Sealer, OpensWithoutTheFlagButSealsOnlyWithIt) {
  Side a, b;
  ASSERT_TRUE(b.sealer.keys().offer_key(a.id, a.sealer.public_key(), KeyBinding::kUnbound, "rv"));
  ASSERT_TRUE(a.sealer.keys().offer_key(b.id, b.sealer.public_key(), KeyBinding::kUnbound, "rv"));
  a.sealer.keys().set_encryption_supported(b.id, true);
  // b does not know a's flag: it cannot seal to a, but opens what a seals.
  EXPECT_FALSE(b.sealer.can_seal_for(a.id));
  auto sealed = a.sealer.seal_for(b.id, as_bytes("hello"));
  ASSERT_TRUE(sealed);
  EXPECT_TRUE(b.sealer.open_from(a.id, *sealed, kCap));
}

TEST(Sealer, WrongKeyNamesThePeer) {
  Side a, b, mallory;
  ASSERT_TRUE(a.sealer.keys().offer_key(b.id, b.sealer.public_key(), KeyBinding::kUnbound, "rv"));
  a.sealer.keys().set_encryption_supported(b.id, true);
  // b holds a wrong key for a (a substituted or stale one): opening fails, naming a.
  ASSERT_TRUE(
      b.sealer.keys().offer_key(a.id, mallory.sealer.public_key(), KeyBinding::kUnbound, "rv"));
  auto sealed = a.sealer.seal_for(b.id, as_bytes("hello"));
  ASSERT_TRUE(sealed);
  auto opened = b.sealer.open_from(a.id, *sealed, kCap);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, make_error_code(Errc::kDecryptFailed));
  EXPECT_EQ(opened.error().message, "cannot open sealed message from " + a.id.to_base58() +
                                        ": wrong key or tampered (tried 1 known key)");
}

TEST(Sealer, ThePreviousKeyStillOpensMessagesInFlight) {
  Side a, b, mallory;
  introduce(a, b);
  auto sealed = a.sealer.seal_for(b.id, as_bytes("in flight"));
  ASSERT_TRUE(sealed);
  // b hears of a new (unbound) key for a before the message arrives.
  ASSERT_TRUE(
      b.sealer.keys().offer_key(a.id, mallory.sealer.public_key(), KeyBinding::kUnbound, "rv"));
  auto opened = b.sealer.open_from(a.id, *sealed, kCap);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(as_chars(*opened), "in flight");
}

TEST(Sealer, MalformedAndOversizeNameThePeer) {
  Side a, b;
  introduce(a, b);
  auto short_msg = b.sealer.open_from(a.id, "AAAAAAAAAAAAAA==", kCap);
  ASSERT_FALSE(short_msg);
  EXPECT_EQ(short_msg.error().code, make_error_code(Errc::kMalformed));
  EXPECT_EQ(short_msg.error().message, "from " + a.id.to_base58() +
                                           ": sealed message too short: 10 bytes, need at least "
                                           "40");
  auto big = b.sealer.open_from(a.id, std::string(101, 'A'), 100);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, make_error_code(goop::Errc::kTooLarge));
}

}  // namespace
}  // namespace goop::crypto
