#include "goop/presence/identity_payload.hpp"

#include "goop/mq/local_bus.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace goop::presence {
namespace {
using namespace std::chrono_literals;

TEST(IdentityPayload, AlwaysPeerContentReachableOthersOnlyWhenSet) {
  ManualClock clock;
  PeerTable table(clock);
  PeerIdentity ann;
  ann.content = "Ann";
  table.upsert("12D3KooWA", ann, {}, true);
  auto o =
      boost::json::parse(identity_json("12D3KooWA", *table.find("12D3KooWA"), clock)).as_object();
  EXPECT_EQ(o.at("peerID"), "12D3KooWA");
  EXPECT_EQ(o.at("content"), "Ann");
  EXPECT_EQ(o.at("reachable"), false);
  for (const char* k :
       {"email", "avatarHash", "videoDisabled", "publicKey", "verified", "offline", "favorite"}) {
    EXPECT_FALSE(o.contains(k)) << k;
  }
  EXPECT_EQ(o.at("lastSeen").as_int64(), std::chrono::duration_cast<std::chrono::milliseconds>(
                                             clock.wall_now().time_since_epoch())
                                             .count());

  table.set_favorite("12D3KooWA", true);
  table.mark_offline("12D3KooWA");
  o = boost::json::parse(identity_json("12D3KooWA", *table.find("12D3KooWA"), clock)).as_object();
  EXPECT_EQ(o.at("offline"), true);
  EXPECT_EQ(o.at("favorite"), true);
  EXPECT_EQ(boost::json::parse(gone_json("12D3KooWA")).at("peerID"), "12D3KooWA");
}

TEST(IdentityPayload, TableChangesReachTheBusAsAnnounceAndGone) {
  ManualClock clock;
  PeerTable table(clock);
  mq::LocalBus bus;
  std::vector<mq::BusEvent> seen;
  bus.subscribe([&](const mq::BusEvent& e) {
    seen.push_back(e);
    return true;
  });
  publish_peer_events(table, bus, clock);
  PeerIdentity ann;
  ann.content = "Ann";
  table.upsert("12D3KooWA", ann, {}, true);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].topic, "peer:announce");
  EXPECT_EQ(seen[0].payload_json, identity_json("12D3KooWA", *table.find("12D3KooWA"), clock));
  table.remove("12D3KooWA");
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].topic, "peer:gone");
  EXPECT_EQ(seen[1].payload_json, gone_json("12D3KooWA"));
}

}  // namespace
}  // namespace goop::presence
