// The rendezvous as a process: bad input gets clear errors while others are still served, the
// peer DB brings peers back after a restart, and real peers publishing to it find each other
// and come back after the rendezvous restarts, with no user action.

#include "../support/http_client.hpp"
#include "../support/peer_process.hpp"
#include "../support/rendezvous_process.hpp"
#include "p2p/testing/random_peer.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

namespace goop::testing {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

std::string presence(const std::string& type, const std::string& peer, const std::string& label,
                     const std::string& extra = {}) {
  return R"({"type":")" + type + R"(","peerId":")" + peer + R"(","content":")" + label +
         R"(","ts":1)" + extra + "}";
}

const std::string kJson = "Content-Type: application/json\r\n";

// POST /publish as if from `ip` behind a reverse proxy on loopback.
HttpReply publish_from(const RendezvousProcess& rv, const std::string& ip,
                       const std::string& body) {
  return http_request(rv.base(), "POST", "/publish", body,
                      kJson + "X-Forwarded-For: " + ip + "\r\n");
}

json::array admin_peers(const RendezvousProcess& rv, const std::string& password) {
  const HttpReply r =
      http_request(rv.base(), "GET", "/peers.json", {}, admin_auth_header(password));
  if (r.status != 200) return {};
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  return !ec && v.is_array() ? v.as_array() : json::array{};
}

const json::object* find_row(const json::array& rows, const std::string& peer) {
  for (const auto& r : rows) {
    if (r.is_object() && r.as_object().contains("peer_id") &&
        r.as_object().at("peer_id") == peer.c_str()) {
      return &r.as_object();
    }
  }
  return nullptr;
}

