// RPC codec round trips and golden bytes; StrictSign signing and verification.
#include "p2p/errors.hpp"
#include "p2p/multiformats/varint.hpp"
#include "p2p/protocol/gossipsub/rpc.hpp"
#include "p2p/protocol/gossipsub/signing.hpp"

#include <gtest/gtest.h>

namespace goop::p2p::gossipsub {
namespace {

Bytes hex(std::string_view h) { return *from_hex(h); }

Ed25519PrivateKey fixed_key() {
  Bytes seed(32);
  for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<std::uint8_t>(i + 1);
  return *Ed25519PrivateKey::from_seed(seed);
}

TEST(GossipCodec, GoldenSubscribe) {
  Rpc rpc;
  rpc.subscriptions.push_back({true, "a"});
  EXPECT_EQ(to_hex(encode_rpc(rpc)), "0a050801120161");
}

TEST(GossipCodec, GoldenGraftAndPrune) {
  Rpc rpc;
  rpc.control.graft.push_back({"t"});
  EXPECT_EQ(to_hex(encode_rpc(rpc)), "1a051a030a0174");
  Rpc p;
  ControlPrune pr;
  pr.topic = "t";
  pr.backoff_seconds = 60;
  p.control.prune.push_back(pr);
  EXPECT_EQ(to_hex(encode_rpc(p)), "1a0722050a0174183c");
}

TEST(GossipCodec, RoundTripsEverything) {
  Rpc rpc;
  rpc.subscriptions = {{true, "x"}, {false, "y"}};
  Message m;
  m.from = hex("0024080112201234");
  m.data = {1, 2, 3};
  m.seqno = encode_seqno(42);
  m.topic = "x";
  m.signature = Bytes(64, 7);
  m.key = {9, 9};
  rpc.publish.push_back(m);
  rpc.control.ihave.push_back({"x", {"id1", "id2"}});
  rpc.control.iwant.push_back({{"id3"}});
  rpc.control.graft.push_back({"x"});
  ControlPrune pr;
  pr.topic = "y";
  pr.peers.push_back({{1, 2}, {3}});
  pr.backoff_seconds = 10;
  rpc.control.prune.push_back(pr);
  auto back = decode_rpc(encode_rpc(rpc));
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_EQ(*back, rpc);
}

TEST(GossipCodec, EmptyDataIsStillEncoded) {
  Message m;
  m.topic = "t";
  EXPECT_EQ(to_hex(encode_message(m)),
            "12002201"
            "74");
}

TEST(GossipCodec, RejectsTruncatedAndOversized) {
  Rpc rpc;
  rpc.subscriptions.push_back({true, "abc"});
  Bytes b = encode_rpc(rpc);
  b.pop_back();
  EXPECT_FALSE(decode_rpc(b).has_value());
  Bytes big(kMaxRpcSize + 1);
  EXPECT_EQ(decode_rpc(big).error(), make_error_code(goop::Errc::kTooLarge));
  Rpc many;
  ControlIHave ih;
  ih.topic = "t";
  ih.ids.assign(kMaxMessageIdsPerRpc + 1, "i");
  many.control.ihave.push_back(ih);
  EXPECT_EQ(decode_rpc(encode_rpc(many)).error(), make_error_code(goop::Errc::kTooLarge));
}

TEST(GossipCodec, DecodesIdontwantAndSkipsUnknownControlFields) {
  // control { idontwant(5) { messageIDs(1) "z" } graft { topic "t" } field 9: "q" }
  auto r = decode_rpc(hex("1a0d2a030a017a1a030a01744a0171"));
  ASSERT_TRUE(r.has_value()) << r.error().message();
  ASSERT_EQ(r->control.graft.size(), 1u);
  EXPECT_EQ(r->control.graft[0].topic, "t");
  ASSERT_EQ(r->control.idontwant.size(), 1u);
  EXPECT_EQ(r->control.idontwant[0].ids, std::vector<MessageId>{"z"});
}

TEST(GossipCodec, GoldenIdontwant) {
  Rpc rpc;
  rpc.control.idontwant.push_back({{"z", "yy"}});
  // control(3) { idontwant(5) { messageIDs "z", messageIDs "yy" } }
  EXPECT_EQ(to_hex(encode_rpc(rpc)), "1a092a070a017a0a027979");
  auto back = decode_rpc(encode_rpc(rpc));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, rpc);
}

// IDONTWANT ids are capped per RPC over all its IDONTWANT entries, apart from IHAVE/IWANT ids.
TEST(GossipCodec, CapsIdontwantIds) {
  Rpc at_cap;
  at_cap.control.idontwant.push_back({std::vector<MessageId>(kMaxIDontWantIdsPerRpc - 1, "i")});
  at_cap.control.idontwant.push_back({{"j"}});
  at_cap.control.ihave.push_back({"t", std::vector<MessageId>(kMaxMessageIdsPerRpc, "h")});
  auto ok = decode_rpc(encode_rpc(at_cap));
  ASSERT_TRUE(ok.has_value()) << ok.error().message();
  EXPECT_EQ(*ok, at_cap);
  Rpc over = at_cap;
  over.control.ihave.clear();
  over.control.idontwant.push_back({{"k"}});
  EXPECT_EQ(decode_rpc(encode_rpc(over)).error(), make_error_code(goop::Errc::kTooLarge));
  Rpc entries;
  entries.control.idontwant.assign(kMaxControlEntriesPerRpc + 1, ControlIDontWant{{"e"}});
  EXPECT_EQ(decode_rpc(encode_rpc(entries)).error(), make_error_code(goop::Errc::kTooLarge));
}

// The framed encoding (what goes on a stream) is varint(len) || encode_rpc, for an RPC of
// messages only (built in one buffer) and for any other.
TEST(GossipCodec, LengthPrefixedEncodingFramesEncodeRpc) {
  Message m;
  m.from = Bytes(38, 1);
  m.seqno = Bytes(8, 2);
  m.signature = Bytes(64, 3);
  m.topic = "t";
  for (std::size_t size :
       {std::size_t{0}, std::size_t{100}, std::size_t{1024}, std::size_t{70000}}) {
    m.data = Bytes(size, 9);
    Rpc only;
    only.publish = {m, m};
    Rpc mixed = only;
    mixed.subscriptions.push_back({true, "t"});
    mixed.control.idontwant.push_back({{"x"}});
    for (const Rpc* rpc : {&only, &mixed}) {
      const Bytes body = encode_rpc(*rpc);
      Bytes want;
      append_uvarint(want, body.size());
      want.insert(want.end(), body.begin(), body.end());
      EXPECT_EQ(encode_rpc_length_prefixed(*rpc), want) << size;
    }
  }
}

// encoded_size() must match the encoder byte for byte: encode_rpc writes messages in place
// behind a length computed by it.
TEST(GossipCodec, EncodedSizeMatchesTheEncoding) {
  for (std::size_t data :
       {std::size_t{0}, std::size_t{1}, std::size_t{127}, std::size_t{128}, std::size_t{70000}}) {
    Message m;
    m.data = Bytes(data, 7);
    m.topic = std::string(data % 200, 't');
    EXPECT_EQ(encoded_size(m), encode_message(m).size()) << data;
    m.from = Bytes(38, 1);
    m.seqno = Bytes(8, 2);
    m.signature = Bytes(64, 3);
    m.key = Bytes(36, 4);
    EXPECT_EQ(encoded_size(m), encode_message(m).size()) << data;
    Rpc rpc;
    rpc.publish = {m, m};
    EXPECT_EQ(encode_rpc(rpc).size(), 2 * encoded_rpc_size(m));
    auto back = decode_rpc(encode_rpc(rpc));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, rpc);
  }
}

