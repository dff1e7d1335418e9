#include "goop/presence/peer_cache.hpp"

#include "base/errors.hpp"
#include "storage/db.hpp"
#include "testing/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace goop::presence {
namespace {
using namespace std::chrono_literals;
using Strings = std::vector<std::string>;

constexpr const char* kA = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";
constexpr const char* kB = "12D3KooWH3vHsxYmydkZRkgsj95aQMo3XB58fzX5oD7dN2hFz472";
constexpr const char* kC = "12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo";
constexpr const char* kD = "12D3KooWSJAAbgxVbfCjvjTBh4v1Ns2P3Y5YcKJ9h6ZBn9h4kDBv";

PeerIdentity ident(std::string content, std::string key = "") {
  PeerIdentity id;
  id.content = std::move(content);
  id.public_key = std::move(key);
  return id;
}

class PeerCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }
  // Opens data.db without the cache (to lay out a Go-made file first).
  void open_db() {
    cache_.reset();
    db_.reset();
    auto db = storage::Db::open(dir_ / "data.db");
    ASSERT_TRUE(db.has_value()) << db.error().message;
    db_.emplace(std::move(*db));
  }
  void open_cache() {
    auto c = PeerCache::open(*db_, clock_);
    ASSERT_TRUE(c.has_value()) << c.error().message;
    cache_.emplace(std::move(*c));
  }
  void reopen() {
    open_db();
    open_cache();
  }
  void sql(const std::string& s) {
    auto r = db_->exec(s);
    ASSERT_TRUE(r.has_value()) << r.error().message;
  }
  void upsert(const char* peer, const PeerIdentity& id, const Strings& addrs,
              bool verified = false) {
    auto r = cache_->upsert(peer, id, addrs, verified);
    ASSERT_TRUE(r.has_value()) << r.error().message;
  }
  std::vector<CachedPeer> boot() {
    auto list = cache_->boot_list();
    EXPECT_TRUE(list.has_value()) << list.error().message;
    return list.has_value() ? *list : std::vector<CachedPeer>{};
  }
  std::optional<CachedPeer> find(const std::string& peer) {
    for (auto& p : boot()) {
      if (p.peer_id == peer) return p;
    }
    return std::nullopt;
  }
  Strings ids(const std::vector<CachedPeer>& list) {
    Strings out;
    for (const auto& p : list) out.push_back(p.peer_id + (p.favorite ? "*" : ""));
    return out;
  }

  goop::testing::TempDir tmp_{"pc"};
  const std::filesystem::path dir_ = tmp_.path();
  ManualClock clock_;
  std::optional<storage::Db> db_;
  std::optional<PeerCache> cache_;
};

TEST_F(PeerCacheTest, RoundTripsEveryStoredField) {
  PeerIdentity id;
  id.content = "Alice's site";
  id.email = "alice@example.org";
  id.avatar_hash = "00ff00ff00ff00ff";
  id.video_disabled = true;
  id.active_template = "blog";
  id.public_key = "cHVibGljIGtleQ==";
  id.verified = false;  // ignored: the parameter decides
  id.goop_client_version = "1.2.3";
  upsert(kA, id, {"/ip4/192.168.1.2/tcp/4001", "/ip6/::1/tcp/4001"}, /*verified=*/true);
  ASSERT_TRUE(cache_->set_protocols(kA, {"/ipfs/id/1.0.0", "/goop/mq/1.0.0"}).has_value());

  const auto list = boot();
  ASSERT_EQ(list.size(), 1u);
  const CachedPeer& p = list[0];
  EXPECT_EQ(p.peer_id, kA);
  EXPECT_EQ(p.identity.content, "Alice's site");
  EXPECT_EQ(p.identity.email, "alice@example.org");
  EXPECT_EQ(p.identity.avatar_hash, "00ff00ff00ff00ff");
  EXPECT_TRUE(p.identity.video_disabled);
  EXPECT_EQ(p.identity.active_template, "blog");
  EXPECT_EQ(p.identity.public_key, "cHVibGljIGtleQ==");
  EXPECT_TRUE(p.identity.encryption_supported);
  EXPECT_TRUE(p.identity.verified);
  EXPECT_EQ(p.identity.goop_client_version, "");
  EXPECT_EQ(p.addrs, (Strings{"/ip4/192.168.1.2/tcp/4001", "/ip6/::1/tcp/4001"}));
  EXPECT_EQ(p.protocols, (Strings{"/ipfs/id/1.0.0", "/goop/mq/1.0.0"}));
  EXPECT_FALSE(p.favorite);
  EXPECT_EQ(p.last_seen, std::chrono::floor<std::chrono::milliseconds>(clock_.wall_now()));

  // Stored as the Go peer stores them: JSON arrays and a UTC text timestamp.
  auto st = db_->query("SELECT addrs, protocols, last_seen, verified FROM _peer_cache");
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->column_text(0), R"(["/ip4/192.168.1.2/tcp/4001","/ip6/::1/tcp/4001"])");
  EXPECT_EQ(st->column_text(1), R"(["/ipfs/id/1.0.0","/goop/mq/1.0.0"])");
  EXPECT_EQ(st->column_text(2).size(), std::string("2026-01-01 00:00:00.000").size());
  EXPECT_EQ(st->column_int64(3), 1);
}