TEST(Rendezvous, BadPublishesGetClearErrorsAndOthersAreStillServed) {
  TempDir tmp;
  RendezvousProcess rv((fs::path(tmp.path()) / "rv").string(), RendezvousSettings{});
  const std::string peer = p2p::testing::random_peer_id();

  auto r = publish_from(rv, "198.51.100.1", "this is not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("JSON"), std::string::npos) << r.body;

  r = publish_from(rv, "198.51.100.1", presence("punch", peer, "x"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("punch"), std::string::npos) << r.body;

  std::string addrs = R"(,"addrs":[)";
  for (int i = 0; i < 65; ++i)
    addrs += std::string(i ? "," : "") + "\"/ip4/10.0.0.1/tcp/" + std::to_string(i + 1) + "\"";
  r = publish_from(rv, "198.51.100.1", presence("online", peer, "x", addrs + "]"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("addrs"), std::string::npos) << r.body;

  r = publish_from(rv, "198.51.100.1", presence("online", peer, std::string(100 * 1024, 'a')));
  EXPECT_TRUE(r.status == 413 || r.status == 400) << r.status << " " << r.body;

  r = http_request(rv.base(), "GET", "/publish");
  EXPECT_EQ(r.status, 405);

  // A flood from one address: the first 60 in a minute are taken, then 429, while another
  // address is still served.
  int accepted = 0;
  int limited = 0;
  for (int i = 0; i < 70; ++i) {
    const int status = publish_from(rv, "203.0.113.9", presence("update", peer, "flood")).status;
    accepted += status == 204;
    limited += status == 429;
  }
  EXPECT_EQ(limited, 70 - accepted);
  EXPECT_LE(accepted, 60);
  EXPECT_GE(limited, 10);
  r = publish_from(rv, "203.0.113.9", presence("update", peer, "flood"));
  EXPECT_EQ(r.status, 429);
  EXPECT_NE(r.body.find("rate limit"), std::string::npos) << r.body;
  EXPECT_EQ(
      publish_from(rv, "203.0.113.10", presence("update", p2p::testing::random_peer_id(), "calm"))
          .status,
      204);
  EXPECT_EQ(http_request(rv.base(), "GET", "/healthz").body.substr(0, 2), "ok");
  EXPECT_EQ(rv.stop(), 0) << rv.log();
}

TEST(Rendezvous, PeerDbBringsPeersBackAfterRestart) {
  TempDir tmp;
  RendezvousSettings rs;
  rs.admin_password = "pw";
  rs.peer_db_path = "data/peers.db";
  rs.ttl_seconds = 60;
  const std::string dir = (fs::path(tmp.path()) / "rv").string();
  const std::string peer = p2p::testing::random_peer_id();
  {
    RendezvousProcess rv(dir, rs);
    ASSERT_EQ(
        publish_from(rv, "198.51.100.2",
                     presence("online", peer, "kept", R"(,"addrs":["/ip4/192.0.2.7/tcp/4001"])"))
            .status,
        204);
    ASSERT_NE(find_row(admin_peers(rv, "pw"), peer), nullptr);
    EXPECT_EQ(rv.stop(), 0) << rv.log();
  }
  RendezvousProcess again(dir, rs, /*keep_config=*/true);
  const json::array rows = admin_peers(again, "pw");
  const json::object* row = find_row(rows, peer);
  ASSERT_NE(row, nullptr) << json::serialize(rows) << again.log();
  EXPECT_EQ(row->at("content"), "kept");
  ASSERT_TRUE(row->contains("addrs")) << json::serialize(*row);
  EXPECT_EQ(row->at("addrs").as_array().at(0), "/ip4/192.0.2.7/tcp/4001");
  EXPECT_EQ(again.stop(), 0);
}

bool lists_online(const PeerProcess& viewer, const PeerProcess& other) {
  const auto row = viewer.row(other.id());
  return row.is_object() && row.at("Offline") == false;
}

bool ws_connected(const json::array& rows, const std::string& peer) {
  const json::object* row = find_row(rows, peer);
  return row && row->contains("ws_connected") && row->at("ws_connected") == true;
}

TEST(Rendezvous, PeersComeBackAfterTheRendezvousRestarts) {
  TempDir tmp;
  RendezvousSettings rs;
  rs.admin_password = "pw";
  const std::string rv_dir = (fs::path(tmp.path()) / "rv").string();
  auto rv = std::make_unique<RendezvousProcess>(rv_dir, rs);
  rs = rv->settings();

  PeerSettings s;
  s.topic = unique_name("rvrestart");
  s.heartbeat_seconds = 2;
  s.ttl_seconds = 6;
  s.rendezvous_wan = rv->base();
  s.label = "ann";
  s.mdns_tag = unique_name("ann");  // no mDNS in common: only the rendezvous joins them
  PeerProcess ann((fs::path(tmp.path()) / "ann").string(), s);
  s.label = "ben";
  s.mdns_tag = unique_name("ben");
  PeerProcess ben((fs::path(tmp.path()) / "ben").string(), s);
  ASSERT_TRUE(wait_for(
      PeerEvents({&ann, &ben}), [&] { return lists_online(ann, ben) && lists_online(ben, ann); },
      15s))
      << ann.log() << ben.log() << rv->log();

  EXPECT_EQ(rv->stop(), 0) << rv->log();
  rv = std::make_unique<RendezvousProcess>(rv_dir, rs, /*keep_config=*/true);
  // Both clients reconnect on their own: the new server sees their WebSockets. Checked again
  // whenever either peer's table changes (each hears the other's heartbeat every 2 s).
  const bool back = wait_for(
      PeerEvents({&ann, &ben}),
      [&] {
        const json::array rows = admin_peers(*rv, "pw");
        return ws_connected(rows, ann.id()) && ws_connected(rows, ben.id());
      },
      20s);
  EXPECT_TRUE(back) << json::serialize(admin_peers(*rv, "pw")) << ann.log() << rv->log();
  EXPECT_TRUE(lists_online(ann, ben));
  EXPECT_TRUE(lists_online(ben, ann));
  for (PeerProcess* p : {&ann, &ben}) {
    p->process().signal(SIGTERM);
    EXPECT_EQ(p->process().wait_exit(10s), 0) << p->log();
  }
  EXPECT_EQ(rv->stop(), 0) << rv->log();
}

}  // namespace
}  // namespace goop::testing
