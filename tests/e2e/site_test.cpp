// A running goop2 peer serves its site/ folder over /goop/site/1.0.0 to another libp2p node
// (here an in-process Host over real TCP): the starter index, an edit seen at once, and the
// Lua folder and path escapes refused.

#include "../support/peer_process.hpp"
#include "goop/content/site_protocol.hpp"
#include "p2p/host/host.hpp"
#include "p2p/transport/tcp/tcp_transport.hpp"
#include "testing/run_coro.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

namespace goop::testing {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using goop::testing::run_coro;

std::string read_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

TEST(Site, PeerServesItsSiteOverP2p) {
  TempDir tmp;
  PeerSettings s;
  s.label = "bob";
  s.topic = unique_name("site");
  PeerProcess bob((fs::path(tmp.path()) / "bob").string(), s);
  const fs::path site = fs::path(bob.dir()) / "site";

  boost::asio::io_context io;
  p2p::Host visitor(io.get_executor(), p2p::Ed25519PrivateKey::generate(), p2p::HostConfig{},
                    p2p::transports(p2p::tcp::make_transport(io.get_executor())));
  ASSERT_TRUE(visitor.start().has_value());
  const std::string& addr = bob.listen().front();
  auto ma = p2p::Multiaddr::parse(addr).value();
  const p2p::PeerId bob_id = *ma.peer_id();
  ASSERT_TRUE(run_coro(io, visitor.connect(bob_id, {ma.without_peer_id()})).has_value());

  auto index = run_coro(io, content::fetch_site_file(visitor, bob_id, "/", 5s));
  ASSERT_TRUE(index.has_value()) << index.error().message;
  EXPECT_EQ(index->mime, "text/html; charset=utf-8");
  EXPECT_EQ(std::string(index->body.begin(), index->body.end()), read_text(site / "index.html"));

  std::ofstream(site / "index.html", std::ios::trunc) << "<h1>edited</h1>";
  auto edited = run_coro(io, content::fetch_site_file(visitor, bob_id, "/index.html", 5s));
  ASSERT_TRUE(edited.has_value()) << edited.error().message;
  EXPECT_EQ(std::string(edited->body.begin(), edited->body.end()), "<h1>edited</h1>");

  fs::create_directories(site / "lua");
  std::ofstream(site / "lua" / "secret.lua") << "return 1";
  for (const char* path : {"/lua/secret.lua", "/../goop.json", "/../data/identity.key"}) {
    auto refused = run_coro(io, content::fetch_site_file(visitor, bob_id, path, 5s));
    ASSERT_FALSE(refused.has_value()) << path;
    EXPECT_NE(refused.error().message.find("forbidden"), std::string::npos)
        << path << ": " << refused.error().message;
  }
  run_coro(io, visitor.async_stop(2s));
  bob.process().signal(SIGTERM);
  EXPECT_EQ(bob.process().wait_exit(10s), 0) << bob.log();
}

}  // namespace
}  // namespace goop::testing