TEST_F(PeerCacheTest, UpsertReplacesMetadataButEmptyAddrsKeepTheStoredOnes) {
  PeerIdentity first = ident("old");
  first.email = "old@x";
  first.video_disabled = true;
  upsert(kA, first, {"/ip4/10.0.0.1/tcp/1"}, true);
  clock_.advance(5s);
  upsert(kA, ident("new"), {}, false);
  auto p = find(kA);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->identity.content, "new");
  EXPECT_EQ(p->identity.email, "");
  EXPECT_FALSE(p->identity.video_disabled);
  EXPECT_FALSE(p->identity.verified);
  EXPECT_EQ(p->addrs, Strings{"/ip4/10.0.0.1/tcp/1"});
  EXPECT_EQ(p->last_seen, std::chrono::floor<std::chrono::milliseconds>(clock_.wall_now()));

  upsert(kA, ident("new"), {"/ip4/10.0.0.2/tcp/2"});
  EXPECT_EQ(find(kA)->addrs, Strings{"/ip4/10.0.0.2/tcp/2"});
}

TEST_F(PeerCacheTest, EmptyPublicKeyKeepsTheStoredKey) {
  upsert(kA, ident("a", "KEY1"), {});
  upsert(kA, ident("a (gossip)"), {});  // gossip carries no key
  EXPECT_EQ(find(kA)->identity.public_key, "KEY1");
  upsert(kA, ident("a", "KEY2"), {});
  EXPECT_EQ(find(kA)->identity.public_key, "KEY2");
}

TEST_F(PeerCacheTest, UpsertNeverTouchesProtocols) {
  upsert(kA, ident("a"), {});
  ASSERT_TRUE(cache_->set_protocols(kA, {"/ipfs/ping/1.0.0"}).has_value());
  upsert(kA, ident("b"), {"/ip4/1.2.3.4/tcp/5"}, true);
  EXPECT_EQ(find(kA)->protocols, Strings{"/ipfs/ping/1.0.0"});
  // set_protocols does not create rows.
  ASSERT_TRUE(cache_->set_protocols(kB, {"/x"}).has_value());
  EXPECT_FALSE(find(kB));
}

