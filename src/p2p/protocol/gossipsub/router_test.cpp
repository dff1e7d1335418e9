// Router logic on a ManualClock: mesh maintenance (GRAFT up to D, PRUNE above Dhi, backoff),
// gossip (IHAVE/IWANT), duplicate suppression and StrictSign rejection. No I/O: RPCs are
// captured and fed by hand.
#include "p2p/protocol/gossipsub/router.hpp"

#include "p2p/protocol/gossipsub/signing.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace goop::p2p::gossipsub {
namespace {
using namespace std::chrono_literals;

struct Sent {
  PeerId to;
  Rpc rpc;
};

struct Delivered {
  Bytes data;
  PeerId author;
  MessageId id;
};

class GossipRouterTest : public ::testing::Test {
 protected:
  GossipRouterTest() {
    Params p;
    p.rng_seed = 7;
    router_ = std::make_unique<Router>(
        Ed25519PrivateKey::generate(), clock_, p,
        [this](const PeerId& to, Rpc rpc) {
          sent_.push_back({to, std::move(rpc)});
        },
        [this](const Message& m, const PeerId& a, const MessageId& id) {
          delivered_.push_back({m.data, a, id});
        });
  }

  // A remote peer subscribed to `topic`.
  PeerId remote(const std::string& topic) {
    auto k = Ed25519PrivateKey::generate();
    keys_.push_back(k);
    auto id = PeerId::from_public_key(k.public_key());
    router_->add_peer(id);
    Rpc r;
    r.subscriptions.push_back({true, topic});
    router_->handle_rpc(id, r);
    return id;
  }

  std::size_t count_grafts(const std::string& topic) const {
    std::size_t n = 0;
    for (const auto& s : sent_) {
      for (const auto& g : s.rpc.control.graft) n += g.topic == topic;
    }
    return n;
  }
  std::vector<PeerId> pruned(const std::string& topic) const {
    std::vector<PeerId> v;
    for (const auto& s : sent_) {
      for (const auto& p : s.rpc.control.prune) {
        if (p.topic == topic) v.push_back(s.to);
      }
    }
    return v;
  }
  Message signed_message(const Ed25519PrivateKey& k, const std::string& topic, std::uint64_t seq,
                         Bytes data) {
    Message m;
    m.topic = topic;
    m.seqno = encode_seqno(seq);
    m.data = std::move(data);
    sign_message(m, k);
    return m;
  }
  Rpc graft(const std::string& topic) {
    Rpc r;
    r.control.graft.push_back({topic});
    return r;
  }

