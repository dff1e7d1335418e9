// Presence between real goop2 processes on 127.0.0.1 (issue 4): peers that know each other's
// addresses (from the peer cache in data.db) list each other in GET /api/peers within two
// heartbeats; a killed peer turns offline within ttl + one heartbeat; a stopped one within 1 s;
// a restarted peer re-dials the peers it remembers; favourites persist.

#include "../support/http_client.hpp"
#include "../support/peer_process.hpp"
#include "../support/remember_peer.hpp"
#include "base/clock.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

namespace goop::testing {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kHeartbeat = 2;
constexpr int kTtl = 5;

bool online(const PeerProcess& viewer, const std::string& id) {
  const auto row = viewer.row(id);
  return row.is_object() && row.at("Offline") == false && row.at("Reachable") == true;
}
bool offline(const PeerProcess& viewer, const std::string& id) {
  const auto row = viewer.row(id);
  return row.is_object() && row.at("Offline") == true && row.at("Reachable") == false;
}

class Presence : public ::testing::Test {
 protected:
  PeerSettings settings(const std::string& label) {
    PeerSettings s;
    s.label = label;
    s.topic = topic_;
    s.mdns_tag = topic_;  // no mDNS peers from elsewhere on this machine's LAN mix in
    s.heartbeat_seconds = kHeartbeat;
    s.ttl_seconds = kTtl;
    return s;
  }
  fs::path dir(const std::string& label) const { return fs::path(tmp_.path()) / label; }
  // ann knows nobody, ben remembers ann, cat remembers ann and ben.
  void start_three() {
    ann_ = std::make_unique<PeerProcess>(dir("ann").string(), settings("ann"));
    remember_peer(dir("ben"), *ann_);
    ben_ = std::make_unique<PeerProcess>(dir("ben").string(), settings("ben"));
    remember_peer(dir("cat"), *ann_);
    remember_peer(dir("cat"), *ben_);
    cat_ = std::make_unique<PeerProcess>(dir("cat").string(), settings("cat"));
  }
  std::vector<const PeerProcess*> all() const { return {ann_.get(), ben_.get(), cat_.get()}; }
  bool all_see_all() const {
    for (auto* a : all()) {
      for (auto* b : all()) {
        if (a != b && !online(*a, b->id())) return false;
      }
    }
    return true;
  }
  std::string dump() const {
    return "ann: " + json::serialize(ann_->peers()) + "\nben: " + json::serialize(ben_->peers()) +
           "\ncat: " + json::serialize(cat_->peers());
  }

  TempDir tmp_;
  std::string topic_ = unique_name("presence");
  std::unique_ptr<PeerProcess> ann_, ben_, cat_;
};

TEST_F(Presence, PeersThatKnowEachOtherListEachOtherWithinTwoHeartbeats) {
  start_three();
  const auto started = Clock::now();
  ASSERT_TRUE(wait_for(
      PeerEvents(all()), [&] { return all_see_all(); }, std::chrono::seconds(2 * kHeartbeat)))
      << dump();
  RecordProperty(
      "converged_ms",
      static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count()));
  // ann never had ben's address: she learned it from ben's presence and the probe.
  const auto row = ann_->row(ben_->id());
  EXPECT_EQ(row.at("Content"), "ben");
  EXPECT_EQ(row.at("Verified"), false);
  EXPECT_EQ(row.at("Favorite"), false);
  EXPECT_TRUE(row.at("LastSeen").as_string().ends_with("Z"));
  EXPECT_TRUE(wait_for(
      PeerEvents({ann_.get()}), [&] { return ann_->row(ben_->id()).at("Connection") == "lan"; },
      std::chrono::seconds(2)))
      << "a peer on 127.0.0.1 is a LAN connection: " << dump();
  const auto self = json::parse(http_get(ann_->viewer(), "/api/self").body).as_object();
  EXPECT_EQ(self.at("id"), ann_->id().c_str());
  EXPECT_EQ(self.at("label"), "ann");
  EXPECT_EQ(ann_->row(ann_->id()), nullptr) << "self is not listed";
}

TEST_F(Presence, KilledPeerTurnsOfflineWithinTtlPlusAHeartbeat) {
  start_three();
  ASSERT_TRUE(wait_for(
      PeerEvents(all()), [&] { return all_see_all(); }, 10s))
      << dump();
  cat_->process().signal(SIGKILL);
  const auto killed = Clock::now();
  ASSERT_TRUE(cat_->process().wait_exit(5s).has_value());
  EXPECT_TRUE(wait_for(
      PeerEvents({ann_.get(), ben_.get()}),
      [&] { return offline(*ann_, cat_->id()) && offline(*ben_, cat_->id()); },
      std::chrono::seconds(kTtl + kHeartbeat)))
      << dump();
  // Not earlier than the TTL allows: no peer is dropped while it may still be alive.
  EXPECT_GE(Clock::now() - killed, std::chrono::seconds(kTtl - kHeartbeat));
  EXPECT_TRUE(online(*ann_, ben_->id())) << "the others stay online";
}

