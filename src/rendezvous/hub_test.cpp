#include "rendezvous/hub.hpp"

#include "p2p/testing/random_peer.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

namespace goop::rendezvous {
namespace {
namespace json = boost::json;
using presence::MsgType;
using presence::PresenceMsg;

// Records what the hub sends; `capacity` models a bounded queue that overflows.
class FakeSubscriber final : public Subscriber {
 public:
  explicit FakeSubscriber(std::size_t capacity = 1000) : capacity_(capacity) {}
  bool send(std::shared_ptr<const std::string> m) override {
    if (closed || got.size() >= capacity_) {
      closed = true;
      return false;
    }
    got.push_back(std::move(m));
    return true;
  }
  void close() override { closed = true; }
  bool alive() const override { return !closed; }

  std::vector<json::object> messages() const {
    std::vector<json::object> out;
    for (const auto& m : got) out.push_back(json::parse(*m).as_object());
    return out;
  }
  std::vector<json::object> of_type(std::string_view type) const {
    std::vector<json::object> out;
    for (auto& o : messages()) {
      if (o.at("type").as_string() == type) out.push_back(o);
    }
    return out;
  }

  std::vector<std::shared_ptr<const std::string>> got;
  bool closed = false;

 private:
  std::size_t capacity_;
};

PresenceMsg msg(MsgType type, const std::string& peer, std::string content = "label",
                std::vector<std::string> addrs = {}) {
  PresenceMsg m;
  m.type = type;
  m.peer_id = peer;
  m.content = std::move(content);
  m.addrs = std::move(addrs);
  m.ts = 1;
  return m;
}

class HubTest : public ::testing::Test {
 protected:
  HubTest() : hub_(HubOptions{std::chrono::seconds(20)}, clock_) {}
  std::shared_ptr<FakeSubscriber> subscribe(const std::string& peer,
                                            SubscriberKind kind = SubscriberKind::kWebSocket,
                                            std::size_t capacity = 1000) {
    auto s = std::make_shared<FakeSubscriber>(capacity);
    ids_[s.get()] = hub_.subscribe(peer, kind, s);
    return s;
  }

  ManualClock clock_;
  Hub hub_;
  std::map<FakeSubscriber*, Hub::SubscriberId> ids_;
  std::string a_ = p2p::testing::random_peer_id(), b_ = p2p::testing::random_peer_id(),
              c_ = p2p::testing::random_peer_id();
};

TEST_F(HubTest, PublishBroadcastsOneSharedEncodingToEverySubscriber) {
  hub_.publish(msg(MsgType::kOnline, a_));
  hub_.publish(msg(MsgType::kOnline, b_));
  auto sa = subscribe(a_);
  auto sb = subscribe(b_, SubscriberKind::kEvents);
  sa->got.clear();
  sb->got.clear();
  hub_.publish(msg(MsgType::kUpdate, a_, "hello"));
  ASSERT_EQ(sa->got.size(), 1u);
  ASSERT_EQ(sb->got.size(), 1u);
  EXPECT_EQ(sa->got[0].get(), sb->got[0].get());  // encoded once, shared
  auto o = sa->messages()[0];
  EXPECT_EQ(o.at("type").as_string(), "update");
  EXPECT_EQ(o.at("peerId").as_string(), a_);
  EXPECT_EQ(o.at("content").as_string(), "hello");
  EXPECT_EQ(hub_.stats().published, 3u);
}

TEST_F(HubTest, StripsVerificationTokenAndSetsVerified) {
  auto s = subscribe(c_);  // a WebSocket listens before its first presence
  hub_.publish(msg(MsgType::kOnline, c_));
  auto m = msg(MsgType::kUpdate, a_);
  m.verification_token = "secret-token";
  m.ts = 0;
  hub_.publish(m);
  const std::string& last = *s->got.back();
  EXPECT_EQ(last.find("verificationToken"), std::string::npos);
  EXPECT_EQ(last.find("secret-token"), std::string::npos);
  auto o = json::parse(last).as_object();
  EXPECT_TRUE(o.at("verified").as_bool());
  EXPECT_GT(o.at("ts").as_int64(), 1);  // filled with now
  auto row = hub_.row_for_testing(a_);
  ASSERT_TRUE(row);
  EXPECT_TRUE(row->msg.verification_token.empty());
  EXPECT_TRUE(row->msg.verified);
}

TEST_F(HubTest, SnapshotOnSubscribeListsKnownPeersAsUpdatesBeforeLiveMessages) {
  hub_.publish(msg(MsgType::kOnline, a_, "A"));
  hub_.publish(msg(MsgType::kOnline, b_, "B"));
  auto s = subscribe(a_);
  ASSERT_EQ(s->got.size(), 2u);
  std::set<std::string> peers;
  for (auto& o : s->messages()) {
    EXPECT_EQ(o.at("type").as_string(), "update");
    peers.insert(std::string(o.at("peerId").as_string()));
  }
  EXPECT_EQ(peers, (std::set<std::string>{a_, b_}));
  hub_.publish(msg(MsgType::kUpdate, b_, "B2"));
  ASSERT_EQ(s->got.size(), 3u);
  EXPECT_EQ(s->messages()[2].at("content").as_string(), "B2");
}

TEST_F(HubTest, UnknownPeerListensOverWebSocketButNotOverEvents) {
  hub_.publish(msg(MsgType::kOnline, a_));
  auto ws = subscribe(b_);
  auto sse = subscribe(b_, SubscriberKind::kEvents);
  ASSERT_EQ(ws->messages().size(), 1u);  // the snapshot at once
  EXPECT_TRUE(sse->got.empty());         // an event stream waits for b's first presence
  hub_.publish(msg(MsgType::kUpdate, a_));
  EXPECT_EQ(ws->messages().size(), 2u);
  EXPECT_TRUE(sse->got.empty());
  hub_.publish(msg(MsgType::kOnline, b_, "me"));
  // The event stream: the snapshot of the others, then its own message once (not twice).
  auto all = sse->messages();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].at("peerId").as_string(), a_);
  EXPECT_EQ(all[1].at("peerId").as_string(), b_);
  EXPECT_EQ(all[1].at("type").as_string(), "online");
  EXPECT_EQ(ws->messages().size(), 3u);
}

