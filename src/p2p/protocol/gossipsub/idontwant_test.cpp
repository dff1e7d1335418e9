// gossipsub v1.2 in the Router, on a ManualClock (no I/O): IDONTWANT is sent to v1.2 mesh peers
// for large messages before they are verified, honoured when received (in either id dialect,
// before or while the message waits), capped per heartbeat and forgotten after its TTL; copies
// that arrive while a message waits for validation are not verified again, and a forged first
// copy does not shadow the genuine one.
#include "p2p/protocol/gossipsub/router.hpp"
#include "p2p/protocol/gossipsub/signing.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace goop::p2p::gossipsub {
namespace {

struct Sent {
  PeerId to;
  Rpc rpc;
};

class IDontWantTest : public ::testing::Test {
 protected:
  IDontWantTest() {
    Params p;
    p.rng_seed = 11;
    p.max_idontwant_messages = 3;
    router_ = std::make_unique<Router>(
        Ed25519PrivateKey::generate(), clock_, p,
        [this](const PeerId& to, Rpc rpc) {
          sent_.push_back({to, std::move(rpc)});
        },
        [this](const Message& m, const PeerId&, const MessageId&) { delivered_.push_back(m); });
    router_->join("t");
  }

  // A mesh peer on "t" that speaks v1.2 unless told otherwise.
  PeerId peer(bool v12 = true) {
    keys_.push_back(Ed25519PrivateKey::generate());
    const auto id = PeerId::from_public_key(keys_.back().public_key());
    Rpc r;
    r.subscriptions.push_back({true, "t"});
    router_->handle_rpc(id, r);
    router_->set_idontwant_support(id, v12);
    return id;
  }
  const Ed25519PrivateKey& key_of(const PeerId& p) const {
    for (const auto& k : keys_) {
      if (PeerId::from_public_key(k.public_key()) == p) return k;
    }
    throw std::logic_error("unknown peer");
  }
  Message message(const PeerId& author, std::uint64_t seq, std::size_t size = 1024) {
    Message m;
    m.topic = "t";
    m.seqno = encode_seqno(seq);
    m.data = Bytes(size, static_cast<std::uint8_t>(seq));
    sign_message(m, key_of(author));
    return m;
  }
  void receive(const PeerId& from, const Message& m) {
    Rpc r;
    r.publish.push_back(m);
    router_->handle_rpc(from, r);
  }
  void idontwant(const PeerId& from, std::vector<MessageId> ids) {
    Rpc r;
    r.control.idontwant.push_back({std::move(ids)});
    router_->handle_rpc(from, r);
  }
  // IDONTWANT ids we sent to `to`, in order.
  std::vector<MessageId> idontwants_to(const PeerId& to) const {
    std::vector<MessageId> v;
    for (const auto& s : sent_) {
      if (s.to != to) continue;
      for (const auto& d : s.rpc.control.idontwant) v.insert(v.end(), d.ids.begin(), d.ids.end());
    }
    return v;
  }
  // Peers we forwarded (or published) a message to.
  std::vector<PeerId> forwarded_to() const {
    std::vector<PeerId> v;
    for (const auto& s : sent_) {
      if (!s.rpc.publish.empty()) v.push_back(s.to);
    }
    std::sort(v.begin(), v.end());
    return v;
  }
  static std::vector<PeerId> sorted(std::vector<PeerId> v) {
    std::sort(v.begin(), v.end());
    return v;
  }

  ManualClock clock_;
  std::unique_ptr<Router> router_;
  std::vector<Sent> sent_;
  std::vector<Message> delivered_;
  std::vector<Ed25519PrivateKey> keys_;
};

TEST_F(IDontWantTest, SentToV12MeshPeersOtherThanSenderAndAuthorBeforeVerifying) {
  const PeerId author = peer(), relay = peer(), b = peer(), c = peer(), old = peer(false);
  ASSERT_EQ(router_->mesh_peers("t").size(), 5u);
  router_->set_deferred_validation(true);
  sent_.clear();
  const Message m = message(author, 1);
  receive(relay, m);
  router_->send_idontwants();
  // Nothing verified or delivered yet, but b and c already know we have it.
  EXPECT_EQ(router_->pending_validations(), 1u);
  EXPECT_TRUE(delivered_.empty());
  EXPECT_EQ(router_->counters().validated, 0u);
  EXPECT_EQ(idontwants_to(b), std::vector<MessageId>{message_id(m)});
  EXPECT_EQ(idontwants_to(c), std::vector<MessageId>{message_id(m)});
  EXPECT_TRUE(idontwants_to(relay).empty());   // sent it to us
  EXPECT_TRUE(idontwants_to(author).empty());  // wrote it
  EXPECT_TRUE(idontwants_to(old).empty());     // speaks 1.1: never sees IDONTWANT
  EXPECT_EQ(router_->validate_pending(10), 1u);
  ASSERT_EQ(delivered_.size(), 1u);
  EXPECT_TRUE(forwarded_to().empty()) << "forwarded only on release";
  router_->release_verified();
  EXPECT_EQ(forwarded_to(), sorted({b, c, old}));
}

TEST_F(IDontWantTest, InlineValidationSendsIDontWantFirstAndSmallMessagesNone) {
  const PeerId author = peer(), b = peer();
  sent_.clear();
  receive(author, message(author, 1));
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[0].to, b);
  EXPECT_EQ(sent_[0].rpc.control.idontwant.size(), 1u);
  EXPECT_EQ(sent_[1].to, b);
  EXPECT_EQ(sent_[1].rpc.publish.size(), 1u);
  sent_.clear();
  receive(author, message(author, 2, router_->params().idontwant_min_data_size - 1));
  EXPECT_TRUE(idontwants_to(b).empty());
  EXPECT_EQ(forwarded_to(), std::vector<PeerId>{b});
}

