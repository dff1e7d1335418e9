// ConnectionBadges on real Hosts over TCP on 127.0.0.1: a connection to a peer in the table shows
// as "lan" (loopback), and a peer that joins the table after its connection opened gets its badge
// when its presence is heard.
#include "goop/presence/connection_badges.hpp"

#include "goop/presence/testing_host.hpp"
#include "testing/run_coro.hpp"
#include "testing/wait_for.hpp"

#include <gtest/gtest.h>

namespace goop::presence {
namespace {
using goop::testing::run_coro;
using goop::testing::wait_for;

class ConnectionBadgesTest : public ::testing::Test {
 protected:
  std::string connection_of(const std::string& peer) {
    const PeerEntry* e = table_.find(peer);
    return e ? e->connection : "(not in the table)";
  }
  void connect() {
    auto r = run_coro(io_, (*a_).connect(b_->id(), b_->listen_addrs()));
    ASSERT_TRUE(r.has_value()) << r.error().message();
  }

  boost::asio::io_context io_;
  ManualClock clock_;
  PeerTable table_{clock_};
  testing::TestHost a_{io_}, b_{io_};
  ConnectionBadges badges_{*a_, table_};
};

TEST_F(ConnectionBadgesTest, AConnectionToAKnownPeerShowsItsKind) {
  const std::string ben = b_->id().to_base58();
  table_.upsert(ben, PeerIdentity{}, {}, false);
  EXPECT_EQ(connection_of(ben), "none");
  connect();
  EXPECT_TRUE(wait_for(io_, [&] { return connection_of(ben) == "lan"; })) << connection_of(ben);
}

TEST_F(ConnectionBadgesTest, APeerHeardAfterItsConnectionOpenedGetsItsBadge) {
  const std::string ben = b_->id().to_base58();
  connect();
  table_.upsert(ben, PeerIdentity{}, {}, false);
  EXPECT_EQ(connection_of(ben), "none");
  badges_.heard(ben);
  EXPECT_EQ(connection_of(ben), "lan");
  badges_.heard("not-a-peer-id");  // ignored
}

}  // namespace
}  // namespace goop::presence