TEST_F(HubTest, NewWebSocketReplacesOldWithoutMarkingOffline) {
  hub_.publish(msg(MsgType::kOnline, a_));
  auto watcher = subscribe(b_, SubscriberKind::kEvents);  // pending until b publishes
  hub_.publish(msg(MsgType::kOnline, b_));
  watcher->got.clear();
  auto first = subscribe(a_);
  auto second = subscribe(a_);
  EXPECT_TRUE(first->closed);
  EXPECT_FALSE(second->closed);
  EXPECT_TRUE(hub_.knows(a_));
  EXPECT_TRUE(watcher->of_type("offline").empty());
  EXPECT_EQ(hub_.stats().ws_clients, 1u);
  // The old connection's late teardown changes nothing.
  hub_.unsubscribe(ids_[first.get()]);
  EXPECT_EQ(hub_.stats().ws_clients, 1u);
  hub_.publish(msg(MsgType::kUpdate, b_));
  EXPECT_EQ(second->got.back(), watcher->got.back());
  EXPECT_NE(hub_.peers_json().find("\"ws_connected\":true"), std::string::npos);
}

TEST_F(HubTest, DroppedSubscriberDoesNotMarkItsPeerOffline) {
  hub_.publish(msg(MsgType::kOnline, a_));
  hub_.publish(msg(MsgType::kOnline, b_));
  auto sa = subscribe(a_);
  auto sb = subscribe(b_);
  sb->got.clear();
  hub_.unsubscribe(ids_[sa.get()]);
  EXPECT_TRUE(hub_.knows(a_));
  EXPECT_TRUE(sb->got.empty());
  EXPECT_EQ(hub_.stats().ws_clients, 1u);
}

TEST_F(HubTest, SweepRemovesRowsOlderThanTtlAndBroadcastsOffline) {
  hub_.publish(msg(MsgType::kOnline, a_));
  hub_.publish(msg(MsgType::kOnline, b_));
  auto sb = subscribe(b_);
  clock_.advance(std::chrono::seconds(15));
  hub_.publish(msg(MsgType::kUpdate, b_));  // b stays fresh
  EXPECT_EQ(hub_.sweep(), 0u);
  clock_.advance(std::chrono::seconds(6));  // a: 21 s without presence
  EXPECT_EQ(hub_.sweep(), 1u);
  EXPECT_FALSE(hub_.knows(a_));
  EXPECT_TRUE(hub_.knows(b_));
  auto off = sb->of_type("offline");
  ASSERT_EQ(off.size(), 1u);
  EXPECT_EQ(off[0].at("peerId").as_string(), a_);
  EXPECT_NE(hub_.logs_json().find("Removed stale peer: " + a_), std::string::npos);
  // The DB hears about the removal.
  bool deleted = false;
  for (auto& d : hub_.take_dirty()) deleted |= d.peer_id == a_ && !d.row;
  EXPECT_TRUE(deleted);
}

