// PresenceService on Hosts and GossipSub over the memory transport, in one process: peers list
// each other with their labels and reachability, spoofed presence is ignored, an offline message
// at stop marks the peer offline at once, and the content probe answers. Each node's presence
// and peer table run on its own ManualClock: heartbeats, TTL and grace happen only when a test
// advances that clock.
#include "goop/presence/presence_service.hpp"

#include "goop/content/content_protocol.hpp"
#include "p2p/host/host.hpp"
#include "p2p/protocol/gossipsub/gossipsub.hpp"
#include "p2p/testing/node_fixture.hpp"
#include "testing/run_coro.hpp"
#include "testing/wait_for.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace goop::presence {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using goop::testing::run_coro;

constexpr const char* kTopic = "test.presence";

struct Node {
  Node(asio::io_context& io, p2p::memory::MemoryNetwork& net, std::string name)
      : key(p2p::Ed25519PrivateKey::generate()),
        host(io.get_executor(), key, p2p::testing::memory_host_config(),
             p2p::transports(p2p::memory::make_transport(io.get_executor(), net))),
        gossip(io.get_executor(), host, key),
        table(clock),
        label(std::move(name)) {}

  void start(asio::io_context& io, std::size_t max_peers = 4096,
             std::chrono::seconds heartbeat = 1s) {
    ASSERT_TRUE(host.start().has_value());
    content::serve_content(host, [this] { return label; });
    gossip.start();
    PresenceOptions o;
    o.topic = kTopic;
    o.heartbeat = heartbeat;
    o.max_peers = max_peers;
    presence = std::make_unique<PresenceService>(
        io.get_executor(), host, gossip, table, o,
        [this] {
          SelfAnnouncement s;
          s.identity.content = label;
          s.identity.public_key = "PUBKEY";  // rendezvous copy only
          s.verification_token = "TOKEN";
          for (const auto& a : host.listen_addrs()) s.addrs.push_back(a.to_string());
          return s;
        },
        clock);
    presence->start();
  }
  void stop(asio::io_context& io) {
    if (presence) run_coro(io, presence->async_stop(2s));
    run_coro(io, gossip.async_stop(2s));
    run_coro(io, host.async_stop(2s));
  }
  std::string id() const { return host.id().to_base58(); }

  ManualClock clock;  // presence and table time; gossipsub keeps real time
  p2p::Ed25519PrivateKey key;
  p2p::Host host;
  p2p::gossipsub::GossipSub gossip;
  PeerTable table;
  std::unique_ptr<PresenceService> presence;
  std::string label;
};

class PresenceTest : public ::testing::Test {
 protected:
  Node& add(std::string label, std::size_t max_peers = 4096, std::chrono::seconds heartbeat = 1s) {
    nodes_.push_back(std::make_unique<Node>(io_, net_.network(), std::move(label)));
    nodes_.back()->start(io_, max_peers, heartbeat);
    return *nodes_.back();
  }
  void connect(Node& a, Node& b) { ASSERT_TRUE(net_.connect(a.host, b.host)); }
  bool wait(std::function<bool()> pred, std::chrono::milliseconds timeout = 5000ms) {
    return net_.wait_for(std::move(pred), timeout);
  }
  void TearDown() override {
    for (auto& n : nodes_) n->stop(io_);
  }
  static bool sees(const Node& n, const Node& other, bool reachable) {
    const PeerEntry* e = n.table.find(other.id());
    return e && e->online() && e->identity.content == other.label && e->reachable == reachable;
  }

  asio::io_context io_;
  p2p::testing::NodeFixture net_{io_};
  std::vector<std::unique_ptr<Node>> nodes_;
};

TEST_F(PresenceTest, ConnectedPeersListEachOtherReachableWithinAHeartbeat) {
  Node& a = add("Alice");
  Node& b = add("Bob");
  connect(a, b);
  // The greeting to a new subscriber, then the content probe: well under a 1 s heartbeat.
  EXPECT_TRUE(wait([&] { return sees(a, b, true) && sees(b, a, true); }, 1000ms));
  EXPECT_EQ(a.table.find(a.id()), nullptr) << "self is never listed";
  const PeerEntry* e = a.table.find(b.id());
  ASSERT_NE(e, nullptr);
  EXPECT_FALSE(e->addrs.empty());
}

