// PeerCacheSync with a real data.db and PeerTable, and hosts on the memory transport: remembered
// peers are
// seeded and re-dialled, presence writes are throttled on a manual clock, pruning and identify
// reach the cache, favourites persist, and nothing is written after stop.
#include "goop/presence/peer_cache_sync.hpp"

#include "base/errors.hpp"
#include "goop/presence/background_dialer.hpp"
#include "p2p/testing/node_fixture.hpp"
#include "p2p/testing/random_peer.hpp"
#include "storage/db.hpp"
#include "testing/run_coro.hpp"
#include "testing/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>

namespace goop::presence {
namespace {
using namespace std::chrono_literals;
using goop::testing::run_coro;
using Strings = std::vector<std::string>;

PeerIdentity ident(std::string content) {
  PeerIdentity id;
  id.content = std::move(content);
  return id;
}

class PeerCacheSyncTest : public ::testing::Test {
 protected:
  PeerCacheSyncTest() {
    auto db = storage::Db::open(dir_ / "data.db");
    EXPECT_TRUE(db.has_value()) << db.error().message;
    db_.emplace(std::move(*db));
    a_ = &net_.new_ephemeral();
    dialer_ = std::make_unique<BackgroundDialer>(io_.get_executor(), *a_);
    sync_ = std::make_unique<PeerCacheSync>(*a_, table_, *db_, *dialer_, clock_);
  }
  ~PeerCacheSyncTest() override {
    run_coro(io_, sync_->async_stop(1s));
    run_coro(io_, dialer_->async_stop(2s));
    net_.stop_all();  // the hosts stop before the sync that registered callbacks on them goes
  }

  p2p::Host& a() { return *a_; }
  p2p::Host& b() {
    if (!b_) b_ = &net_.new_ephemeral();
    return *b_;
  }
  // What data.db holds now, read through a cache of its own.
  std::vector<CachedPeer> rows() {
    auto reader = PeerCache::open(*db_, clock_);
    EXPECT_TRUE(reader.has_value());
    auto list = reader->boot_list();
    EXPECT_TRUE(list.has_value());
    return list.has_value() ? *list : std::vector<CachedPeer>{};
  }
  std::optional<CachedPeer> row(const std::string& peer) {
    for (auto& p : rows()) {
      if (p.peer_id == peer) return p;
    }
    return std::nullopt;
  }
  void remember(const std::string& peer, const PeerIdentity& id, const Strings& addrs) {
    auto writer = PeerCache::open(*db_, clock_);
    ASSERT_TRUE(writer.has_value());
    ASSERT_TRUE(writer->upsert(peer, id, addrs, false).has_value());
  }
  Strings addrs_of(p2p::Host& h) {
    Strings out;
    for (const auto& m : h.listen_addrs()) out.push_back(m.to_string());
    return out;
  }