TEST_F(HubTest, OfflineRemovesRowAndIsBroadcast) {
  hub_.publish(msg(MsgType::kOnline, a_));
  hub_.publish(msg(MsgType::kOnline, b_));
  auto sb = subscribe(b_);
  hub_.publish(msg(MsgType::kOffline, a_));
  EXPECT_FALSE(hub_.knows(a_));
  EXPECT_EQ(sb->of_type("offline").size(), 1u);
}

TEST_F(HubTest, PunchHintsGoOnlyToTargetsWithPairCooldown) {
  auto sa = subscribe(a_);
  auto sb = subscribe(b_);
  auto sc = subscribe(c_);
  hub_.publish(msg(MsgType::kOnline, c_));  // c has no addrs: never part of a hint
  hub_.publish(msg(MsgType::kOnline, a_, "A", {"/ip4/1.2.3.4/tcp/1"}));
  hub_.publish(msg(MsgType::kOnline, b_, "B", {"/ip4/5.6.7.8/tcp/2"}));
  auto pa = sa->of_type("punch");
  auto pb = sb->of_type("punch");
  ASSERT_EQ(pa.size(), 1u);
  ASSERT_EQ(pb.size(), 1u);
  EXPECT_TRUE(sc->of_type("punch").empty());
  EXPECT_EQ(pa[0].at("peerId").as_string(), b_);
  EXPECT_EQ(pa[0].at("target").as_string(), a_);
  EXPECT_EQ(pa[0].at("addrs").as_array()[0].as_string(), "/ip4/5.6.7.8/tcp/2");
  EXPECT_EQ(pb[0].at("peerId").as_string(), a_);
  EXPECT_EQ(pb[0].at("target").as_string(), b_);
  EXPECT_EQ(pb[0].at("addrs").as_array()[0].as_string(), "/ip4/1.2.3.4/tcp/1");

  // Same addrs again: nothing. New addrs within 60 s: nothing (pair cooldown).
  hub_.publish(msg(MsgType::kUpdate, b_, "B", {"/ip4/5.6.7.8/tcp/2"}));
  hub_.publish(msg(MsgType::kUpdate, b_, "B", {"/ip4/9.9.9.9/tcp/3"}));
  EXPECT_EQ(sa->of_type("punch").size(), 1u);
  // After 60 s a change produces a new pair.
  clock_.advance(std::chrono::seconds(61));
  hub_.publish(msg(MsgType::kUpdate, a_, "A", {"/ip4/1.2.3.4/tcp/1"}));  // keeps a fresh
  hub_.publish(msg(MsgType::kUpdate, b_, "B", {"/ip4/5.6.7.8/tcp/4"}));
  EXPECT_EQ(sa->of_type("punch").size(), 2u);
  EXPECT_EQ(sb->of_type("punch").size(), 2u);
}

TEST_F(HubTest, ReorderedAddrsAreNotAChange) {
  auto sa = subscribe(a_);
  hub_.publish(msg(MsgType::kOnline, a_, "A", {"/ip4/1.1.1.1/tcp/1"}));
  hub_.publish(msg(MsgType::kOnline, b_, "B", {"/ip4/2.2.2.2/tcp/1", "/ip4/3.3.3.3/tcp/1"}));
  ASSERT_EQ(sa->of_type("punch").size(), 1u);
  clock_.advance(std::chrono::seconds(61));
  hub_.publish(msg(MsgType::kUpdate, b_, "B", {"/ip4/3.3.3.3/tcp/1", "/ip4/2.2.2.2/tcp/1"}));
  EXPECT_EQ(sa->of_type("punch").size(), 1u);
  hub_.publish(msg(MsgType::kUpdate, b_, "B", {"/ip4/3.3.3.3/tcp/1"}));
  EXPECT_EQ(sa->of_type("punch").size(), 2u);
}

TEST_F(HubTest, SlowSubscriberIsDropped) {
  hub_.publish(msg(MsgType::kOnline, a_));
  auto slow = subscribe(a_, SubscriberKind::kWebSocket, 3);  // snapshot takes 1
  auto fast = subscribe(b_, SubscriberKind::kEvents);
  hub_.publish(msg(MsgType::kOnline, b_));
  for (int i = 0; i < 5; ++i) hub_.publish(msg(MsgType::kUpdate, a_));
  EXPECT_TRUE(slow->closed);
  EXPECT_EQ(slow->got.size(), 3u);
  EXPECT_EQ(hub_.stats().ws_clients, 0u);
  EXPECT_EQ(hub_.stats().sse_clients, 1u);
  EXPECT_EQ(fast->got.size(), 7u);  // snapshot (a), b online, 5 updates
  EXPECT_TRUE(hub_.knows(a_));
}