  ManualClock clock_;
  std::unique_ptr<Router> router_;
  std::vector<Sent> sent_;
  std::vector<Delivered> delivered_;
  std::vector<Ed25519PrivateKey> keys_;
};

TEST_F(GossipRouterTest, JoinGraftsUpToDAfterSubscribing) {
  for (int i = 0; i < 10; ++i) remote("t");
  sent_.clear();
  router_->join("t");
  EXPECT_EQ(router_->mesh_peers("t").size(), 6u);
  EXPECT_EQ(count_grafts("t"), 6u);
  // Every peer learns the subscription, and for a grafted peer it comes first.
  std::map<PeerId, bool> subscribed;
  for (const auto& s : sent_) {
    if (!s.rpc.subscriptions.empty()) subscribed[s.to] = true;
    if (!s.rpc.control.graft.empty()) {
      EXPECT_TRUE(subscribed[s.to]);
    }
  }
  EXPECT_EQ(subscribed.size(), 10u);
}

TEST_F(GossipRouterTest, GraftsOnSubscribeUpToD) {
  router_->join("t");
  EXPECT_TRUE(router_->mesh_peers("t").empty());
  sent_.clear();
  for (int i = 0; i < 8; ++i) remote("t");
  // Grafted as their SUBSCRIBEs arrive, without waiting for a heartbeat.
  EXPECT_EQ(router_->mesh_peers("t").size(), 6u);
  EXPECT_EQ(count_grafts("t"), 6u);
}

TEST_F(GossipRouterTest, HeartbeatFillsMeshWhenBelowDlo) {
  router_->join("t");
  for (int i = 0; i < 8; ++i) remote("t");
  auto mesh = router_->mesh_peers("t");
  ASSERT_EQ(mesh.size(), 6u);
  // Three mesh peers leave the mesh with a short backoff: 3 < Dlo.
  for (int i = 0; i < 3; ++i) {
    Rpc prune;
    prune.control.prune.push_back({"t", {}, 1});
    router_->handle_rpc(mesh[static_cast<std::size_t>(i)], prune);
  }
  ASSERT_EQ(router_->mesh_peers("t").size(), 3u);
  clock_.advance(2s);
  router_->heartbeat();
  EXPECT_EQ(router_->mesh_peers("t").size(), 6u);
}

TEST_F(GossipRouterTest, PrunesAboveDhiAndRespectsBackoff) {
  router_->join("t");
  std::vector<PeerId> peers;
  for (int i = 0; i < 13; ++i) {
    peers.push_back(remote("t"));
    router_->handle_rpc(peers.back(), graft("t"));
  }
  // GRAFTs are accepted up to Dhi; the 13th is refused with a PRUNE.
  EXPECT_EQ(router_->mesh_peers("t").size(), 12u);
  EXPECT_EQ(pruned("t").size(), 1u);
  sent_.clear();
  router_->params_for_testing().d_hi = 10;
  router_->heartbeat();
  EXPECT_EQ(router_->mesh_peers("t").size(), 6u);
  auto out = pruned("t");
  ASSERT_EQ(out.size(), 6u);
  for (const auto& p : out) EXPECT_TRUE(router_->in_backoff("t", p));
  // A pruned peer that GRAFTs during its backoff is refused again.
  sent_.clear();
  router_->handle_rpc(out[0], graft("t"));
  EXPECT_EQ(router_->mesh_peers("t").size(), 6u);
  EXPECT_EQ(pruned("t").size(), 1u);
  // After the backoff it may join.
  clock_.advance(121s);
  router_->heartbeat();
  router_->handle_rpc(out[1], graft("t"));
  EXPECT_EQ(router_->mesh_peers("t").size(), 7u);
}

TEST_F(GossipRouterTest, PruneFromPeerSetsBackoffForHeartbeat) {
  router_->join("t");
  auto p = remote("t");
  router_->heartbeat();
  ASSERT_EQ(router_->mesh_peers("t").size(), 1u);
  Rpc prune;
  ControlPrune pr;
  pr.topic = "t";
  pr.backoff_seconds = 30;
  prune.control.prune.push_back(pr);
  router_->handle_rpc(p, prune);
  EXPECT_TRUE(router_->mesh_peers("t").empty());
  router_->heartbeat();
  EXPECT_TRUE(router_->mesh_peers("t").empty()) << "grafted during backoff";
  clock_.advance(31s);
  router_->heartbeat();
  EXPECT_EQ(router_->mesh_peers("t").size(), 1u);
}

TEST_F(GossipRouterTest, DeliversOnceForwardsToMeshAndDropsForgeries) {
  router_->join("t");
  std::vector<PeerId> peers;
  for (int i = 0; i < 3; ++i) peers.push_back(remote("t"));
  router_->heartbeat();
  ASSERT_EQ(router_->mesh_peers("t").size(), 3u);
  auto m = signed_message(keys_[0], "t", 1, {'x'});
  sent_.clear();
  Rpc r;
  r.publish.push_back(m);
  router_->handle_rpc(peers[0], r);
  router_->handle_rpc(peers[1], r);  // duplicate via another peer
  ASSERT_EQ(delivered_.size(), 1u);
  EXPECT_EQ(delivered_[0].author, peers[0]);
  EXPECT_EQ(delivered_[0].id, message_id(m));
  // Forwarded to the mesh except the source (who is also the author).
  std::size_t forwards = 0;
  for (const auto& s : sent_) {
    forwards += s.rpc.publish.size();
    EXPECT_NE(s.to, peers[0]);
  }
  EXPECT_EQ(forwards, 2u);

  // Forged: claims peers[0] but signed by peers[1]'s key; unsigned; tampered data.
  auto forged = signed_message(keys_[1], "t", 2, {'f'});
  forged.from = peers[0].bytes();
  auto nosig = signed_message(keys_[0], "t", 3, {'u'});
  nosig.signature.clear();
  auto tampered = signed_message(keys_[0], "t", 4, {'a'});
  tampered.data = {'b'};
  Rpc bad;
  bad.publish = {forged, nosig, tampered};
  router_->handle_rpc(peers[2], bad);
  EXPECT_EQ(delivered_.size(), 1u);
  // A forged copy does not shadow the genuine message with the same id.
  auto genuine = signed_message(keys_[0], "t", 4, {'a'});
  Rpc good;
  good.publish.push_back(genuine);
  router_->handle_rpc(peers[2], good);
  EXPECT_EQ(delivered_.size(), 2u);
}

TEST_F(GossipRouterTest, GossipIHaveAndIWant) {
  router_->join("t");
  std::vector<PeerId> peers;
  for (int i = 0; i < 12; ++i) peers.push_back(remote("t"));
  router_->heartbeat();
  ASSERT_EQ(router_->mesh_peers("t").size(), 6u);
  auto id = router_->publish("t", {'g'});
  ASSERT_TRUE(id.has_value());
  sent_.clear();
  router_->heartbeat();
  std::size_t ihaves = 0;
  const auto mesh = router_->mesh_peers("t");
  for (const auto& s : sent_) {
    for (const auto& ih : s.rpc.control.ihave) {
      ++ihaves;
      EXPECT_EQ(std::count(mesh.begin(), mesh.end(), s.to), 0);
      ASSERT_EQ(ih.ids.size(), 1u);
      EXPECT_EQ(ih.ids[0], *id);
    }
  }
  EXPECT_EQ(ihaves, 6u);
  // IWANT is answered from the message cache, at most gossip_retransmission times.
  sent_.clear();
  Rpc want;
  want.control.iwant.push_back({{*id}});
  for (int i = 0; i < 5; ++i) router_->handle_rpc(peers[0], want);
  std::size_t msgs = 0;
  for (const auto& s : sent_) msgs += s.rpc.publish.size();
  EXPECT_EQ(msgs, 3u);
  // We ask for ids we have not seen.
  sent_.clear();
  Rpc have;
  have.control.ihave.push_back({"t", {*id, "unknown"}});
  router_->handle_rpc(peers[1], have);
  ASSERT_EQ(sent_.size(), 1u);
  ASSERT_EQ(sent_[0].rpc.control.iwant.size(), 1u);
  EXPECT_EQ(sent_[0].rpc.control.iwant[0].ids, std::vector<MessageId>{"unknown"});
}

TEST_F(GossipRouterTest, PublishFloodsAndSeqnoIncreases) {
  for (int i = 0; i < 9; ++i) remote("t");
  sent_.clear();
  auto a = router_->publish("t", {'1'});
  auto b = router_->publish("t", {'2'});
  ASSERT_TRUE(a && b);
  EXPECT_EQ(sent_.size(), 18u);  // flood publish: every subscribed peer
  EXPECT_LT(sent_[0].rpc.publish[0].seqno, sent_[9].rpc.publish[0].seqno);
  EXPECT_TRUE(verify_message(sent_[0].rpc.publish[0]).has_value());
  EXPECT_EQ(router_->fanout_peers("t").size(), 6u);
  clock_.advance(61s);
  router_->heartbeat();
  EXPECT_TRUE(router_->fanout_peers("t").empty());
  EXPECT_FALSE(router_->publish("t", Bytes(kMaxRpcSize)).has_value());
}

TEST_F(GossipRouterTest, LeavePrunesWithBackoffAndUnsubscribes) {
  for (int i = 0; i < 3; ++i) remote("t");
  router_->join("t");
  sent_.clear();
  router_->leave("t");
  EXPECT_FALSE(router_->joined("t"));
  EXPECT_EQ(pruned("t").size(), 3u);
  std::size_t unsubs = 0;
  for (const auto& s : sent_) {
    for (const auto& sub : s.rpc.subscriptions) unsubs += !sub.subscribe;
  }
  EXPECT_EQ(unsubs, 3u);
}

}  // namespace
}  // namespace goop::p2p::gossipsub