TEST_F(PeerCacheTest, FavouriteMirrorsUpdatesAndSurvivesRemove) {
  upsert(kA, ident("a", "KEY"), {"/ip4/10.0.0.1/tcp/1"});
  ASSERT_TRUE(cache_->set_protocols(kA, {"/p1"}).has_value());
  ASSERT_TRUE(cache_->set_favorite(kA, true).has_value());
  EXPECT_TRUE(find(kA)->favorite);

  clock_.advance(1min);
  PeerIdentity later = ident("a renamed");
  later.avatar_hash = "abcd";
  upsert(kA, later, {"/ip4/10.0.0.9/tcp/9"}, true);
  upsert(kA, ident("a renamed again"), {});
  ASSERT_TRUE(cache_->set_protocols(kA, {"/p2"}).has_value());

  ASSERT_TRUE(cache_->remove(kA).has_value());
  auto st = db_->query("SELECT count(*) FROM _peer_cache");
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->column_int64(0), 0);

  const auto list = boot();
  ASSERT_EQ(list.size(), 1u);
  const CachedPeer& p = list[0];
  EXPECT_TRUE(p.favorite);
  EXPECT_EQ(p.identity.content, "a renamed again");
  EXPECT_EQ(p.identity.avatar_hash, "");
  EXPECT_EQ(p.identity.public_key, "KEY");
  EXPECT_FALSE(p.identity.verified);
  EXPECT_EQ(p.addrs, Strings{"/ip4/10.0.0.9/tcp/9"});
  EXPECT_EQ(p.protocols, Strings{"/p2"});
  EXPECT_EQ(p.last_seen, std::chrono::floor<std::chrono::milliseconds>(clock_.wall_now()));

  // A pruned favourite that reappears gets a cache row again; still one entry in the list.
  upsert(kA, ident("back"), {});
  ASSERT_EQ(boot().size(), 1u);
  EXPECT_EQ(find(kA)->identity.content, "back");
  EXPECT_EQ(find(kA)->addrs, Strings{});  // the new cache row had none
}

TEST_F(PeerCacheTest, FavouritingAnUnknownPeerFailsAndUnfavouriteDeletes) {
  auto r = cache_->set_favorite(kB, true);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, make_error_code(Errc::kNotFound));
  EXPECT_NE(r.error().message.find(kB), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("not known"), std::string::npos) << r.error().message;

  upsert(kA, ident("a"), {});
  ASSERT_TRUE(cache_->set_favorite(kA, true).has_value());
  ASSERT_TRUE(cache_->remove(kA).has_value());
  // Already a favourite without a cache row: favouriting again is a no-op, not an error.
  EXPECT_TRUE(cache_->set_favorite(kA, true).has_value());
  ASSERT_TRUE(cache_->set_favorite(kA, false).has_value());
  EXPECT_TRUE(boot().empty());
  EXPECT_TRUE(cache_->set_favorite(kA, false).has_value());  // absent: fine
  EXPECT_TRUE(cache_->remove(kA).has_value());
}

TEST_F(PeerCacheTest, BootListIsNewestFirstWithFavouriteOnlyRows) {
  upsert(kA, ident("a"), {});
  clock_.advance(1s);
  upsert(kB, ident("b"), {});
  clock_.advance(10ms);
  upsert(kC, ident("c"), {});
  ASSERT_TRUE(cache_->set_favorite(kA, true).has_value());
  ASSERT_TRUE(cache_->set_favorite(kB, true).has_value());
  ASSERT_TRUE(cache_->remove(kA).has_value());  // A only in _favorites now
  clock_.advance(1h);
  upsert(kD, ident("d"), {});
  EXPECT_EQ(ids(boot()), (Strings{std::string(kD), std::string(kC), std::string(kB) + "*",
                                  std::string(kA) + "*"}));
}

TEST_F(PeerCacheTest, ReopeningTheFileKeepsEverything) {
  upsert(kA, ident("a", "KEY"), {"/ip4/10.0.0.1/tcp/1"}, true);
  ASSERT_TRUE(cache_->set_protocols(kA, {"/p"}).has_value());
  clock_.advance(1s);
  upsert(kB, ident("b"), {"/ip4/10.0.0.2/tcp/2"});
  ASSERT_TRUE(cache_->set_favorite(kB, true).has_value());
  const auto before = boot();
  db_->close();
  reopen();  // schema creation is idempotent
  const auto after = boot();
  ASSERT_EQ(after.size(), 2u);
  ASSERT_EQ(ids(after), ids(before));
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].identity.content, before[i].identity.content);
    EXPECT_EQ(after[i].identity.public_key, before[i].identity.public_key);
    EXPECT_EQ(after[i].identity.verified, before[i].identity.verified);
    EXPECT_EQ(after[i].addrs, before[i].addrs);
    EXPECT_EQ(after[i].protocols, before[i].protocols);
    EXPECT_EQ(after[i].last_seen, before[i].last_seen);
  }
}

