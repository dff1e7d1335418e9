#include "goop/presence/message.hpp"
#include "goop/presence/peer_table.hpp"

#include <gtest/gtest.h>

namespace goop::presence {
namespace {
using namespace std::chrono_literals;

constexpr const char* kPeer = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";
constexpr const char* kOther = "12D3KooWH3vHsxYmydkZRkgsj95aQMo3XB58fzX5oD7dN2hFz472";

TEST(PresenceMsg, EncodesGoKeysOmitsEmptyAndKeepsTs) {
  PresenceMsg m;
  m.type = MsgType::kOnline;
  m.peer_id = kPeer;
  m.content = "My Site";
  m.ts = 1700000000123;
  const std::string json = encode(m);
  EXPECT_EQ(json, std::string(R"({"type":"online","peerId":")") + kPeer +
                      R"(","content":"My Site","ts":1700000000123})");
  m.content.clear();
  m.ts = 0;
  EXPECT_NE(encode(m).find(R"("ts":0)"), std::string::npos);
}

TEST(PresenceMsg, RoundTripsEveryField) {
  PresenceMsg m;
  m.type = MsgType::kPunch;
  m.peer_id = kPeer;
  m.content = "x";
  m.email = "a@b.c";
  m.avatar_hash = "0123456789abcdef";
  m.video_disabled = true;
  m.active_template = "blog";
  m.target = kOther;
  m.addrs = {"/ip4/127.0.0.1/tcp/4001"};
  m.verification_token = "tok";
  m.public_key = "AAAA";
  m.encryption_supported = true;
  m.goop_client_version = "0.1.0";
  m.ts = 42;
  m.verified = true;
  auto back = decode(encode(m));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(encode(*back), encode(m));
}

TEST(PresenceMsg, DecodesWhatTheGoPeerSends) {
  // Shape of a Go PresenceMsg (omitempty fields absent, unknown keys tolerated).
  const std::string go =
      std::string(R"({"type":"update","peerId":")") + kPeer +
      R"(","content":"hello","avatarHash":"00ff00ff00ff00ff","encryptionSupported":true,"publicKey":"cHVi","goopClientVersion":"dev","ts":1763750000000,"future":1})";
  auto m = decode(go);
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_EQ(m->type, MsgType::kUpdate);
  EXPECT_EQ(m->content, "hello");
  EXPECT_TRUE(m->encryption_supported);
  EXPECT_EQ(m->ts, 1763750000000);
}

struct Bad {
  std::string json;
  std::string why;
};
class PresenceMsgErrors : public ::testing::TestWithParam<Bad> {};
void PrintTo(const Bad& b, std::ostream* os) { *os << b.why; }

TEST_P(PresenceMsgErrors, AreRefusedNamingTheField) {
  auto m = decode(GetParam().json);
  ASSERT_TRUE(m.has_error());
  EXPECT_NE(m.error().message.find(GetParam().why), std::string::npos) << m.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    All, PresenceMsgErrors,
    ::testing::Values(
        Bad{"nope", "not valid JSON"}, Bad{"[]", "not a JSON object"},
        Bad{std::string(R"({"type":"hello","peerId":")") + kPeer + R"(","ts":1})",
            "unknown \"type\""},
        Bad{R"({"type":"online","ts":1})", "\"peerId\" is missing"},
        Bad{R"({"type":"online","peerId":"not-a-peer","ts":1})", "is not a peer ID"},
        Bad{std::string(R"({"type":"online","peerId":")") + kPeer + R"("})", "\"ts\" is missing"},
        Bad{std::string(R"({"type":"online","peerId":")") + kPeer + R"(","ts":"1"})",
            "\"ts\" must be a whole number"},
        Bad{std::string(R"({"type":"online","peerId":")") + kPeer +
                R"(","ts":1,"content":"a\u0000b"})",
            "control characters"},
        Bad{std::string(R"({"type":"online","peerId":")") + kPeer + R"(","ts":1,"addrs":"x"})",
            "\"addrs\" must be an array"},
        Bad{std::string(R"({"type":"online","peerId":")") + kPeer +
                R"(","ts":1,"videoDisabled":"yes"})",
            "\"videoDisabled\" must be true or false"},
        Bad{std::string(R"({"type":"online","peerId":")") + kPeer + R"(","ts":1,"email":")" +
                std::string(2000, 'x') + "\"}",
            "longer than"},
        Bad{std::string(kMaxMessageBytes + 1, ' '), "larger than"}));

