#include "rendezvous/peer_db.hpp"

#include "storage/db.hpp"
#include "testing/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace goop::rendezvous {
namespace {

const std::string kPeerA = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";
const std::string kPeerB = "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp";

class PeerDbTest : public ::testing::Test {
 protected:
  PeerRow row(const std::string& peer, std::int64_t last_seen) {
    PeerRow r;
    r.msg.type = presence::MsgType::kOnline;
    r.msg.peer_id = peer;
    r.msg.content = "label \"quoted\"";
    r.msg.email = "a@example.org";
    r.msg.avatar_hash = "0123456789abcdef";
    r.msg.active_template = "blog";
    r.msg.addrs = {"/ip4/1.2.3.4/tcp/4001", "/ip4/1.2.3.4/tcp/4001/p2p/x/p2p-circuit"};
    r.msg.public_key = "cHVibGlj";
    r.msg.encryption_supported = true;
    r.msg.goop_client_version = "2.1.0";
    r.msg.ts = 42;
    r.msg.verified = true;
    r.last_seen_ms = last_seen;
    r.bytes_sent = 10;
    r.bytes_received = 20;
    return r;
  }

  goop::testing::TempDir tmp_{"rvdb"};
  const std::filesystem::path dir_ = tmp_.path();
};

TEST_F(PeerDbTest, WritesBehindAndLoadsEveryColumnBack) {
  {
    auto db = PeerDb::open(dir_ / "sub" / "peers.db");
    ASSERT_TRUE(db.has_value()) << db.error().message;
    (*db)->write(
        {Hub::DirtyRow{kPeerA, row(kPeerA, 5000)}, Hub::DirtyRow{kPeerB, row(kPeerB, 100)}});
    (*db)->write({Hub::DirtyRow{kPeerB, std::nullopt}});
    (*db)->flush();
    (*db)->close();
  }
  auto db = PeerDb::open(dir_ / "sub" / "peers.db");
  ASSERT_TRUE(db.has_value()) << db.error().message;
  auto rows = (*db)->load(1000);
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  const PeerRow& r = (*rows)[0];
  const PeerRow want = row(kPeerA, 5000);
  EXPECT_EQ(r.msg.peer_id, kPeerA);
  EXPECT_EQ(r.msg.type, presence::MsgType::kOnline);
  EXPECT_EQ(r.msg.content, want.msg.content);
  EXPECT_EQ(r.msg.email, want.msg.email);
  EXPECT_EQ(r.msg.avatar_hash, want.msg.avatar_hash);
  EXPECT_EQ(r.msg.active_template, "blog");
  EXPECT_EQ(r.msg.addrs, want.msg.addrs);
  EXPECT_EQ(r.msg.public_key, "cHVibGlj");
  EXPECT_TRUE(r.msg.encryption_supported);
  EXPECT_EQ(r.msg.goop_client_version, "2.1.0");
  EXPECT_EQ(r.msg.ts, 42);
  EXPECT_TRUE(r.msg.verified);
  EXPECT_EQ(r.last_seen_ms, 5000);
  EXPECT_EQ(r.bytes_sent, 10u);
  EXPECT_EQ(r.bytes_received, 20u);
}

TEST_F(PeerDbTest, LoadDropsRowsOlderThanTheCutoff) {
  auto db = PeerDb::open(dir_ / "peers.db");
  ASSERT_TRUE(db.has_value());
  (*db)->write({Hub::DirtyRow{kPeerA, row(kPeerA, 5000)}, Hub::DirtyRow{kPeerB, row(kPeerB, 100)}});
  (*db)->flush();
  auto rows = (*db)->load(1000);
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].msg.peer_id, kPeerA);
}

TEST_F(PeerDbTest, UpgradesAGoCreatedFile) {
  {
    auto raw = storage::Db::open(dir_ / "go.db");
    ASSERT_TRUE(raw.has_value());
    ASSERT_TRUE(
        raw->exec(
               "CREATE TABLE peers (peer_id TEXT PRIMARY KEY, type TEXT NOT NULL DEFAULT '', "
               "content TEXT DEFAULT '', email TEXT DEFAULT '', avatar_hash TEXT DEFAULT '', "
               "ts INTEGER DEFAULT 0, last_seen INTEGER DEFAULT 0, bytes_sent INTEGER DEFAULT 0, "
               "bytes_received INTEGER DEFAULT 0, verified INTEGER DEFAULT 0);"
               "INSERT INTO peers (peer_id, type, content, last_seen) "
               "VALUES ('" +
               kPeerA + "', 'update', 'old', 9000);")
            .has_value());
  }
  auto db = PeerDb::open(dir_ / "go.db");
  ASSERT_TRUE(db.has_value()) << db.error().message;
  auto rows = (*db)->load(0);
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].msg.content, "old");
  EXPECT_TRUE((*rows)[0].msg.addrs.empty());
}

TEST_F(PeerDbTest, OpenFailureNamesTheFile) {
  std::filesystem::create_directories(dir_ / "adir");
  auto db = PeerDb::open(dir_ / "adir");
  ASSERT_FALSE(db.has_value());
  EXPECT_NE(db.error().message.find("adir"), std::string::npos) << db.error().message;
}

}  // namespace
}  // namespace goop::rendezvous
