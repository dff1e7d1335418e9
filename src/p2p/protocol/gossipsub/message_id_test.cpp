// Message-id dialects (router.hpp): our go ids and js-libp2p's key || seqno ids, and gossip
// between peers that use different ones. Found against js-libp2p: it IHAVEs in its ids (we
// re-requested messages we had, every heartbeat) and treats an IWANT answered with a message
// of another id as a broken promise (our score at js dropped below zero).
#include "p2p/protocol/gossipsub/router.hpp"
#include "p2p/protocol/gossipsub/signing.hpp"

#include <gtest/gtest.h>

namespace goop::p2p::gossipsub {
namespace {

Message make_message(const Ed25519PrivateKey& k, std::uint64_t seq) {
  Message m;
  m.topic = "t";
  m.seqno = encode_seqno(seq);
  m.data = {'d'};
  sign_message(m, k);
  return m;
}

TEST(GossipMessageId, JsIdIsMarshaledKeyThenSeqno) {
  auto k = Ed25519PrivateKey::generate();
  auto m = make_message(k, 42);
  MessageId want(as_chars(marshal_public_key(k.public_key())));
  want.append(as_chars(encode_seqno(42)));
  EXPECT_EQ(js_message_id(m), want);
  // go's id is the PeerId (identity multihash of the same key) then the seqno.
  const MessageId go = message_id(m);
  EXPECT_EQ(go.substr(0, 2), std::string("\x00\x24", 2));
  EXPECT_EQ(go.substr(2), want);
  m.key = marshal_public_key(k.public_key());
  EXPECT_EQ(js_message_id(m), want);
  m.key.clear();
  m.from = {0x12, 0x20, 1, 2, 3};  // a sha256 PeerId without `key`: no js id
  EXPECT_TRUE(js_message_id(m).empty());
}

// One router with a mesh of none (D = 0), so every peer gets gossip, and peers of both dialects.
class GossipDialectTest : public ::testing::Test {
 protected:
  GossipDialectTest() {
    Params p;
    p.d = p.d_lo = p.d_hi = 0;
    p.rng_seed = 3;
    router_ = std::make_unique<Router>(
        Ed25519PrivateKey::generate(), clock_, p,
        [this](const PeerId& to, Rpc rpc) {
          sent_.push_back({to, std::move(rpc)});
        },
        [this](const Message&, const PeerId&, const MessageId&) { ++delivered_; });
    router_->join("t");
  }
  PeerId peer() {
    auto id = PeerId::from_public_key(Ed25519PrivateKey::generate().public_key());
    Rpc r;
    r.subscriptions.push_back({true, "t"});
    router_->handle_rpc(id, r);
    return id;
  }
  std::vector<MessageId> ihave_to(const PeerId& p) const {
    std::vector<MessageId> ids;
    for (const auto& [to, rpc] : sent_) {
      for (const auto& ih : rpc.control.ihave) {
        if (to == p) ids.insert(ids.end(), ih.ids.begin(), ih.ids.end());
      }
    }
    return ids;
  }
  std::vector<MessageId> iwant_to(const PeerId& p) const {
    std::vector<MessageId> ids;
    for (const auto& [to, rpc] : sent_) {
      for (const auto& iw : rpc.control.iwant) {
        if (to == p) ids.insert(ids.end(), iw.ids.begin(), iw.ids.end());
      }
    }
    return ids;
  }

  ManualClock clock_;
  std::unique_ptr<Router> router_;
  std::vector<std::pair<PeerId, Rpc>> sent_;
  int delivered_ = 0;
};

TEST_F(GossipDialectTest, JsIHaveForAMessageWeHaveAsksNothingAndTeachesTheDialect) {
  auto go_peer = peer();
  auto js_peer = peer();
  auto author = Ed25519PrivateKey::generate();
  auto m = make_message(author, 1);
  Rpc msg;
  msg.publish.push_back(m);
  router_->handle_rpc(go_peer, msg);
  ASSERT_EQ(delivered_, 1);
  EXPECT_EQ(router_->id_dialect(js_peer), IdDialect::kGo);

  sent_.clear();
  Rpc have;
  have.control.ihave.push_back({"t", {js_message_id(m)}});
  router_->handle_rpc(js_peer, have);
  EXPECT_TRUE(iwant_to(js_peer).empty()) << "re-requested a message we have";
  EXPECT_EQ(router_->id_dialect(js_peer), IdDialect::kJs);

  // Our gossip names the message to each peer in its own dialect.
  sent_.clear();
  router_->heartbeat();
  EXPECT_EQ(ihave_to(js_peer), std::vector<MessageId>{js_message_id(m)});
  EXPECT_EQ(ihave_to(go_peer), std::vector<MessageId>{message_id(m)});

  // An IWANT in either dialect is answered.
  for (const auto& id : {js_message_id(m), message_id(m)}) {
    sent_.clear();
    Rpc want;
    want.control.iwant.push_back({{id}});
    router_->handle_rpc(js_peer, want);
    ASSERT_EQ(sent_.size(), 1u);
    ASSERT_EQ(sent_[0].second.publish.size(), 1u);
    EXPECT_EQ(sent_[0].second.publish[0], m);
  }
}

TEST_F(GossipDialectTest, DialectSetByTheServiceAndLearnedBack) {
  auto p = peer();
  router_->set_id_dialect(p, IdDialect::kJs);
  auto id = router_->publish("t", {'x'});
  ASSERT_TRUE(id.has_value());
  sent_.clear();
  router_->heartbeat();
  const auto ids = ihave_to(p);
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_NE(ids[0], *id);
  // The peer gossips back in go ids after all: it is a go peer.
  Rpc have;
  have.control.ihave.push_back({"t", {*id}});
  router_->handle_rpc(p, have);
  EXPECT_EQ(router_->id_dialect(p), IdDialect::kGo);
  // A message we never had is asked for as named.
  sent_.clear();
  Rpc unknown;
  unknown.control.ihave.push_back({"t", {"elsewhere"}});
  router_->handle_rpc(p, unknown);
  EXPECT_EQ(iwant_to(p), std::vector<MessageId>{"elsewhere"});
}

}  // namespace
}  // namespace goop::p2p::gossipsub