TEST_F(PresenceTest, ForwardedPresenceReachesPeersNotDirectlyConnected) {
  Node& a = add("A");
  Node& b = add("B");
  Node& c = add("C");
  connect(a, b);
  connect(b, c);
  // A learns C's presence through B, then probes C directly (dialling its announced address).
  EXPECT_TRUE(wait([&] { return sees(a, c, true) && sees(c, a, true); }, 5000ms));
}

TEST_F(PresenceTest, OfflineAtStopMarksThePeerOfflineAtOnce) {
  Node& a = add("A");
  Node& b = add("B");
  connect(a, b);
  ASSERT_TRUE(wait([&] { return sees(a, b, true); }));
  run_coro(io_, b.presence->async_stop(2s));
  b.presence.reset();
  EXPECT_TRUE(
      wait([&] { return a.table.find(b.id()) && !a.table.find(b.id())->online(); }, 1000ms));
}

TEST_F(PresenceTest, PresenceForAnotherPeerIsIgnored) {
  Node& a = add("A");
  Node& b = add("B");
  connect(a, b);
  ASSERT_TRUE(wait([&] { return sees(a, b, true); }));
  // B's host publishes, on the presence topic, a presence claiming to be someone else.
  PresenceMsg forged;
  forged.type = MsgType::kOnline;
  forged.peer_id =
      p2p::PeerId::from_public_key(p2p::Ed25519PrivateKey::generate().public_key()).to_base58();
  forged.content = "Mallory";
  forged.ts = 1;
  const std::string json = encode(forged);
  ASSERT_TRUE(b.gossip.publish(kTopic, Bytes(json.begin(), json.end())).has_value());
  // Then a real one with a new label: once A has applied it, it has handled the forgery too.
  b.label = "B2";
  PresenceMsg real = b.presence->make_message(MsgType::kUpdate);
  const std::string json2 = encode(real);
  ASSERT_TRUE(b.gossip.publish(kTopic, Bytes(json2.begin(), json2.end())).has_value());
  ASSERT_TRUE(
      wait([&] { return a.table.find(b.id()) && a.table.find(b.id())->identity.content == "B2"; }));
  EXPECT_EQ(a.table.find(forged.peer_id), nullptr);
}

TEST_F(PresenceTest, AFullTableIgnoresNewPeersButKeepsKnownOnes) {
  Node& a = add("A", /*max_peers=*/1);
  Node& b = add("B");
  Node& c = add("C");
  connect(a, b);
  ASSERT_TRUE(wait([&] { return sees(a, b, true); }));
  connect(b, c);
  // B forwards C's presence to A before it handles anything else, so once A has B's next
  // message on that same stream, A has handled C's too.
  ASSERT_TRUE(wait([&] { return sees(b, c, true); }));
  b.label = "B2";
  const std::string json = encode(b.presence->make_message(MsgType::kUpdate));
  ASSERT_TRUE(b.gossip.publish(kTopic, Bytes(json.begin(), json.end())).has_value());
  ASSERT_TRUE(wait([&] { return sees(a, b, true); }));
  EXPECT_EQ(a.table.find(c.id()), nullptr);
  EXPECT_EQ(a.table.entries().size(), 1u);
}

TEST_F(PresenceTest, AnnounceNowPublishesANewLabelWithoutWaitingForTheHeartbeat) {
  Node& a = add("A", 4096, 600s);
  Node& b = add("B", 4096, 600s);
  connect(a, b);
  ASSERT_TRUE(wait([&] { return sees(a, b, true); }));
  b.label = "B renamed";
  b.presence->announce_now();
  // The next heartbeat is 10 minutes away: only announce_now() can deliver this in time.
  EXPECT_TRUE(wait([&] { return sees(a, b, true); }, 5000ms));
}

