// ConnectionBadges on hosts over the memory transport: a connection to a peer in the table shows
// its kind ("direct": a memory address is no LAN address), and a peer that joins the table after
// its connection opened gets its badge when its presence is heard.
#include "goop/presence/connection_badges.hpp"

#include "p2p/testing/node_fixture.hpp"

#include <gtest/gtest.h>

namespace goop::presence {
namespace {

class ConnectionBadgesTest : public ::testing::Test {
 protected:
  // The hosts stop first: closing their connections calls the badges, which use the table.
  ~ConnectionBadgesTest() override { net_.stop_all(); }

  std::string connection_of(const std::string& peer) {
    const PeerEntry* e = table_.find(peer);
    return e ? e->connection : "(not in the table)";
  }

  boost::asio::io_context io_;
  p2p::testing::NodeFixture net_{io_};
  ManualClock clock_;
  PeerTable table_{clock_};
  p2p::Host& a_ = net_.new_ephemeral();
  p2p::Host& b_ = net_.new_ephemeral();
  ConnectionBadges badges_{a_, table_};
};

TEST_F(ConnectionBadgesTest, AConnectionToAKnownPeerShowsItsKind) {
  const std::string ben = b_.id().to_base58();
  table_.upsert(ben, PeerIdentity{}, {}, false);
  EXPECT_EQ(connection_of(ben), "none");
  ASSERT_TRUE(net_.connect(a_, b_));
  EXPECT_TRUE(net_.wait_for([&] { return connection_of(ben) == "direct"; })) << connection_of(ben);
}

TEST_F(ConnectionBadgesTest, APeerHeardAfterItsConnectionOpenedGetsItsBadge) {
  const std::string ben = b_.id().to_base58();
  ASSERT_TRUE(net_.connect(a_, b_));
  table_.upsert(ben, PeerIdentity{}, {}, false);
  EXPECT_EQ(connection_of(ben), "none");
  badges_.heard(ben);
  EXPECT_EQ(connection_of(ben), "direct");
  badges_.heard("not-a-peer-id");  // ignored
}

}  // namespace
}  // namespace goop::presence
