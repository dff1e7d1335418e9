#include "goop/crypto/key_book.hpp"

#include "goop/crypto/errors.hpp"
#include "p2p/crypto/keys.hpp"

#include <gtest/gtest.h>

namespace goop::crypto {
namespace {

p2p::PeerId new_peer() {
  return p2p::PeerId::from_public_key(p2p::Ed25519PrivateKey::generate().public_key());
}

NaclPublicKey new_key() { return generate_key_pair().public_key; }

class KeyBookTest : public ::testing::Test {
 protected:
  KeyBook book;
  p2p::PeerId peer = new_peer();
  NaclPublicKey k1 = new_key();
  NaclPublicKey k2 = new_key();
};

TEST_F(KeyBookTest, UnknownPeerHasNothing) {
  EXPECT_FALSE(book.can_seal_for(peer));
  EXPECT_FALSE(book.seal_key_for(peer));
  EXPECT_TRUE(book.keys_to_try_for_open(peer).empty());
  const auto info = book.info(peer);
  EXPECT_FALSE(info.key);
  EXPECT_FALSE(info.encryption_supported);
  EXPECT_EQ(book.size(), 0u);
}

TEST_F(KeyBookTest, SealsOnlyWithKeyAndEncryptionSupported) {
  ASSERT_EQ(*book.offer_key(peer, k1, KeyBinding::kUnbound, "rv"), KeyChange::kAdded);
  EXPECT_FALSE(book.can_seal_for(peer));  // the flag is not known yet
  book.set_encryption_supported(peer, false);
  EXPECT_FALSE(book.can_seal_for(peer));
  book.set_encryption_supported(peer, true);
  EXPECT_TRUE(book.can_seal_for(peer));
  EXPECT_EQ(book.seal_key_for(peer), k1);
  book.set_encryption_supported(peer, false);  // the latest announcement wins
  EXPECT_FALSE(book.can_seal_for(peer));
}

TEST_F(KeyBookTest, FlagWithoutKeyDoesNotSeal) {
  book.set_encryption_supported(peer, true);
  EXPECT_FALSE(book.can_seal_for(peer));
  EXPECT_TRUE(book.keys_to_try_for_open(peer).empty());
  EXPECT_EQ(book.info(peer).encryption_supported, true);
}

TEST_F(KeyBookTest, OpensWithAKnownKeyWithoutTheFlag) {
  ASSERT_TRUE(book.offer_key(peer, k1, KeyBinding::kUnbound, "rv"));
  EXPECT_EQ(book.keys_to_try_for_open(peer), std::vector<NaclPublicKey>{k1});
}

TEST_F(KeyBookTest, SameKeyIsUnchangedAndCanBecomeBound) {
  ASSERT_TRUE(book.offer_key(peer, k1, KeyBinding::kUnbound, "rv"));
  EXPECT_EQ(*book.offer_key(peer, k1, KeyBinding::kUnbound, "rv"), KeyChange::kUnchanged);
  EXPECT_EQ(book.info(peer).binding, KeyBinding::kUnbound);
  EXPECT_EQ(*book.offer_key(peer, k1, KeyBinding::kBound, "gossip"), KeyChange::kNowBound);
  EXPECT_EQ(book.info(peer).binding, KeyBinding::kBound);
  // An unbound copy of the bound key changes nothing and does not unbind it.
  EXPECT_EQ(*book.offer_key(peer, k1, KeyBinding::kUnbound, "rv"), KeyChange::kUnchanged);
  EXPECT_EQ(book.info(peer).binding, KeyBinding::kBound);
  EXPECT_EQ(*book.offer_key(peer, k1, KeyBinding::kBound, "gossip"), KeyChange::kUnchanged);
}

TEST_F(KeyBookTest, UnboundReplacesUnboundAndKeepsThePreviousForOpen) {
  ASSERT_TRUE(book.offer_key(peer, k1, KeyBinding::kUnbound, "rv"));
  EXPECT_EQ(*book.offer_key(peer, k2, KeyBinding::kUnbound, "rv"), KeyChange::kReplaced);
  book.set_encryption_supported(peer, true);
  EXPECT_EQ(book.seal_key_for(peer), k2);
  EXPECT_EQ(book.keys_to_try_for_open(peer), (std::vector<NaclPublicKey>{k2, k1}));
  // Only one previous key is kept.
  const auto k3 = new_key();
  ASSERT_TRUE(book.offer_key(peer, k3, KeyBinding::kUnbound, "rv"));
  EXPECT_EQ(book.keys_to_try_for_open(peer), (std::vector<NaclPublicKey>{k3, k2}));
}

TEST_F(KeyBookTest, BoundKeyIsNeverReplacedByAnUnboundOne) {
  ASSERT_TRUE(book.offer_key(peer, k1, KeyBinding::kBound, "gossip"));
  book.set_encryption_supported(peer, true);
  auto r = book.offer_key(peer, k2, KeyBinding::kUnbound, "rv:https://rv.example");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::kKeyConflict));
  EXPECT_EQ(r.error().message,
            "refusing NaCl key " + k2.to_base64() + " for peer " + peer.to_base58() +
                " from rv:https://rv.example: the peer's key " + k1.to_base64() +
                " is bound to its identity and this one is not (a rendezvous or another peer "
                "may be substituting keys)");
  // Nothing changed.
  EXPECT_EQ(book.seal_key_for(peer), k1);
  EXPECT_EQ(book.keys_to_try_for_open(peer), std::vector<NaclPublicKey>{k1});
  EXPECT_EQ(book.info(peer).binding, KeyBinding::kBound);
}

