#include "p2p/crypto/peer_id.hpp"

#include "p2p/errors.hpp"

#include <gtest/gtest.h>

namespace goop::p2p {
namespace {

// libp2p specs, peer-ids/peer-ids.md "Test vectors": an Ed25519 private key and its public key.
constexpr std::string_view kSpecPrivate =
    "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d1ed1e8fae2c4a144b8"
    "be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
constexpr std::string_view kSpecPublic =
    "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
// Derived from the key above by js-libp2p (@libp2p/peer-id 6, @libp2p/crypto 5).
constexpr std::string_view kPeerIdBase58 = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";
constexpr std::string_view kPeerIdCid32 =
    "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6";
constexpr std::string_view kPeerIdCid36 =
    "k51qzi5uqu5dgy8qsq67hbz73jqkw87l3fgf4a91qb0d9b5173tir7n4vxk1oe";
// Signature of "goop2" by the key above, by js-libp2p.
constexpr std::string_view kSignature =
    "eda8b7a4a2c7aea90263818ea5fde8dcd17f1d02ef825901bc91a034c60f2f16930e67ae2a6bd7b1007a06f03ada"
    "71d34c3697bfb09c31c794705ef730035b06";

Ed25519PrivateKey spec_key() { return *unmarshal_private_key(*from_hex(kSpecPrivate)); }

TEST(Keys, SpecPrivateKeyYieldsSpecPublicKey) {
  auto key = unmarshal_private_key(*from_hex(kSpecPrivate));
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(to_hex(marshal_public_key(key->public_key())), kSpecPublic);
  EXPECT_EQ(to_hex(marshal_private_key(*key)), kSpecPrivate);
  auto pub = unmarshal_public_key(*from_hex(kSpecPublic));
  ASSERT_TRUE(pub.has_value());
  EXPECT_EQ(*pub, key->public_key());
}

TEST(Keys, SignatureMatchesJsLibp2pAndVerifies) {
  const auto key = spec_key();
  const auto sig = key.sign(as_bytes("goop2"));
  EXPECT_EQ(to_hex(sig), kSignature);
  EXPECT_TRUE(key.public_key().verify(as_bytes("goop2"), sig));
  EXPECT_FALSE(key.public_key().verify(as_bytes("goop3"), sig));
  auto bad = sig;
  bad[0] ^= 1;
  EXPECT_FALSE(key.public_key().verify(as_bytes("goop2"), bad));
}

TEST(Keys, OtherKeyTypesAreRefused) {
  // secp256k1 and ECDSA public keys from the same spec table.
  auto secp = unmarshal_public_key(
      *from_hex("08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99"));
  EXPECT_EQ(secp.error(), make_error_code(Errc::kUnsupportedKeyType));
  auto rsa_prefix = unmarshal_public_key(*from_hex("0800120100"));
  EXPECT_EQ(rsa_prefix.error(), make_error_code(Errc::kUnsupportedKeyType));
}

TEST(Keys, MalformedKeyMessagesAreRefused) {
  EXPECT_TRUE(unmarshal_public_key(*from_hex("0801")).has_error());          // no data
  EXPECT_TRUE(unmarshal_public_key(*from_hex("08011220aabb")).has_error());  // truncated
  EXPECT_EQ(unmarshal_public_key(*from_hex("08011202aabb")).error(),
            make_error_code(Errc::kInvalidKey));
  EXPECT_TRUE(unmarshal_public_key(Bytes(kMaxKeyMessage + 1, 0x08)).has_error());
  Bytes priv = *from_hex(kSpecPrivate);
  priv.back() ^= 1;  // public half no longer matches the seed
  EXPECT_EQ(unmarshal_private_key(priv).error(), make_error_code(Errc::kInvalidKey));
}

TEST(Keys, LegacyNinetySixBytePrivateKeyIsAccepted) {
  Bytes priv = *from_hex(kSpecPrivate);
  Bytes legacy{0x08, 0x01, 0x12, 0x60};
  legacy.insert(legacy.end(), priv.begin() + 4, priv.end());
  legacy.insert(legacy.end(), priv.end() - 32, priv.end());
  auto key = unmarshal_private_key(legacy);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->public_key(), spec_key().public_key());
}

TEST(PeerId, DerivedFromSpecKeyMatchesJsLibp2p) {
  const auto id = PeerId::from_public_key(spec_key().public_key());
  EXPECT_EQ(id.to_base58(), kPeerIdBase58);
  EXPECT_EQ(id.to_cid_base32(), kPeerIdCid32);
  EXPECT_EQ(id.to_cid_base36(), kPeerIdCid36);
  EXPECT_LE(id.to_cid_base36().size(), 63u);  // fits one DNS label
  ASSERT_TRUE(id.public_key().has_value());
  EXPECT_EQ(*id.public_key(), spec_key().public_key());
}

TEST(PeerId, ParsesAllTextForms) {
  for (std::string_view text : {kPeerIdBase58, kPeerIdCid32, kPeerIdCid36}) {
    auto id = PeerId::parse(text);
    ASSERT_TRUE(id.has_value()) << text;
    EXPECT_EQ(id->to_base58(), kPeerIdBase58);
  }
}

TEST(PeerId, ParsesSpecSha256CidExample) {
  // peer-ids spec: a sha256 peer ID as a CID, and its legacy base58 form.
  auto cid = PeerId::parse("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
  auto legacy = PeerId::parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
  ASSERT_TRUE(cid.has_value());
  ASSERT_TRUE(legacy.has_value());
  EXPECT_EQ(*cid, *legacy);
  EXPECT_FALSE(cid->public_key().has_value());
}

TEST(PeerId, RejectsNonPeerIds) {
  EXPECT_TRUE(PeerId::parse("").has_error());
  EXPECT_TRUE(PeerId::parse("hello").has_error());
  EXPECT_TRUE(PeerId::parse("12D3KooW").has_error());
  // A CIDv1 with the dag-pb codec (0x70) is not a peer ID.
  EXPECT_TRUE(
      PeerId::parse("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi").has_error());
  std::string corrupted(kPeerIdBase58);
  corrupted[10] = '0';  // not a base58 character
  EXPECT_TRUE(PeerId::parse(corrupted).has_error());
}

TEST(PeerId, GeneratedKeysRoundTrip) {
  const auto key = Ed25519PrivateKey::generate();
  const auto id = PeerId::from_public_key(key.public_key());
  EXPECT_TRUE(id.to_base58().starts_with("12D3KooW"));
  EXPECT_EQ(*PeerId::parse(id.to_base58()), id);
  EXPECT_EQ(*PeerId::parse(id.to_cid_base36()), id);
  auto back = unmarshal_private_key(marshal_private_key(key));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->public_key(), key.public_key());
}

}  // namespace
}  // namespace goop::p2p