TEST_F(PresenceTest, ContentProtocolAnswersTheLabel) {
  Node& a = add("");  // an empty label is sent as "hello"
  Node& b = add("Bob");
  connect(a, b);
  auto label = run_coro(io_, content::fetch_label(a.host, b.host.id(), 2s));
  ASSERT_TRUE(label.has_value()) << label.error().message;
  EXPECT_EQ(*label, "Bob");
  auto hello = run_coro(io_, content::fetch_label(b.host, a.host.id(), 2s));
  ASSERT_TRUE(hello.has_value()) << hello.error().message;
  EXPECT_EQ(*hello, "hello");
}

// ---- the rendezvous channel (heard / on_publish) ----

TEST_F(PresenceTest, RendezvousPresenceOfAnUnconnectedPeerIsProbedAndAuthoritativeForVerified) {
  Node& a = add("A");
  Node& b = add("B");  // never connected: A learns of B from the rendezvous only
  PresenceMsg m = b.presence->make_full_message(MsgType::kOnline);
  m.verification_token.clear();  // the rendezvous strips it
  m.verified = true;
  a.presence->heard(m, "rv:test");
  const PeerEntry* e = a.table.find(b.id());
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->identity.verified);
  EXPECT_EQ(e->identity.public_key, "PUBKEY");
  EXPECT_EQ(e->channels.count("rv:test"), 1u);
  // New peer: probed, which dials the announced addresses.
  EXPECT_TRUE(wait([&] { return sees(a, b, true); }));
  a.presence->heard(a.presence->make_full_message(MsgType::kOnline), "rv:test");  // ourselves
  EXPECT_EQ(a.table.find(a.id()), nullptr);
}

TEST_F(PresenceTest, RendezvousOfflineWhileGossipHearsThePeerKeepsItOnline) {
  Node& a = add("A");
  Node& b = add("B");
  connect(a, b);
  ASSERT_TRUE(wait([&] { return sees(a, b, true); }));
  EXPECT_TRUE(a.table.find(b.id())->identity.public_key.empty()) << "gossip never carries the key";
  a.presence->heard(b.presence->make_full_message(MsgType::kUpdate), "rv:test");
  a.presence->heard(b.presence->make_full_message(MsgType::kOffline), "rv:test");
  const PeerEntry* e = a.table.find(b.id());
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->online());
  EXPECT_EQ(e->channels.count("rv:test"), 0u);
  EXPECT_EQ(e->identity.public_key, "PUBKEY");  // sticky after gossip heartbeats
}

TEST_F(PresenceTest, PunchForUsDialsThePeerAndOthersAreIgnored) {
  Node& a = add("A");
  Node& b = add("B");
  Node& c = add("C");
  PresenceMsg punch;
  punch.type = MsgType::kPunch;
  punch.peer_id = b.id();
  punch.target = c.id();  // not for A
  for (const auto& addr : b.host.listen_addrs()) punch.addrs.push_back(addr.to_string());
  punch.ts = 1;
  a.presence->heard(punch, "rv:test");
  punch.target = a.id();
  a.presence->heard(punch, "rv:test");
  // A hint does not list the peer (b's own presence, once connected, will).
  EXPECT_EQ(a.table.find(b.id()), nullptr);
  EXPECT_TRUE(wait([&] { return a.host.is_connected(b.host.id()); }));
  EXPECT_FALSE(a.host.is_connected(c.host.id()));
}

TEST_F(PresenceTest, EveryAnnouncementGoesToOnPublishAsTheFullCopy) {
  Node& a = add("A", 4096, 600s);
  std::vector<PresenceMsg> sent;
  a.presence->on_publish([&](const PresenceMsg& m) { sent.push_back(m); });
  a.presence->announce_now();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type, MsgType::kUpdate);
  EXPECT_EQ(sent[0].public_key, "PUBKEY");
  EXPECT_EQ(sent[0].verification_token, "TOKEN");
  EXPECT_EQ(sent[0].content, "A");
  EXPECT_FALSE(sent[0].addrs.empty());
  EXPECT_TRUE(a.presence->make_message(MsgType::kUpdate).public_key.empty());
  run_coro(io_, a.presence->async_stop(2s));
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].type, MsgType::kOffline);
  EXPECT_EQ(sent[1].public_key, "PUBKEY");  // all fields, even for offline
  a.presence.reset();
}

