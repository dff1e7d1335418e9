// FolderNode, the testable part of `goop2 peer|rendezvous <dir>`: a peer starts in a temp folder
// on port 0 and stops within the deadline; a failure after the rendezvous started stops it (its
// port is free again); a corrupt identity starts nothing. No signals are involved.
#include "app/folder_node.hpp"

#include "testing/run_coro.hpp"
#include "testing/temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

namespace goop::app {
namespace {
namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using goop::testing::run_coro;
using goop::testing::TempDir;
using Strings = std::vector<std::string>;

// goop.json for a test peer: p2p and viewer on free ports, an mDNS tag of its own (so it finds
// no other test's peer), plus `extra` sections.
void write_config(const fs::path& dir, std::string_view viewer_addr = "127.0.0.1:0",
                  std::string_view presence = R"({})") {
  fs::create_directories(dir);
  std::ofstream(dir / "goop.json") << fmt::format(
      R"({{"p2p": {{"listen_port": 0, "mdns_tag": "goop-app-test-{}"}},
          "viewer": {{"http_addr": "{}"}}, "presence": {}}})",
      std::random_device{}(), viewer_addr, presence);
}

std::string read(const fs::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Whether a listener could bind 127.0.0.1:<port> now (nobody listens there).
bool port_free(asio::io_context& io, std::uint16_t port) {
  boost::system::error_code ec;
  asio::ip::tcp::acceptor a(io);
  a.open(asio::ip::tcp::v4(), ec);
  a.set_option(asio::socket_base::reuse_address(true), ec);
  a.bind({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  return !ec;
}

class FolderNodeTest : public ::testing::Test {
 protected:
  Folder load(Mode mode = Mode::kPeer) {
    auto f = load_folder(tmp_.path().string(), mode);
    EXPECT_TRUE(f.has_value()) << f.error().message;
    return f.has_value() ? std::move(*f) : Folder{};
  }
  Expected<FolderStarted> start(FolderNode& node) { return run_coro(io_, node.start(), 30s); }

  asio::io_context io_;
  TempDir tmp_{"app-folder"};
};

TEST_F(FolderNodeTest, APeerStartsOnPortZeroAndStopsWithinTheDeadline) {
  write_config(tmp_.path());
  FolderNode node(io_.get_executor(), load());
  auto started = start(node);
  ASSERT_TRUE(started.has_value()) << started.error().message;
  ASSERT_TRUE(started->peer.has_value());
  EXPECT_EQ(started->rendezvous_port, 0);
  const PeerStarted& peer = *started->peer;
  EXPECT_TRUE(peer.new_identity);
  ASSERT_FALSE(peer.node.listen.empty());
  for (const auto& a : peer.node.listen) {
    EXPECT_TRUE(a.ends_with("/p2p/" + peer.peer_id)) << a;
    EXPECT_EQ(a.find("/tcp/0/"), std::string::npos) << "the real port, not 0: " << a;
  }
  ASSERT_TRUE(peer.node.viewer_url.starts_with("http://127.0.0.1:")) << peer.node.viewer_url;
  const auto viewer_port = static_cast<std::uint16_t>(
      std::stoi(peer.node.viewer_url.substr(peer.node.viewer_url.rfind(':') + 1)));
  EXPECT_NE(viewer_port, 0);
  EXPECT_FALSE(port_free(io_, viewer_port)) << "the viewer listens";
  EXPECT_FALSE(peer.node.mdns.empty());
  EXPECT_TRUE(peer.node.rendezvous.empty());
  EXPECT_EQ(node.lifecycle().running(),
            (Strings{"database", "p2p host", "background dials", "peer cache", "gossipsub",
                     "rendezvous clients", "presence", "mDNS", "viewer"}));
  EXPECT_TRUE(fs::exists(tmp_ / "data" / "identity.key"));
  EXPECT_TRUE(fs::exists(tmp_ / "data.db"));
  EXPECT_TRUE(fs::exists(peer.site_root / "index.html"));

  const auto before = std::chrono::steady_clock::now();
  EXPECT_TRUE(run_coro(io_, node.stop(kShutdownDeadline), kShutdownDeadline + 2s));
  EXPECT_LT(std::chrono::steady_clock::now() - before, kShutdownDeadline);
  EXPECT_TRUE(node.lifecycle().running().empty());
  EXPECT_TRUE(port_free(io_, viewer_port)) << "the viewer stopped listening";
  EXPECT_TRUE(run_coro(io_, node.stop(kShutdownDeadline))) << "a second stop is harmless";
}

TEST_F(FolderNodeTest, AFailureAfterTheRendezvousStartedStopsIt) {
  // The viewer's port is taken, so the viewer (started after the rendezvous) fails.
  asio::ip::tcp::acceptor held(io_, {asio::ip::make_address("127.0.0.1"), 0});
  const std::uint16_t taken = held.local_endpoint().port();
  write_config(tmp_.path(), fmt::format("127.0.0.1:{}", taken),
               R"({"rendezvous_host": true, "rendezvous_bind": "127.0.0.1"})");
  Folder folder = load();
  folder.config.presence.rendezvous_port = 0;  // a free port, read back below (memory only)
  FolderNode node(io_.get_executor(), std::move(folder));

  auto started = start(node);
  ASSERT_FALSE(started.has_value());
  EXPECT_NE(started.error().message.find(
                fmt::format("viewer: the viewer cannot listen on 127.0.0.1:{}", taken)),
            std::string::npos)
      << started.error().message;
  const std::uint16_t rendezvous = node.rendezvous_port();
  ASSERT_NE(rendezvous, 0) << "the rendezvous had started";
  EXPECT_TRUE(node.lifecycle().running().empty()) << "everything that started was stopped";
  EXPECT_TRUE(port_free(io_, rendezvous)) << "the rendezvous no longer listens";
}

TEST_F(FolderNodeTest, ACorruptIdentityStartsNothing) {
  write_config(tmp_.path(), "127.0.0.1:0", R"({"rendezvous_host": true})");
  fs::create_directories(tmp_ / "data");
  std::ofstream(tmp_ / "data" / "identity.key") << "truncated";
  Folder folder = load();
  folder.config.presence.rendezvous_port = 0;
  FolderNode node(io_.get_executor(), std::move(folder));

  auto started = start(node);
  ASSERT_FALSE(started.has_value());
  EXPECT_NE(started.error().message.find("identity key"), std::string::npos)
      << started.error().message;
  EXPECT_EQ(node.rendezvous_port(), 0) << "the rendezvous was never even built";
  EXPECT_TRUE(node.lifecycle().running().empty());
  EXPECT_EQ(fs::file_size(tmp_ / "data" / "identity.key"), 9u) << "never replaced";
  EXPECT_FALSE(fs::exists(tmp_ / "data.db"));
}

TEST_F(FolderNodeTest, RendezvousModeRunsTheRendezvousAloneAndNeverSavesItsForcedFlags) {
  write_config(tmp_.path());
  Folder folder = load(Mode::kRendezvous);
  EXPECT_TRUE(folder.config.presence.rendezvous_only);
  folder.config.presence.rendezvous_port = 0;
  FolderNode node(io_.get_executor(), std::move(folder));
  auto started = start(node);
  ASSERT_TRUE(started.has_value()) << started.error().message;
  EXPECT_FALSE(started->peer.has_value());
  EXPECT_NE(started->rendezvous_port, 0);
  EXPECT_EQ(node.lifecycle().running(), Strings{"rendezvous"});
  EXPECT_FALSE(port_free(io_, started->rendezvous_port));
  EXPECT_TRUE(run_coro(io_, node.stop(kShutdownDeadline), kShutdownDeadline + 2s));
  EXPECT_TRUE(port_free(io_, started->rendezvous_port));
  // The new NaCl key pair was saved, the forced flags were not.
  const std::string saved = read(tmp_ / "goop.json");
  EXPECT_NE(saved.find("\"rendezvous_only\": false"), std::string::npos) << saved;
  EXPECT_EQ(saved.find("\"nacl_public_key\": \"\""), std::string::npos) << saved;
  EXPECT_FALSE(fs::exists(tmp_ / "data" / "identity.key")) << "a rendezvous has no peer identity";
}

TEST_F(FolderNodeTest, AnInvalidConfigIsRefusedNamingTheFileAndTheRule) {
  write_config(tmp_.path(), "127.0.0.1:0", R"({"heartbeat_seconds": 20, "ttl_seconds": 20})");
  auto f = load_folder(tmp_.path().string(), Mode::kPeer);
  ASSERT_FALSE(f.has_value());
  EXPECT_NE(f.error().message.find("goop.json"), std::string::npos) << f.error().message;
  EXPECT_NE(f.error().message.find("presence.heartbeat_seconds"), std::string::npos)
      << f.error().message;
}

}  // namespace
}  // namespace goop::app