TEST_F(PeerCacheTest, MalformedStoredJsonReadsAsEmptyLists) {
  upsert(kA, ident("a"), {"/ip4/1.1.1.1/tcp/1"});
  upsert(kB, ident("b"), {"/ip4/1.1.1.1/tcp/1"});
  upsert(kC, ident("c"), {"/ip4/1.1.1.1/tcp/1"});
  sql(std::string(
          "UPDATE _peer_cache SET addrs = 'not json', protocols = '{\"a\":1}' WHERE peer_id = '") +
      kA + "'");
  sql(std::string("UPDATE _peer_cache SET addrs = 'null', protocols = "
                  "'[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]' "
                  "WHERE peer_id = '") +
      kB + "'");
  sql(std::string(
          "UPDATE _peer_cache SET addrs = '[\"/ok\", 5, null, \"/also\"]' WHERE peer_id = '") +
      kC + "'");
  EXPECT_EQ(find(kA)->addrs, Strings{});
  EXPECT_EQ(find(kA)->protocols, Strings{});
  EXPECT_EQ(find(kB)->addrs, Strings{});
  EXPECT_EQ(find(kB)->protocols, Strings{});
  EXPECT_EQ(find(kC)->addrs, (Strings{"/ok", "/also"}));
}

TEST_F(PeerCacheTest, CapsWhatItWritesAndLoads) {
  Strings many;
  for (int i = 0; i < 100; ++i) many.push_back("/ip4/10.0.0." + std::to_string(i) + "/tcp/1");
  upsert(kA, ident("a"), many);
  EXPECT_EQ(find(kA)->addrs.size(), PeerCache::kMaxAddrs);

  // Rows written by someone else: too many addresses, a huge label, rows without a usable ID.
  std::string json = "[";
  for (int i = 0; i < 100; ++i) json += (i ? ",\"/a" : "\"/a") + std::to_string(i) + "\"";
  json += "]";
  sql("UPDATE _peer_cache SET addrs = '" + json + "', content = printf('%.*c', 100000, 'x')");
  auto p = find(kA);
  EXPECT_EQ(p->addrs.size(), PeerCache::kMaxAddrs);
  EXPECT_EQ(p->identity.content.size(), PeerCache::kMaxTextChars);
  sql("UPDATE _peer_cache SET addrs = '[\"' || printf('%.*c', 70000, 'y') || '\"]'");
  EXPECT_EQ(find(kA)->addrs, Strings{});  // list text over kMaxListJsonBytes
  sql("INSERT INTO _peer_cache (peer_id) VALUES (NULL), (''), (printf('%.*c', 300, 'z'))");
  EXPECT_EQ(boot().size(), 1u);

  sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10050) "
      "INSERT INTO _peer_cache (peer_id, last_seen) SELECT 'p' || i, '2000-01-01 00:00:00' FROM n");
  const auto list = boot();
  EXPECT_EQ(list.size(), PeerCache::kMaxBootRows);
  EXPECT_EQ(list.front().peer_id, kA);  // the newest are the ones kept
}

TEST_F(PeerCacheTest, ReadsTheTimestampsOtherWritersUse) {
  using namespace std::chrono;
  sql("INSERT INTO _peer_cache (peer_id, last_seen) VALUES "
      "('go', '2024-05-01 10:00:00'), ('iso', '2024-05-01T09:00:00Z'), "
      "('zone', '2024-05-01 12:30:00.5+02:00'), ('bad', 'yesterday'), ('null', NULL)");
  const auto list = boot();
  // Sorted by time, not by text ('T' > ' ', and 'yesterday' > '2024').
  ASSERT_EQ(ids(list), (Strings{"zone", "go", "iso", "bad", "null"}));
  const auto may1 = sys_days{2024y / May / 1};
  EXPECT_EQ(list[0].last_seen, may1 + 10h + 30min + 500ms);
  EXPECT_EQ(list[1].last_seen, may1 + 10h);
  EXPECT_EQ(list[2].last_seen, may1 + 9h);
  EXPECT_EQ(list[3].last_seen, system_clock::time_point{});
}

