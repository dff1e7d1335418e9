// Lifecycle: parts start in the order added and stop in reverse, a failing start stops what
// started and names the part, and one deadline (on a manual clock) is shared by every stop.
#include "app/lifecycle.hpp"

#include "base/errors.hpp"
#include "goop/presence/background_dialer.hpp"
#include "goop/presence/lan_discovery.hpp"
#include "goop/presence/peer_cache_sync.hpp"
#include "goop/presence/presence_service.hpp"
#include "p2p/host/host.hpp"
#include "p2p/protocol/gossipsub/gossipsub.hpp"
#include "rendezvous/client.hpp"
#include "rendezvous/server.hpp"
#include "testing/run_coro.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace goop::app {
namespace {
using namespace std::chrono_literals;
using goop::testing::run_coro;
using Strings = std::vector<std::string>;

// The real parts a node is made of fit the Service shape as they are.
static_assert(Service<p2p::Host>);
static_assert(Service<p2p::gossipsub::GossipSub>);
static_assert(Service<presence::PresenceService>);
static_assert(Service<presence::BackgroundDialer>);
static_assert(Service<presence::PeerCacheSync>);
static_assert(Service<presence::LanDiscovery>);
static_assert(Service<rendezvous::RendezvousServer>);
static_assert(Service<rendezvous::RendezvousClient>);
static_assert(!Service<Strings>);

// A part that records what happens to it; its stop takes `stop_takes` of the manual clock.
struct Part {
  std::string name;
  Strings& log;
  ManualClock& clock;
  Duration stop_takes{};
  bool fails = false;
  std::optional<Duration> given;

  Expected<void> start() {
    log.push_back("start " + name);
    if (fails) return Error{make_error_code(Errc::kIo), "the port is in use"};
    return {};
  }
  boost::asio::awaitable<void> async_stop(Duration d) {
    log.push_back("stop " + name);
    given = d;
    clock.advance(stop_takes);
    co_return;
  }
};

class LifecycleTest : public ::testing::Test {
 protected:
  Part& part(std::string name, Duration stop_takes = {}, bool fails = false) {
    parts_.push_back(
        std::make_unique<Part>(Part{std::move(name), log_, clock_, stop_takes, fails, {}}));
    lifecycle_.add(parts_.back()->name, *parts_.back());
    return *parts_.back();
  }
  Expected<void> start_all() { return run_coro(io_, lifecycle_.start_all(5s)); }
  bool stop_all(Duration d) { return run_coro(io_, lifecycle_.stop_all(d)); }

  boost::asio::io_context io_;
  ManualClock clock_;
  Strings log_;
  Lifecycle lifecycle_{clock_};
  std::vector<std::unique_ptr<Part>> parts_;
};

TEST_F(LifecycleTest, StartsInOrderAndStopsInReverse) {
  part("host");
  part("presence");
  part("viewer");
  ASSERT_TRUE(start_all().has_value());
  EXPECT_EQ(lifecycle_.running(), (Strings{"host", "presence", "viewer"}));
  EXPECT_TRUE(stop_all(5s));
  EXPECT_EQ(log_, (Strings{"start host", "start presence", "start viewer", "stop viewer",
                           "stop presence", "stop host"}));
  EXPECT_TRUE(lifecycle_.running().empty());
}

TEST_F(LifecycleTest, AFailingStartStopsWhatStartedAndNamesThePart) {
  part("rendezvous");
  part("host");
  part("viewer", {}, /*fails=*/true);
  part("never");
  auto r = start_all();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, make_error_code(Errc::kIo));
  EXPECT_EQ(r.error().message, "viewer: the port is in use");
  EXPECT_EQ(log_, (Strings{"start rendezvous", "start host", "start viewer", "stop host",
                           "stop rendezvous"}));
  EXPECT_TRUE(lifecycle_.running().empty());
  EXPECT_TRUE(stop_all(5s));
  EXPECT_EQ(log_.size(), 5u) << "nothing is stopped twice, and what never started is not stopped";
}

TEST_F(LifecycleTest, TheDeadlineIsSharedByEveryStop) {
  Part& a = part("a");
  Part& b = part("b", 3s);
  Part& c = part("c", 2s);
  ASSERT_TRUE(start_all().has_value());
  EXPECT_TRUE(stop_all(10s));
  EXPECT_EQ(c.given, Duration(10s));
  EXPECT_EQ(b.given, Duration(8s));
  EXPECT_EQ(a.given, Duration(5s));
}

TEST_F(LifecycleTest, PartsLeftWhenTheDeadlinePassedAreSkipped) {
  Part& a = part("a");
  Part& b = part("b");
  part("c", 10s);
  ASSERT_TRUE(start_all().has_value());
  EXPECT_FALSE(stop_all(10s));
  EXPECT_FALSE(a.given.has_value());
  EXPECT_FALSE(b.given.has_value());
  EXPECT_TRUE(lifecycle_.running().empty());
  EXPECT_TRUE(stop_all(10s)) << "a second stop stops nothing more";
  EXPECT_EQ(log_.back(), "stop c");
}

TEST_F(LifecycleTest, StoppingBeforeStartingStopsNothing) {
  part("a");
  EXPECT_TRUE(stop_all(1s));
  EXPECT_TRUE(log_.empty());
}

// Parts whose start cannot fail (void), reports an error_code (Result), and whose stop says
// whether every task ended (awaitable<bool>).
struct PlainPart {
  Strings& log;
  void start() { log.push_back("plain start"); }
  boost::asio::awaitable<bool> async_stop(Duration) {
    log.push_back("plain stop");
    co_return false;
  }
};
struct CodePart {
  Result<void> start() { return make_error_code(Errc::kTimeout); }
  boost::asio::awaitable<void> async_stop(Duration) { co_return; }
};

TEST_F(LifecycleTest, AcceptsEveryServiceShape) {
  PlainPart plain{log_};
  CodePart code;
  lifecycle_.add("plain", plain);
  lifecycle_.add(
      "database",
      [this]() -> Expected<void> {
        log_.push_back("db open");
        return {};
      },
      [this](Duration) -> boost::asio::awaitable<void> {
        log_.push_back("db close");
        co_return;
      });
  lifecycle_.add("mDNS", code);
  auto r = start_all();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, make_error_code(Errc::kTimeout));
  EXPECT_EQ(r.error().message.rfind("mDNS: ", 0), 0u) << r.error().message;
  EXPECT_EQ(log_, (Strings{"plain start", "db open", "db close", "plain stop"}));
}

}  // namespace
}  // namespace goop::app