TEST(GossipSigning, SignVerifyAndTamper) {
  auto key = fixed_key();
  Message m;
  m.data = {'h', 'i'};
  m.topic = "goop";
  m.seqno = encode_seqno(1);
  sign_message(m, key);
  const auto author = PeerId::from_public_key(key.public_key());
  EXPECT_EQ(m.from, author.bytes());
  auto v = verify_message(m);
  ASSERT_TRUE(v.has_value()) << v.error().message();
  EXPECT_EQ(*v, author);
  EXPECT_EQ(message_id(m), std::string(as_chars(m.from)) + std::string(as_chars(m.seqno)));

  auto tampered = m;
  tampered.data = {'h', 'o'};
  EXPECT_FALSE(verify_message(tampered).has_value());
  auto unsigned_msg = m;
  unsigned_msg.signature.clear();
  EXPECT_FALSE(verify_message(unsigned_msg).has_value());
  auto short_seqno = m;
  short_seqno.seqno = {1};
  EXPECT_FALSE(verify_message(short_seqno).has_value());
  auto other = m;
  other.key = marshal_public_key(Ed25519PrivateKey::generate().public_key());
  EXPECT_FALSE(verify_message(other).has_value());
  auto with_key = m;  // a matching key field is accepted (the signature does not cover it)
  with_key.key = marshal_public_key(key.public_key());
  EXPECT_TRUE(verify_message(with_key).has_value());
  // Survives the wire.
  auto back = decode_message(encode_message(m));
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(verify_message(*back).has_value());
}

// Produced by js @libp2p/gossipsub 17.1.1 (buildRawMessage, StrictSign) with the Ed25519 seed
// 01 02 .. 20, topic "goop", data "hi from js"; js sends the `key` field.
TEST(GossipSigning, VerifiesMessageSignedByJs) {
  const Bytes wire =
      hex("0a2600240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664120a6869"
          "2066726f6d206a731a0818ea2cb62a1122812204676f6f702a40f3e1efc0d24b8ea506462ac68fc65f524fdd"
          "bdbd8cee55f47bcca00d6427aa53093f9cae86a01fa11f33a487294ddd32da5890a5138c6b3378a2bf464092"
          "520c32240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664");
  auto m = decode_message(wire);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(encode_message(*m), wire);
  auto author = verify_message(*m);
  ASSERT_TRUE(author.has_value()) << author.error().message();
  EXPECT_EQ(author->to_base58(), "12D3KooWJ1TsijH7H5F74hfAD5XishQz3sxrmAtVY37GtNd9CqYf");
  EXPECT_EQ(*author, PeerId::from_public_key(fixed_key().public_key()));
  // Our signature over the same fields is the same (Ed25519 is deterministic).
  Message ours;
  ours.data = m->data;
  ours.seqno = m->seqno;
  ours.topic = m->topic;
  sign_message(ours, fixed_key());
  EXPECT_EQ(ours.signature, m->signature);
}

TEST(GossipSigning, SeqnoIsBigEndian) {
  EXPECT_EQ(to_hex(encode_seqno(0x0102030405060708ULL)), "0102030405060708");
}

}  // namespace
}  // namespace goop::p2p::gossipsub