  boost::asio::io_context io_;
  goop::testing::TempDir dir_{"peer-cache-sync"};
  ManualClock clock_;
  PeerTable table_{clock_};
  std::optional<storage::Db> db_;
  p2p::testing::NodeFixture net_{io_};
  p2p::Host* a_ = nullptr;
  p2p::Host* b_ = nullptr;
  std::unique_ptr<BackgroundDialer> dialer_;
  std::unique_ptr<PeerCacheSync> sync_;
};

TEST_F(PeerCacheSyncTest, SeedsTableAndPeerstoreAndRedialsRememberedPeers) {
  const std::string ben = b().id().to_base58();
  const std::string cat = p2p::testing::random_peer_id();
  remember(ben, ident("Ben"), addrs_of(b()));
  remember(cat, ident("Cat"), {"/ip4/127.0.0.1/tcp/1"});
  remember(a().id().to_base58(), ident("me"), {});  // our own row is never seeded
  {
    auto writer = PeerCache::open(*db_, clock_);
    ASSERT_TRUE(writer->set_protocols(ben, {"/x/1.0.0"}).has_value());
    ASSERT_TRUE(writer->set_favorite(cat, true).has_value());
  }

  ASSERT_TRUE(sync_->start().has_value());
  EXPECT_EQ(sync_->remembered(), 2u);
  ASSERT_NE(table_.find(ben), nullptr);
  EXPECT_EQ(table_.find(ben)->identity.content, "Ben");
  EXPECT_FALSE(table_.find(ben)->online());
  EXPECT_FALSE(table_.find(ben)->reachable);
  ASSERT_NE(table_.find(cat), nullptr);
  EXPECT_TRUE(table_.find(cat)->favorite);
  EXPECT_EQ(table_.find(a().id().to_base58()), nullptr);
  const p2p::PeerInfo* info = a().peerstore().find(b().id());
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->protocols, Strings{"/x/1.0.0"});
  EXPECT_FALSE(info->addrs.empty());
  EXPECT_TRUE(net_.wait_for([&] { return a().is_connected(b().id()); })) << "re-dialled";
}

TEST_F(PeerCacheSyncTest, APresenceIsWrittenAtOnceWhenItChangedElseEveryFiveMinutes) {
  ASSERT_TRUE(sync_->start().has_value());
  const std::string pat = p2p::testing::random_peer_id();
  sync_->heard(pat);
  EXPECT_FALSE(row(pat)) << "a peer the table does not hold is not written";

  table_.upsert(pat, ident("Pat"), {"/ip4/10.0.0.1/tcp/4001"}, false);
  sync_->heard(pat);
  ASSERT_TRUE(row(pat));
  const auto first = row(pat)->last_seen;
  EXPECT_EQ(row(pat)->identity.content, "Pat");

  clock_.advance(1min);
  sync_->heard(pat);
  EXPECT_EQ(row(pat)->last_seen, first) << "an unchanged heartbeat is not a disk write";

  table_.upsert(pat, ident("Pat 2"), {}, false);
  sync_->heard(pat);
  EXPECT_EQ(row(pat)->identity.content, "Pat 2") << "a change is written at once";
  const auto second = row(pat)->last_seen;
  EXPECT_GT(second, first);

  clock_.advance(PeerCacheSync::kCacheRefresh - 1s);
  sync_->heard(pat);
  EXPECT_EQ(row(pat)->last_seen, second);
  clock_.advance(1s);
  sync_->heard(pat);
  EXPECT_GT(row(pat)->last_seen, second) << "refreshed after kCacheRefresh";
}

TEST_F(PeerCacheSyncTest, APrunedPeerLosesItsRowButAFavouriteStays) {
  ASSERT_TRUE(sync_->start().has_value());
  const std::string pat = p2p::testing::random_peer_id();
  const std::string quin = p2p::testing::random_peer_id();
  for (const auto& p : {pat, quin}) {
    table_.upsert(p, ident(p), {}, false);
    sync_->heard(p);
  }
  ASSERT_TRUE(sync_->set_favorite(quin, true).has_value());
  EXPECT_TRUE(table_.find(quin)->favorite);
  table_.remove(pat);
  table_.remove(quin);
  EXPECT_FALSE(row(pat));
  ASSERT_TRUE(row(quin));
  EXPECT_TRUE(row(quin)->favorite);
}

TEST_F(PeerCacheSyncTest, IdentifyStoresTheProtocolsOfPeersInTheTable) {
  ASSERT_TRUE(sync_->start().has_value());
  const std::string ben = b().id().to_base58();
  table_.upsert(ben, ident("Ben"), addrs_of(b()), false);
  sync_->heard(ben);
  ASSERT_TRUE(row(ben));
  EXPECT_TRUE(row(ben)->protocols.empty());
  ASSERT_TRUE(net_.connect(a(), b()));
  ASSERT_TRUE(net_.wait_for([&] { return !row(ben)->protocols.empty(); }));
  const Strings protocols = row(ben)->protocols;
  EXPECT_NE(std::find(protocols.begin(), protocols.end(), "/ipfs/ping/1.0.0"), protocols.end());
}

TEST_F(PeerCacheSyncTest, FavouritesNeedAKnownPeerAndAnOpenCache) {
  const std::string pat = p2p::testing::random_peer_id();
  auto early = sync_->set_favorite(pat, true);
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().code, make_error_code(Errc::kClosed));
  ASSERT_TRUE(sync_->start().has_value());
  auto unknown = sync_->set_favorite(pat, true);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, make_error_code(Errc::kNotFound));
}

TEST_F(PeerCacheSyncTest, NothingIsWrittenAfterStop) {
  ASSERT_TRUE(sync_->start().has_value());
  const std::string pat = p2p::testing::random_peer_id();
  table_.upsert(pat, ident("Pat"), {}, false);
  sync_->heard(pat);
  ASSERT_TRUE(row(pat));
  run_coro(io_, sync_->async_stop(1s));
  table_.upsert(pat, ident("Pat 2"), {}, false);
  sync_->heard(pat);
  table_.remove(pat);
  ASSERT_TRUE(row(pat)) << "removal after stop is not written";
  EXPECT_EQ(row(pat)->identity.content, "Pat");
}

}  // namespace
}  // namespace goop::presence