TEST_F(KeyBookTest, BoundKeySupersedesAnUnboundOneAndDropsIt) {
  ASSERT_TRUE(book.offer_key(peer, k1, KeyBinding::kUnbound, "rv"));
  EXPECT_EQ(*book.offer_key(peer, k2, KeyBinding::kBound, "gossip"), KeyChange::kReplaced);
  EXPECT_EQ(book.info(peer).key, k2);
  EXPECT_EQ(book.info(peer).binding, KeyBinding::kBound);
  // The unbound key was never shown to be the peer's: not tried for open.
  EXPECT_EQ(book.keys_to_try_for_open(peer), std::vector<NaclPublicKey>{k2});
  // And it cannot come back.
  EXPECT_FALSE(book.offer_key(peer, k1, KeyBinding::kUnbound, "rv"));
}

TEST_F(KeyBookTest, BoundKeyRotatesToANewBoundKey) {
  ASSERT_TRUE(book.offer_key(peer, k1, KeyBinding::kBound, "gossip"));
  EXPECT_EQ(*book.offer_key(peer, k2, KeyBinding::kBound, "gossip"), KeyChange::kReplaced);
  EXPECT_EQ(book.keys_to_try_for_open(peer), (std::vector<NaclPublicKey>{k2, k1}));
  // The old bound key, offered unbound, is refused like any other.
  EXPECT_EQ(book.offer_key(peer, k1, KeyBinding::kUnbound, "rv").error().code,
            make_error_code(Errc::kKeyConflict));
}

TEST_F(KeyBookTest, PeersAreIndependentAndForgettable) {
  const auto other = new_peer();
  ASSERT_TRUE(book.offer_key(peer, k1, KeyBinding::kBound, "gossip"));
  ASSERT_EQ(*book.offer_key(other, k2, KeyBinding::kUnbound, "rv"), KeyChange::kAdded);
  EXPECT_EQ(book.size(), 2u);
  EXPECT_EQ(book.info(other).binding, KeyBinding::kUnbound);
  book.forget(peer);
  EXPECT_FALSE(book.info(peer).key);
  EXPECT_EQ(book.info(other).key, k2);
  // After forgetting, an unbound key is accepted again (a fresh start for that peer).
  EXPECT_EQ(*book.offer_key(peer, k2, KeyBinding::kUnbound, "rv"), KeyChange::kAdded);
}

}  // namespace
}  // namespace goop::crypto
