// Three goop2 peers that know nothing of each other, in a private network namespace with
// multicast on loopback: mDNS finds them, gossip presence follows, and each lists the others
// in GET /api/peers within 2 s of start. A js-libp2p node with @libp2p/mdns finds a goop2 peer
// and the peer dials it.

#include "../support/netns.hpp"
#include "../support/peer_process.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

namespace goop::testing {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

class PresenceNetns : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!in_multicast_netns()) GTEST_SKIP() << "not inside a multicast-enabled network namespace";
  }
  TempDir tmp_;
};

bool lists_online(const PeerProcess& viewer, const PeerProcess& other) {
  const auto row = viewer.row(other.id());
  return row.is_object() && row.at("Offline") == false && row.at("Reachable") == true;
}

TEST_F(PresenceNetns, ThreeStrangersFindEachOtherByMdnsWithinTwoSeconds) {
  PeerSettings s;
  s.topic = unique_name("presence");
  s.mdns_tag = "goop-mdns";  // the default service name, as on a real LAN
  std::vector<std::unique_ptr<PeerProcess>> peers;
  for (const char* label : {"ann", "ben", "cat"}) {
    s.label = label;
    peers.push_back(std::make_unique<PeerProcess>((fs::path(tmp_.path()) / label).string(), s));
  }
  std::vector<const PeerProcess*> watch;
  for (auto& p : peers) watch.push_back(p.get());
  const bool all = wait_for(
      PeerEvents(watch),
      [&] {
        for (auto& a : peers) {
          for (auto& b : peers) {
            if (a != b && !lists_online(*a, *b)) return false;
          }
        }
        return true;
      },
      2000ms);
  EXPECT_TRUE(all) << "ann sees: " << boost::json::serialize(peers[0]->peers())
                   << "\nben sees: " << boost::json::serialize(peers[1]->peers())
                   << "\ncat sees: " << boost::json::serialize(peers[2]->peers());
  EXPECT_EQ(peers[0]->row(peers[1]->id()).at("Content"), "ben");
  for (auto& p : peers) {
    p->process().signal(SIGTERM);
    EXPECT_EQ(p->process().wait_exit(10s), 0) << p->log();
  }
}

TEST_F(PresenceNetns, JsMdnsNodeAndGoopPeerFindEachOther) {
  if (!fs::exists(interop_dir() + "/node_modules/@libp2p/mdns"))
    GTEST_SKIP() << "no @libp2p/mdns installed";
  PeerSettings s;
  s.label = "goop";
  s.topic = unique_name("presence");
  PeerProcess peer((fs::path(tmp_.path()) / "goop").string(), s);
  Process js(js_command("mdns.mjs", {"_p2p._udp.local", "1000"}), interop_dir());
  // js reports our peer from its mDNS discovery; we dial it (a connection js sees).
  EXPECT_TRUE(js.wait_stdout_contains("\"discovered\":\"" + peer.id() + "\"", 15s))
      << js.out() << js.err();
  EXPECT_TRUE(js.wait_stdout_contains("\"connected\":\"" + peer.id() + "\"", 15s))
      << js.out() << js.err();
  js.signal(SIGTERM);
  (void)js.wait_exit(5s);
  peer.process().signal(SIGTERM);
  EXPECT_EQ(peer.process().wait_exit(10s), 0);
}

}  // namespace
}  // namespace goop::testing
