// LanDiscovery never stops a peer from starting: mDNS runs where multicast works and is reported
// off, with the reason, where it does not (a sandbox). Either way it stops cleanly. (Discovery
// over real multicast is tested in tests/netns.)
#include "goop/presence/lan_discovery.hpp"

#include "goop/presence/background_dialer.hpp"
#include "p2p/testing/node_fixture.hpp"
#include "testing/run_coro.hpp"

#include <gtest/gtest.h>

namespace goop::presence {
namespace {
using namespace std::chrono_literals;

TEST(LanDiscovery, StartsOrReportsWhyNotAndStops) {
  boost::asio::io_context io;
  p2p::testing::NodeFixture net(io);
  p2p::Host& host = net.new_ephemeral();
  BackgroundDialer dialer(io.get_executor(), host);
  LanDiscovery lan(io.get_executor(), host, "goop-lan-discovery-test", dialer);
  EXPECT_TRUE(lan.status().empty());
  lan.start();
  if (lan.running()) {
    EXPECT_NE(lan.status().find("goop-lan-discovery-test.local"), std::string::npos)
        << lan.status();
  } else {
    EXPECT_TRUE(lan.status().starts_with("off (")) << lan.status();
  }
  goop::testing::run_coro(io, lan.async_stop(2s), 5s);
  EXPECT_FALSE(lan.running());
  goop::testing::run_coro(io, dialer.async_stop(2s));
}

}  // namespace
}  // namespace goop::presence