TEST_F(Presence, StoppedPeerTurnsOfflineWithinOneSecond) {
  start_three();
  ASSERT_TRUE(wait_for(
      PeerEvents(all()), [&] { return all_see_all(); }, 10s))
      << dump();
  cat_->process().signal(SIGTERM);
  EXPECT_TRUE(wait_for(
      PeerEvents({ann_.get(), ben_.get()}),
      [&] { return offline(*ann_, cat_->id()) && offline(*ben_, cat_->id()); }, 1000ms))
      << dump();
  EXPECT_EQ(cat_->process().wait_exit(10s), 0) << cat_->log();
}

TEST_F(Presence, RestartedPeerRedialsRememberedPeersAndKeepsFavourites) {
  start_three();
  ASSERT_TRUE(wait_for(
      PeerEvents(all()), [&] { return all_see_all(); }, 10s))
      << dump();
  // ann favourites cat from her viewer page (token, cookie, Origin); a request without them,
  // or from another origin such as a peer site, changes nothing.
  const std::string favourite = R"({"peer_id":")" + cat_->id() + R"(","favorite":true})";
  const std::string token = viewer_token(ann_->viewer());
  ASSERT_EQ(token.size(), 64u);
  EXPECT_EQ(http_request(ann_->viewer(), "POST", "/api/peers/favorite", favourite).status, 403);
  EXPECT_EQ(
      http_request(
          ann_->viewer(), "POST", "/api/peers/favorite", favourite,
          "Origin: http://evil.localhost:1\r\nCookie: " + token_cookie_for(ann_->viewer()) + "=" +
              token + "\r\nX-Goop-Token: " + token + "\r\nContent-Type: application/json\r\n")
          .status,
      403);
  EXPECT_EQ(ann_->row(cat_->id()).at("Favorite"), false);
  const std::string page = viewer_page_headers(ann_->viewer(), token);
  auto fav = http_request(ann_->viewer(), "POST", "/api/peers/favorite", favourite, page);
  EXPECT_EQ(fav.status, 200) << fav.body;
  EXPECT_EQ(ann_->row(cat_->id()).at("Favorite"), true);
  EXPECT_EQ(
      http_request(ann_->viewer(), "POST", "/api/peers/favorite", R"({"favorite":true})", page)
          .status,
      400);

  ann_->process().signal(SIGTERM);
  ASSERT_EQ(ann_->process().wait_exit(10s), 0) << ann_->log();
  // ann knew ben's and cat's addresses only from presence; the restart finds them in data.db.
  ann_ = std::make_unique<PeerProcess>(dir("ann").string(), settings("ann"), /*keep_config=*/true);
  EXPECT_NE(ann_->process().out().find("2 peers from data.db"), std::string::npos)
      << ann_->process().out();
  EXPECT_TRUE(wait_for(
      PeerEvents(all()), [&] { return all_see_all(); }, std::chrono::seconds(2 * kHeartbeat)))
      << dump();
  EXPECT_EQ(ann_->row(cat_->id()).at("Favorite"), true);
}

TEST_F(Presence, EventStreamReplaysTheTableThenAnnouncesChanges) {
  start_three();
  ASSERT_TRUE(wait_for(
      PeerEvents(all()), [&] { return all_see_all(); }, 10s))
      << dump();
  HttpStream events(ann_->viewer(), "/api/mq/events");
  // The first frame, then the table replayed to a late subscriber.
  ASSERT_TRUE(events.read_until_contains("event: connected\ndata: {\"status\":\"ok\"}", 5s))
      << events.text();
  ASSERT_TRUE(events.read_until(
      [&](const std::string& t) {
        return t.find("\"peerID\":\"" + ben_->id() + "\"") != std::string::npos &&
               t.find("\"peerID\":\"" + cat_->id() + "\"") != std::string::npos;
      },
      5s))
      << events.text();
  EXPECT_NE(events.text().find("\"topic\":\"peer:announce\""), std::string::npos);
  EXPECT_NE(events.text().find("\"content\":\"ben\""), std::string::npos);
  // A change: cat stops, ann's page hears that cat is offline.
  const std::size_t before = events.text().size();
  cat_->process().signal(SIGTERM);
  EXPECT_TRUE(events.read_until(
      [&](const std::string& t) {
        const auto at = t.find("\"peerID\":\"" + cat_->id() + "\"", before);
        return at != std::string::npos && t.find("\"offline\":true", at) != std::string::npos;
      },
      2s))
      << events.text().substr(before);
}

TEST_F(Presence, ProbeRouteReturnsTheTableAfterProbing) {
  start_three();
  ASSERT_TRUE(wait_for(
      PeerEvents(all()), [&] { return all_see_all(); }, 10s))
      << dump();
  auto r = http_request(ann_->viewer(), "POST", "/api/peers/probe", "",
                        viewer_page_headers(ann_->viewer(), viewer_token(ann_->viewer())));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto rows = json::parse(r.body).as_array();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_LT(rows[0].at("ID").as_string(), rows[1].at("ID").as_string()) << "sorted by ID";
  for (const auto& row : rows) EXPECT_EQ(row.at("Reachable"), true);
}

}  // namespace
}  // namespace goop::testing