TEST_F(HubTest, BytesAccountingWithoutPerRowLoop) {
  hub_.publish(msg(MsgType::kOnline, a_));
  const std::size_t first = hub_.row_for_testing(a_)->bytes_sent;
  hub_.publish(msg(MsgType::kOnline, b_));
  const std::size_t b_size = hub_.row_for_testing(b_)->bytes_sent;
  hub_.publish(msg(MsgType::kUpdate, a_));
  const std::size_t second = hub_.row_for_testing(a_)->bytes_sent - first;
  // Every broadcast counts for every row present when it was sent (the sender's own included).
  EXPECT_EQ(hub_.row_for_testing(a_)->bytes_received, first + b_size + second);
  EXPECT_EQ(hub_.row_for_testing(b_)->bytes_received, b_size + second);
  // Replacing a row keeps bytes_received and adds to bytes_sent.
  EXPECT_EQ(hub_.row_for_testing(a_)->bytes_sent, first + second);
}

TEST_F(HubTest, PeersJsonOrdersByTypeThenLastSeen) {
  hub_.publish(msg(MsgType::kUpdate, a_));
  clock_.advance(std::chrono::seconds(1));
  hub_.publish(msg(MsgType::kOnline, b_));
  clock_.advance(std::chrono::seconds(1));
  auto c = msg(MsgType::kUpdate, c_);
  c.goop_client_version = "0.6.0";
  hub_.publish(c);
  auto arr = json::parse(hub_.peers_json()).as_array();
  ASSERT_EQ(arr.size(), 3u);
  EXPECT_EQ(arr[1].at("goop_client_version").as_string(), "0.6.0");
  EXPECT_EQ(arr[0].at("peer_id").as_string(), b_);  // online first
  EXPECT_EQ(arr[1].at("peer_id").as_string(), c_);  // then updates, newest first
  EXPECT_EQ(arr[2].at("peer_id").as_string(), a_);
  EXPECT_TRUE(arr[0].at("verified").as_bool());
  EXPECT_FALSE(arr[0].as_object().contains("verification_token"));
  EXPECT_FALSE(arr[0].as_object().contains("ws_connected"));
}

TEST_F(HubTest, LoadSkipsRowsOlderThanTtlAndKeepsAddrs) {
  const auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.wall_now().time_since_epoch())
          .count();
  PeerRow fresh;
  fresh.msg = msg(MsgType::kOnline, a_, "A", {"/ip4/1.2.3.4/tcp/1"});
  fresh.msg.public_key = "pk";
  fresh.last_seen_ms = now_ms - 5000;
  fresh.bytes_received = 77;
  PeerRow old = fresh;
  old.msg.peer_id = b_;
  old.last_seen_ms = now_ms - 25000;
  hub_.load({fresh, old});
  EXPECT_TRUE(hub_.knows(a_));
  EXPECT_FALSE(hub_.knows(b_));
  auto row = hub_.row_for_testing(a_);
  EXPECT_EQ(row->msg.addrs.size(), 1u);
  EXPECT_EQ(row->msg.public_key, "pk");
  EXPECT_EQ(row->bytes_received, 77u);
  // Its age is kept: 15 more seconds make it stale (5 + 15 >= 20).
  clock_.advance(std::chrono::seconds(15));
  EXPECT_EQ(hub_.sweep(), 1u);
}

TEST_F(HubTest, LogRingKeepsTheLast500Lines) {
  for (int i = 0; i < 510; ++i) hub_.note(log::Level::kDebug, fmt::format("line {}", i));
  auto arr = json::parse(hub_.logs_json()).as_array();
  ASSERT_EQ(arr.size(), 500u);
  EXPECT_NE(std::string(arr[0].as_string()).find("] line 10"), std::string::npos);
  EXPECT_EQ(std::string(arr[0].as_string()).substr(0, 1), "[");
}

TEST_F(HubTest, DeadSubscribersAreForgottenBySweep) {
  hub_.publish(msg(MsgType::kOnline, a_));
  auto s = subscribe(a_, SubscriberKind::kEvents);
  EXPECT_EQ(hub_.stats().sse_clients, 1u);
  s->closed = true;
  hub_.sweep();
  EXPECT_EQ(hub_.stats().sse_clients, 0u);
}

}  // namespace
}  // namespace goop::rendezvous
