// Two peers on two network segments that share no multicast (each in a network namespace of its
// own, cabled to this one, which routes between them: tests/netns/child_netns.sh) and a
// rendezvous in this namespace that both reach. Each lists the other, reachable, within two
// heartbeats, and ann's viewer shows ben's site over a connection dialled to the address ben
// published to the rendezvous.

#include "../support/http_client.hpp"
#include "../support/peer_process.hpp"
#include "../support/rendezvous_process.hpp"
#include "p2p/crypto/peer_id.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace goop::testing {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

bool in_child_netns_test() { return std::getenv("GOOP_IN_NETNS") != nullptr; }

std::string child_netns_script() {
  return std::string(GOOP_SOURCE_DIR) + "/tests/netns/child_netns.sh";
}

bool lists_reachable(const PeerProcess& viewer, const PeerProcess& other) {
  const auto row = viewer.row(other.id());
  return row.is_object() && row.at("Offline") == false && row.at("Reachable") == true;
}

TEST(RendezvousNetns, PeersOnTwoSegmentsFindAndBrowseEachOther) {
  if (!in_child_netns_test()) GTEST_SKIP() << "needs tests/netns/run_in_netns.sh";
  TempDir tmp;
  RendezvousSettings rs;
  rs.bind = "0.0.0.0";
  RendezvousProcess rv((fs::path(tmp.path()) / "rv").string(), rs);

  const std::string port = std::to_string(rv.port());
  PeerSettings s;
  s.topic = unique_name("rv");
  s.mdns_tag = s.topic;
  s.label = "ann";
  s.rendezvous_wan = "http://10.1.0.1:" + port;
  s.wrap = {child_netns_script(), std::to_string(::getpid()), "1"};
  const auto start = std::chrono::steady_clock::now();
  PeerProcess ann((fs::path(tmp.path()) / "ann").string(), s);

  const fs::path ben_dir = fs::path(tmp.path()) / "ben";
  fs::create_directories(ben_dir / "site");
  std::ofstream(ben_dir / "site" / "index.html") << "<h1>ben across the router</h1>";
  s.label = "ben";
  s.rendezvous_wan = "http://10.2.0.1:" + port;
  s.wrap = {child_netns_script(), std::to_string(::getpid()), "2"};
  PeerProcess ben(ben_dir.string(), s);

  // Two heartbeats (5 s each) from the moment both run.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  auto left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now());
  };
  std::string seen;
  EXPECT_TRUE(in_netns_of(ann.process().pid(),
                          [&] {
                            const bool ok = wait_for(
                                PeerEvents({&ann}), [&] { return lists_reachable(ann, ben); },
                                left());
                            seen = boost::json::serialize(ann.peers());
                            return ok;
                          }))
      << "ann sees: " << seen << "\n"
      << ann.log() << rv.log();
  EXPECT_TRUE(in_netns_of(ben.process().pid(),
                          [&] {
                            const bool ok = wait_for(
                                PeerEvents({&ben}), [&] { return lists_reachable(ben, ann); },
                                left());
                            seen = boost::json::serialize(ben.peers());
                            return ok;
                          }))
      << "ben sees: " << seen << "\n"
      << ben.log();
  GTEST_LOG_(INFO) << "found each other in "
                   << std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count()
                   << " ms after ann started";

  // ann browses ben's site through her viewer: the site origin is ben's peer ID as base36.
  const std::string ann_port = ann.viewer().substr(ann.viewer().rfind(':') + 1);
  const std::string ben_host =
      p2p::PeerId::parse(ben.id()).value().to_cid_base36() + ".localhost:" + ann_port;
  HttpReply page;
  in_netns_of(ann.process().pid(), [&] {
    page = http_request(ann.viewer(), "GET", "/", {}, "Host: " + ben_host + "\r\n", 10s);
    return true;
  });
  EXPECT_EQ(page.status, 200) << page.error << page.body;
  EXPECT_EQ(page.body, "<h1>ben across the router</h1>");

  for (PeerProcess* p : {&ann, &ben}) {
    p->process().signal(SIGTERM);
    EXPECT_EQ(p->process().wait_exit(10s), 0) << p->log();
  }
  EXPECT_EQ(rv.stop(), 0) << rv.log();
}

}  // namespace
}  // namespace goop::testing
