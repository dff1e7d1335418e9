// BackgroundDialer on hosts over the memory transport: it connects, skips ourselves and peers
// already connected, gives up at its timeout, and its stop cancels a dial that would hang.
#include "goop/presence/background_dialer.hpp"

#include "goop/presence/test_host.hpp"
#include "p2p/testing/node_fixture.hpp"
#include "p2p/testing/random_peer.hpp"
#include "testing/run_coro.hpp"

#include <gtest/gtest.h>

namespace goop::presence {
namespace {
using namespace std::chrono_literals;
using goop::testing::run_coro;
using testing::SilentListener;

class BackgroundDialerTest : public ::testing::Test {
 protected:
  boost::asio::io_context io_;
  p2p::testing::NodeFixture net_{io_};
};

TEST_F(BackgroundDialerTest, ConnectsToAPeerAndSkipsUsAndPeersAlreadyConnected) {
  p2p::Host& a = net_.new_ephemeral();
  p2p::Host& b = net_.new_ephemeral();
  BackgroundDialer dialer(io_.get_executor(), a);
  dialer.dial(a.id(), a.listen_addrs(), "test");
  EXPECT_EQ(dialer.in_flight(), 0u) << "never dials itself";
  dialer.dial(b.id(), b.listen_addrs(), "test");
  EXPECT_EQ(dialer.in_flight(), 1u);
  ASSERT_TRUE(net_.wait_for([&] { return a.is_connected(b.id()) && dialer.in_flight() == 0; }));
  dialer.dial(b.id(), b.listen_addrs(), "test");
  EXPECT_EQ(dialer.in_flight(), 0u) << "no second dial to a connected peer";
  run_coro(io_, dialer.async_stop(2s));
}

TEST_F(BackgroundDialerTest, ADialThatHangsEndsAtTheTimeout) {
  p2p::Host& a = net_.new_ephemeral();
  SilentListener silent(io_, net_.network());
  BackgroundDialer dialer(io_.get_executor(), a, 200ms);
  dialer.dial(p2p::testing::random_peer(), {silent.addr()}, "test");
  ASSERT_TRUE(net_.wait_for([&] { return silent.accepted() == 1; }));
  // The host's own handshake deadlines are 10 s and more: ending within 5 s is ours.
  EXPECT_TRUE(net_.wait_for([&] { return dialer.in_flight() == 0; }, 5s));
  run_coro(io_, dialer.async_stop(2s));
}

TEST_F(BackgroundDialerTest, StopCancelsRunningDialsAndRefusesNewOnes) {
  p2p::Host& a = net_.new_ephemeral();
  SilentListener silent(io_, net_.network());
  BackgroundDialer dialer(io_.get_executor(), a, 1h);
  dialer.dial(p2p::testing::random_peer(), {silent.addr()}, "test");
  ASSERT_TRUE(net_.wait_for([&] { return silent.accepted() == 1; }));
  ASSERT_EQ(dialer.in_flight(), 1u);
  const auto before = std::chrono::steady_clock::now();
  run_coro(io_, dialer.async_stop(2s), 5s);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s) << "ended by the first request";
  EXPECT_EQ(dialer.in_flight(), 0u);
  dialer.dial(p2p::testing::random_peer(), {silent.addr()}, "test");
  EXPECT_EQ(dialer.in_flight(), 0u) << "a stopped dialer starts nothing";
}

}  // namespace
}  // namespace goop::presence