// ---- time, on the manual clock ----

TEST_F(PresenceTest, HeartbeatRepublishesEveryIntervalOfTheClock) {
  Node& a = add("A", 4096, 5s);
  std::vector<PresenceMsg> sent;
  a.presence->on_publish([&](const PresenceMsg& m) { sent.push_back(m); });
  // Both loops (heartbeat, prune) parked on the clock.
  ASSERT_TRUE(wait([&] { return a.clock.sleepers() == 2; }));
  EXPECT_TRUE(sent.empty());
  a.clock.advance(4s);  // prune ticks; no heartbeat yet
  ASSERT_TRUE(wait([&] { return a.clock.sleepers() == 2; }));
  EXPECT_TRUE(sent.empty());
  a.clock.advance(1s);
  ASSERT_TRUE(wait([&] { return sent.size() == 1; }));
  EXPECT_EQ(sent[0].type, MsgType::kUpdate);
  a.clock.advance(5s);
  EXPECT_TRUE(wait([&] { return sent.size() == 2; }));
  run_coro(io_, a.presence->async_stop(2s));  // its offline goes to `sent` too, still alive here
  a.presence.reset();
}

TEST_F(PresenceTest, ASilentPeerGoesOfflineAfterTheTtlAndIsForgottenAfterTheGrace) {
  Node& a = add("A");
  Node& b = add("B");
  connect(a, b);
  ASSERT_TRUE(wait([&] { return sees(a, b, true); }));
  // Only A's clock moves: B stays silent (its heartbeat never comes) while A's TTL runs out.
  const PresenceOptions defaults;
  a.clock.advance(defaults.ttl - 1s);
  ASSERT_TRUE(wait([&] { return a.clock.sleepers() == 2; }));
  EXPECT_TRUE(a.table.find(b.id())->online()) << "within the TTL";
  a.clock.advance(2s);
  ASSERT_TRUE(wait([&] { return !a.table.find(b.id())->online(); }));
  EXPECT_FALSE(a.table.find(b.id())->reachable);
  a.clock.advance(defaults.grace);
  ASSERT_TRUE(wait([&] { return a.clock.sleepers() == 2; }));
  EXPECT_NE(a.table.find(b.id()), nullptr) << "within the grace";
  a.clock.advance(2s);
  EXPECT_TRUE(wait([&] { return a.table.find(b.id()) == nullptr; }));
}

TEST(AnnounceableAddrs, DropsLinkLocalKeepsLoopbackOnlyAlone) {
  EXPECT_EQ(
      announceable_addrs({"/ip4/127.0.0.1/tcp/1", "/ip4/192.168.1.2/tcp/1", "/ip6/::1/tcp/2",
                          "/ip4/169.254.3.4/tcp/1", "/ip6/fe80::1/tcp/2", "/ip6/2001:db8::1/tcp/2"},
                         20),
      (std::vector<std::string>{"/ip4/192.168.1.2/tcp/1", "/ip6/2001:db8::1/tcp/2"}));
  EXPECT_EQ(announceable_addrs({"/ip4/127.0.0.1/tcp/1", "/ip6/::1/tcp/2"}, 20),
            (std::vector<std::string>{"/ip4/127.0.0.1/tcp/1", "/ip6/::1/tcp/2"}));
  EXPECT_EQ(announceable_addrs({"/ip4/10.0.0.1/tcp/1", "/ip4/10.0.0.2/tcp/1", "garbage"}, 1),
            (std::vector<std::string>{"/ip4/10.0.0.1/tcp/1"}));
}

}  // namespace
}  // namespace goop::presence