// A data.db made by the Go peer before public_key existed (and before protocols, for
// _favorites), with the nullable columns the spec lists and rows as Go writes them.
TEST_F(PeerCacheTest, UpgradesAGoTableWithoutPublicKey) {
  open_db();
  sql("DROP TABLE _peer_cache; DROP TABLE _favorites;");  // start from a file without our schema
  sql(R"(CREATE TABLE _peer_cache (peer_id TEXT PRIMARY KEY, content TEXT, email TEXT,
           avatar_hash TEXT NOT NULL DEFAULT '', video_disabled INTEGER NOT NULL DEFAULT 0,
           active_template TEXT, verified INTEGER NOT NULL DEFAULT 0,
           addrs TEXT NOT NULL DEFAULT '[]', last_seen DATETIME DEFAULT CURRENT_TIMESTAMP,
           protocols TEXT NOT NULL DEFAULT '[]');
         CREATE TABLE _favorites (peer_id TEXT PRIMARY KEY, content TEXT, email TEXT,
           avatar_hash TEXT NOT NULL DEFAULT '', video_disabled INTEGER NOT NULL DEFAULT 0,
           active_template TEXT, verified INTEGER NOT NULL DEFAULT 0,
           addrs TEXT NOT NULL DEFAULT '[]', last_seen DATETIME DEFAULT CURRENT_TIMESTAMP);)");
  sql(std::string("INSERT INTO _peer_cache (peer_id, content, email, avatar_hash, video_disabled, "
                  "active_template, verified, addrs, last_seen, protocols) VALUES ('") +
      kA +
      "', 'Go peer', NULL, 'aa', 1, NULL, 1, '[\"/ip4/10.1.1.1/tcp/4001\"]', "
      "'2024-05-01 10:00:00', '[\"/ipfs/id/1.0.0\"]')");
  sql(std::string("INSERT INTO _favorites (peer_id, content, addrs, last_seen) VALUES ('") + kB +
      "', 'Go favourite', 'null', '2024-04-01 10:00:00')");
  open_cache();

  for (const char* table : {"_peer_cache", "_favorites"}) {
    auto st = db_->query(std::string("SELECT count(*) FROM pragma_table_info('") + table +
                         "') WHERE name IN ('public_key', 'protocols')");
    ASSERT_TRUE(st.has_value()) << st.error().message;
    ASSERT_TRUE(*st->step());
    EXPECT_EQ(st->column_int64(0), 2) << table;
  }

  auto list = boot();
  ASSERT_EQ(ids(list), (Strings{kA, std::string(kB) + "*"}));
  EXPECT_EQ(list[0].identity.content, "Go peer");
  EXPECT_EQ(list[0].identity.email, "");
  EXPECT_TRUE(list[0].identity.video_disabled);
  EXPECT_TRUE(list[0].identity.verified);
  EXPECT_EQ(list[0].identity.public_key, "");
  EXPECT_FALSE(list[0].identity.encryption_supported);
  EXPECT_EQ(list[0].addrs, Strings{"/ip4/10.1.1.1/tcp/4001"});
  EXPECT_EQ(list[0].protocols, Strings{"/ipfs/id/1.0.0"});
  EXPECT_EQ(list[1].identity.content, "Go favourite");
  EXPECT_EQ(list[1].addrs, Strings{});

  upsert(kA, ident("C++ now", "KEY"), {});
  ASSERT_TRUE(cache_->set_favorite(kA, true).has_value());
  auto p = find(kA);
  EXPECT_EQ(p->identity.public_key, "KEY");
  EXPECT_EQ(p->addrs, Strings{"/ip4/10.1.1.1/tcp/4001"});
  EXPECT_EQ(p->protocols, Strings{"/ipfs/id/1.0.0"});
  EXPECT_TRUE(p->favorite);
}

}  // namespace
}  // namespace goop::presence