namespace goop::p2p::gossipsub {
namespace {

TEST_F(GossipRouterTest, ResendLatestGoesToOnePeerOnlyAndReportsSubscribers) {
  std::vector<PeerId> subscribed;
  router_->on_subscribed([&](const std::string& topic, const PeerId& p) {
    if (topic == "t") subscribed.push_back(p);
  });
  router_->join("t");
  const PeerId a = remote("t");
  EXPECT_EQ(subscribed, std::vector<PeerId>{a});
  EXPECT_FALSE(router_->resend_latest("t", a)) << "nothing published yet";
  ASSERT_TRUE(router_->publish("t", Bytes{1, 2, 3}).has_value());
  ASSERT_TRUE(router_->publish("t", Bytes{4, 5, 6}).has_value());
  const PeerId b = remote("t");
  sent_.clear();
  EXPECT_TRUE(router_->resend_latest("t", b));
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].to, b);
  ASSERT_EQ(sent_[0].rpc.publish.size(), 1u);
  EXPECT_EQ(sent_[0].rpc.publish[0].data, (Bytes{4, 5, 6}));
  EXPECT_FALSE(router_->resend_latest("other", b));
  // A second SUBSCRIBE from a known subscriber is not reported again.
  Rpc again;
  again.subscriptions.push_back({true, "t"});
  router_->handle_rpc(b, again);
  EXPECT_EQ(subscribed.size(), 2u);
}

}  // namespace
}  // namespace goop::p2p::gossipsub