TEST(PresenceMsg, OnlyTheSignedAuthorMaySpeakForAPeer) {
  PresenceMsg m;
  m.peer_id = kPeer;
  EXPECT_TRUE(is_authored_by(m, kPeer));
  EXPECT_TRUE(is_authored_by(
      m, "k51qzi5uqu5dgy8qsq67hbz73jqkw87l3fgf4a91qb0d9b5173tir7n4vxk1oe"));  // same, CID form
  EXPECT_FALSE(is_authored_by(m, kOther));
  EXPECT_FALSE(is_authored_by(m, "garbage"));
}

class PeerTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    table.on_event([this](const std::string& p, PeerEvent e) { events.emplace_back(p, e); });
  }
  PeerIdentity id(std::string label) {
    PeerIdentity i;
    i.content = std::move(label);
    return i;
  }
  ManualClock clock;
  PeerTable table{clock};
  std::vector<std::pair<std::string, PeerEvent>> events;
};

TEST_F(PeerTableTest, UpsertMakesOnlineUnreachableAndKeepsStickyFields) {
  PeerIdentity first = id("a");
  first.public_key = "KEY";
  first.encryption_supported = true;
  first.goop_client_version = "1";
  first.verified = true;
  table.upsert(kPeer, first, {"/ip4/1.2.3.4/tcp/1"}, false);
  const PeerEntry* e = table.find(kPeer);
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->online());
  EXPECT_FALSE(e->reachable);
  table.set_reachable(kPeer, true);
  table.upsert(kPeer, id("b"), {"/ip4/5.6.7.8/tcp/2"}, /*keep_verified=*/true);
  e = table.find(kPeer);
  EXPECT_EQ(e->identity.content, "b");
  EXPECT_EQ(e->identity.public_key, "KEY");
  EXPECT_TRUE(e->identity.encryption_supported);
  EXPECT_EQ(e->identity.goop_client_version, "1");
  EXPECT_TRUE(e->identity.verified);  // gossip does not clear it
  EXPECT_TRUE(e->reachable);          // preserved
  EXPECT_EQ(e->addrs, (std::vector<std::string>{"/ip4/5.6.7.8/tcp/2", "/ip4/1.2.3.4/tcp/1"}));
  table.upsert(kPeer, id("c"), {}, /*keep_verified=*/false);  // the rendezvous is authoritative
  EXPECT_FALSE(table.find(kPeer)->identity.verified);
}

TEST_F(PeerTableTest, SilentPeerGoesOfflineAfterTtlAndIsPrunedAfterGrace) {
  table.upsert(kPeer, id("a"), {}, false);
  clock.advance(20s);
  table.prune(20s, 15min);
  EXPECT_TRUE(table.find(kPeer)->online());  // exactly at the TTL: still online
  clock.advance(1s);
  table.prune(20s, 15min);
  EXPECT_FALSE(table.find(kPeer)->online());
  clock.advance(15min);
  table.prune(20s, 15min);
  EXPECT_NE(table.find(kPeer), nullptr);  // exactly at the grace
  clock.advance(1s);
  table.prune(20s, 15min);
  EXPECT_EQ(table.find(kPeer), nullptr);
  EXPECT_EQ(events.back(), std::make_pair(std::string(kPeer), PeerEvent::kRemove));
}

TEST_F(PeerTableTest, FavouritesAreNeverPruned) {
  table.upsert(kPeer, id("a"), {}, false);
  table.set_favorite(kPeer, true);
  table.mark_offline(kPeer);
  clock.advance(24h);
  table.prune(20s, 15min);
  ASSERT_NE(table.find(kPeer), nullptr);
  EXPECT_FALSE(table.find(kPeer)->online());
}

TEST_F(PeerTableTest, OneFailedProbeNeverFlipsReachable) {
  table.upsert(kPeer, id("a"), {}, false);
  table.set_reachable(kPeer, true);
  table.set_reachable(kPeer, false);
  EXPECT_TRUE(table.find(kPeer)->reachable);
  clock.advance(1s);
  table.set_reachable(kPeer, false);  // same burst (within 2 s): not counted
  EXPECT_TRUE(table.find(kPeer)->reachable);
  clock.advance(3s);
  table.set_reachable(kPeer, false);
  EXPECT_FALSE(table.find(kPeer)->reachable);
  table.set_reachable(kPeer, true);
  EXPECT_TRUE(table.find(kPeer)->reachable);
}