TEST_F(IDontWantTest, JsPeersGetJsIds) {
  const PeerId author = peer(), js = peer();
  router_->set_id_dialect(js, IdDialect::kJs);
  const Message m = message(author, 1);
  sent_.clear();
  receive(author, m);
  EXPECT_EQ(idontwants_to(js), std::vector<MessageId>{js_message_id(m)});
}

TEST_F(IDontWantTest, NotForwardedToPeersThatSaidIDontWantInEitherDialect) {
  const PeerId author = peer(), b = peer(), c = peer(), d = peer();
  router_->set_id_dialect(c, IdDialect::kJs);
  const Message m = message(author, 1);
  idontwant(b, {message_id(m)});     // before the message arrives
  idontwant(c, {js_message_id(m)});  // js's id for it
  sent_.clear();
  receive(author, m);
  EXPECT_EQ(delivered_.size(), 1u);
  EXPECT_EQ(forwarded_to(), std::vector<PeerId>{d});
  EXPECT_EQ(router_->counters().forwards_skipped, 2u);  // b and c
}

TEST_F(IDontWantTest, HonouredWhileTheMessageWaitsForValidation) {
  const PeerId author = peer(), b = peer(), c = peer();
  router_->set_deferred_validation(true);
  const Message m = message(author, 1);
  receive(author, m);
  idontwant(b, {message_id(m)});
  sent_.clear();
  router_->validate_pending(1);
  router_->release_verified();
  EXPECT_EQ(forwarded_to(), std::vector<PeerId>{c});
}

TEST_F(IDontWantTest, CappedPerPeerPerHeartbeatAndForgottenAfterTtl) {
  const PeerId author = peer(), b = peer();
  std::vector<Message> ms;
  for (std::uint64_t i = 1; i <= 4; ++i) ms.push_back(message(author, i));
  // max_idontwant_messages is 3: the fourth id is ignored.
  idontwant(b, {message_id(ms[0]), message_id(ms[1]), message_id(ms[2]), message_id(ms[3])});
  EXPECT_EQ(router_->counters().idontwant_received, 3u);
  sent_.clear();
  receive(author, ms[3]);
  EXPECT_EQ(forwarded_to(), std::vector<PeerId>{b});
  // Kept for idontwant_ttl heartbeats, then forgotten.
  for (std::size_t i = 0; i + 1 < router_->params().idontwant_ttl; ++i) router_->heartbeat();
  sent_.clear();
  receive(author, ms[0]);
  EXPECT_TRUE(forwarded_to().empty());
  router_->heartbeat();
  sent_.clear();
  receive(author, ms[1]);
  EXPECT_EQ(forwarded_to(), std::vector<PeerId>{b});
  // A new heartbeat, a new allowance.
  const Message late = message(author, 9);
  idontwant(b, {message_id(late)});
  EXPECT_EQ(router_->counters().idontwant_received, 4u);
}

TEST_F(IDontWantTest, CopiesWhileWaitingAreNotVerifiedAgainNorSentBack) {
  const PeerId author = peer(), b = peer(), c = peer();
  router_->set_deferred_validation(true);
  const Message m = message(author, 1);
  receive(author, m);
  receive(b, m);  // the same message from another mesh peer, while the first waits
  EXPECT_EQ(router_->pending_validations(), 1u);
  sent_.clear();
  router_->validate_pending(10);
  router_->release_verified();
  EXPECT_EQ(router_->counters().validated, 1u);
  EXPECT_EQ(router_->counters().duplicates, 1u);
  EXPECT_EQ(delivered_.size(), 1u);
  EXPECT_EQ(forwarded_to(), std::vector<PeerId>{c});
}

TEST_F(IDontWantTest, AForgedFirstCopyDoesNotShadowTheGenuineOne) {
  const PeerId author = peer(), forger = peer(), c = peer();
  router_->set_deferred_validation(true);
  const Message genuine = message(author, 7);
  Message forged = genuine;
  forged.data.assign(1024, 0xee);  // same id (from, seqno), signature no longer matches
  receive(forger, forged);
  receive(c, genuine);
  sent_.clear();
  router_->validate_pending(10);
  router_->release_verified();
  EXPECT_EQ(router_->counters().validated, 2u);
  ASSERT_EQ(delivered_.size(), 1u);
  EXPECT_EQ(delivered_[0].data, genuine.data);
  // Not sent back to c, which sent it; the forger gets the genuine copy.
  EXPECT_EQ(forwarded_to(), std::vector<PeerId>{forger});
}

TEST_F(IDontWantTest, SwitchingDeferredValidationOffDrainsTheQueue) {
  const PeerId author = peer(), b = peer();
  router_->set_deferred_validation(true);
  receive(author, message(author, 1));
  receive(author, message(author, 2));
  EXPECT_EQ(router_->pending_validations(), 2u);
  sent_.clear();
  router_->set_deferred_validation(false);
  EXPECT_EQ(router_->pending_validations(), 0u);
  EXPECT_EQ(delivered_.size(), 2u);
  EXPECT_EQ(forwarded_to(), (std::vector<PeerId>{b, b}));
}

}  // namespace
}  // namespace goop::p2p::gossipsub
