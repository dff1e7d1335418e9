#include "viewer/peers_api.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace goop::viewer {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

TEST(Rfc3339Nano, TrimsTrailingZerosLikeGo) {
  const auto epoch = std::chrono::system_clock::time_point{};
  EXPECT_EQ(rfc3339_nano(epoch + 86400s + 1s), "1970-01-02T00:00:01Z");
  EXPECT_EQ(rfc3339_nano(epoch + 1s + 500ms), "1970-01-01T00:00:01.5Z");
  EXPECT_EQ(rfc3339_nano(epoch + 123456789ns), "1970-01-01T00:00:00.123456789Z");
}

TEST(PeersJson, GoShapeSortedByIdWithOptionalPublicKey) {
  ManualClock clock;
  presence::PeerTable table(clock);
  presence::PeerIdentity a;
  a.content = "Alice";
  a.avatar_hash = "0123456789abcdef";
  a.public_key = "cHViCg==";
  table.upsert("12D3KooWB", a, {"/ip4/10.0.0.2/tcp/4001"}, true);
  presence::PeerIdentity b;
  b.content = "Bob";
  table.upsert("12D3KooWA", b, {}, true);
  table.set_reachable("12D3KooWB", true);
  clock.advance(30s);
  table.prune(20s, 15min);  // both go offline

  const auto rows = json::parse(peers_json(table, clock)).as_array();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("ID"), "12D3KooWA");
  EXPECT_EQ(rows[1].at("ID"), "12D3KooWB");
  const auto& bob = rows[0].as_object();
  EXPECT_FALSE(bob.contains("PublicKey"));
  for (const char* key : {"Content", "Email", "AvatarHash", "VideoDisabled", "ActiveTemplate",
                          "Verified", "Reachable", "Offline", "LastSeen", "Favorite"}) {
    EXPECT_TRUE(bob.contains(key)) << key;
  }
  const auto& alice = rows[1].as_object();
  EXPECT_EQ(alice.at("Content"), "Alice");
  EXPECT_EQ(alice.at("PublicKey"), "cHViCg==");
  EXPECT_EQ(alice.at("Offline"), true);
  EXPECT_EQ(alice.at("Reachable"), false);
  // Last seen 30 s before the clock's wall time.
  EXPECT_EQ(alice.at("LastSeen"), json::value(rfc3339_nano(clock.wall_now() - 30s)));
}

}  // namespace
}  // namespace goop::viewer