TEST_F(PeerTableTest, SeededPeersStartOfflineAndOfflineEventOnlyOnTransition) {
  table.seed(kPeer, id("cached"), {"/ip4/1.2.3.4/tcp/1"}, true);
  ASSERT_NE(table.find(kPeer), nullptr);
  EXPECT_FALSE(table.find(kPeer)->online());
  EXPECT_TRUE(table.find(kPeer)->favorite);
  table.seed(kPeer, id("other"), {}, false);  // known: no change
  EXPECT_EQ(table.find(kPeer)->identity.content, "cached");
  const auto before = events.size();
  table.mark_offline(kPeer);  // already offline: no event
  EXPECT_EQ(events.size(), before);
  table.upsert(kPeer, id("live"), {}, false);
  EXPECT_TRUE(table.find(kPeer)->online());
  table.mark_offline(kPeer);
  EXPECT_EQ(events.size(), before + 2);
}

// The flapping fix (net.md §5.4): each channel's offline only forgets that channel.
TEST_F(PeerTableTest, RendezvousOfflineWhileGossipAliveKeepsThePeerOnline) {
  const std::string rv = "rv:https://rv.example";
  table.upsert(kPeer, id("a"), {}, true, kGossipChannel);
  table.upsert(kPeer, id("a"), {}, false, rv);
  const auto before = events.size();
  table.mark_offline(kPeer, rv);  // the rendezvous lost the peer's WebSocket
  EXPECT_TRUE(table.find(kPeer)->online());
  EXPECT_EQ(events.size(), before);  // nothing changed for the UI
  clock.advance(5s);
  table.upsert(kPeer, id("a"), {}, true, kGossipChannel);  // gossip heartbeat goes on
  clock.advance(19s);
  table.prune(20s, 15min);
  EXPECT_TRUE(table.find(kPeer)->online());
  table.mark_offline(kPeer, kGossipChannel);  // now every channel said offline
  EXPECT_FALSE(table.find(kPeer)->online());
  EXPECT_FALSE(table.find(kPeer)->reachable);
}

TEST_F(PeerTableTest, OfflineFromAChannelThatNeverHeardThePeerChangesNothing) {
  table.upsert(kPeer, id("a"), {}, true, kGossipChannel);
  table.mark_offline(kPeer, "rv:http://127.0.0.1:8787");
  EXPECT_TRUE(table.find(kPeer)->online());
  table.mark_offline(kPeer);  // forced: every channel
  EXPECT_FALSE(table.find(kPeer)->online());
  EXPECT_TRUE(table.find(kPeer)->channels.empty());
}

TEST_F(PeerTableTest, AllChannelsSilentPastTtlTakeThePeerOffline) {
  const std::string rv = "rv:https://rv.example";
  table.upsert(kPeer, id("a"), {}, true, kGossipChannel);
  clock.advance(10s);
  table.upsert(kPeer, id("a"), {}, false, rv);
  clock.advance(11s);  // gossip silent for 21 s, the rendezvous for 11 s
  table.prune(20s, 15min);
  ASSERT_TRUE(table.find(kPeer)->online());
  EXPECT_EQ(table.find(kPeer)->channels.count(std::string(kGossipChannel)),
            0u);  // gossip forgot it
  EXPECT_EQ(table.find(kPeer)->channels.count(rv), 1u);
  table.mark_offline(kPeer, rv);  // the last channel left says offline
  EXPECT_FALSE(table.find(kPeer)->online());
  table.upsert(kPeer, id("a"), {}, false, rv);
  clock.advance(21s);
  table.prune(20s, 15min);
  EXPECT_FALSE(table.find(kPeer)->online());
}

TEST_F(PeerTableTest, GossipKeepsTheVerifiedTheRendezvousSet) {
  PeerIdentity v = id("a");
  v.verified = true;
  table.upsert(kPeer, v, {}, /*keep_verified=*/false, "rv:x");
  table.upsert(kPeer, id("a"), {}, /*keep_verified=*/true, kGossipChannel);
  EXPECT_TRUE(table.find(kPeer)->identity.verified);
  table.upsert(kPeer, id("a"), {}, /*keep_verified=*/false, "rv:x");
  EXPECT_FALSE(table.find(kPeer)->identity.verified);
}

}  // namespace
}  // namespace goop::presence
