// The goop2 binary as a user runs it: separate processes, real folders, real signals.

#include "../support/peer_process.hpp"
#include "../support/process.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace goop::testing {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST(Cli, VersionAndHelp) {
  auto v = run({goop2_binary(), "version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_TRUE(v.out.starts_with("goop2 ")) << v.out;
  auto h = run({goop2_binary(), "help"});
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.out.find("goop2 peer <dir>"), std::string::npos);
}

TEST(Cli, UnknownCommandPrintsUsageAndExits2) {
  auto r = run({goop2_binary(), "serve"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command 'serve'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Usage:"), std::string::npos);
  auto none = run({goop2_binary()});
  EXPECT_EQ(none.code, 2);
}

TEST(Cli, PeerWithoutFolderExits2) {
  auto r = run({goop2_binary(), "peer"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("'peer' needs a folder"), std::string::npos) << r.err;
}

// Test peers never use the default viewer port 8080 (it may be taken): a free one instead, and
// presence on a topic of their own.
void write_test_config(const fs::path& dir, const std::string& label = "mysite") {
  fs::create_directories(dir);
  PeerSettings s;
  s.label = label;
  s.topic = unique_name("cli");
  std::ofstream(dir / "goop.json") << peer_config_json(s);
}

TEST(Cli, PeerCreatesFolderLayoutAndStopsCleanlyOnSigterm) {
  TempDir tmp;
  const fs::path dir = fs::path(tmp.path()) / "mysite";
  write_test_config(dir);
  std::string peer_id;
  {
    Process p({goop2_binary(), "peer", dir.string()});
    ASSERT_TRUE(p.wait_stdout_contains("Press Ctrl+C to stop.", 20s)) << p.out() << p.err();
    EXPECT_NE(p.out().find("(new identity)"), std::string::npos);
    EXPECT_NE(p.out().find("viewer   http://127.0.0.1:"), std::string::npos) << p.out();
    const auto at = p.out().find("12D3KooW");
    ASSERT_NE(at, std::string::npos);
    peer_id = p.out().substr(at, 52);

    EXPECT_TRUE(fs::is_regular_file(dir / "goop.json"));
    EXPECT_TRUE(fs::is_regular_file(dir / "site" / "index.html"));
    EXPECT_TRUE(fs::is_regular_file(dir / "site" / "style.css"));
    EXPECT_TRUE(fs::is_directory(dir / "site" / "images"));
    EXPECT_TRUE(fs::is_regular_file(dir / "data.db"));
    ASSERT_TRUE(fs::is_regular_file(dir / "data" / "identity.key"));
    EXPECT_EQ(fs::file_size(dir / "data" / "identity.key"), 68u);
    struct stat st {};
    ASSERT_EQ(::stat((dir / "goop.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    std::ifstream cfg(dir / "goop.json");
    std::string text((std::istreambuf_iterator<char>(cfg)), {});
    EXPECT_NE(text.find("\"label\": \"mysite\""), std::string::npos);
    EXPECT_NE(text.find("\"ttl_seconds\": 20"), std::string::npos) << "completed with defaults";
    EXPECT_EQ(text.find("\"nacl_private_key\": \"\""), std::string::npos) << "NaCl keys generated";

    p.signal(SIGTERM);
    auto code = p.wait_exit(10s);
    ASSERT_TRUE(code.has_value()) << "did not stop within 10 s";
    EXPECT_EQ(*code, 0) << p.err();
  }
  // A second start keeps the same identity.
  Process again({goop2_binary(), "peer", dir.string()});
  ASSERT_TRUE(again.wait_stdout_contains("Press Ctrl+C to stop.", 20s)) << again.err();
  EXPECT_NE(again.out().find(peer_id), std::string::npos);
  EXPECT_EQ(again.out().find("(new identity)"), std::string::npos);
  again.signal(SIGINT);
  EXPECT_EQ(again.wait_exit(10s), 0);
}

TEST(Cli, RunningPeerIsReachableByJsLibp2p) {
  // A real js-libp2p node dials the address the peer printed, identifies it and pings it.
  TempDir tmp;
  write_test_config(tmp.path());
  Process peer({goop2_binary(), "peer", tmp.path()});
  ASSERT_TRUE(peer.wait_stdout_contains("Press Ctrl+C to stop.", 20s)) << peer.err();
  const auto& out = peer.out();
  const auto at = out.find("/ip4/127.0.0.1/tcp/");
  ASSERT_NE(at, std::string::npos) << out;
  const std::string addr = out.substr(at, out.find('\n', at) - at);
  const std::string id = addr.substr(addr.rfind('/') + 1);
  Process js(js_command("peer.mjs", {"probe", addr}), interop_dir());
  ASSERT_EQ(js.wait_exit(60s), 0) << js.err();
  EXPECT_NE(js.out().find("\"ok\":true"), std::string::npos) << js.out();
  EXPECT_NE(js.out().find("\"remotePeer\":\"" + id + "\""), std::string::npos) << js.out();
  EXPECT_NE(js.out().find("\"remoteAgent\":\"goop2/"), std::string::npos) << js.out();
  EXPECT_NE(js.out().find("/ipfs/ping/1.0.0"), std::string::npos) << js.out();
  peer.signal(SIGTERM);
  EXPECT_EQ(peer.wait_exit(10s), 0) << peer.err();
}

// A TCP port bound and listening on `addr` (port 0 picks it) for as long as the object lives.
struct HeldPort {
  explicit HeldPort(in_addr_t addr) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(addr);
    socklen_t len = sizeof sa;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
        ::listen(fd, 1) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
      throw std::runtime_error("cannot hold a TCP port for the test");
    }
    port = ntohs(sa.sin_port);
  }
  ~HeldPort() { ::close(fd); }
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int port = 0;
};

TEST(Cli, ListenPortInUseIsAClearError) {
  // Hold a port, then ask the peer to listen on it.
  HeldPort held(INADDR_ANY);
  const int port = held.port;
  TempDir tmp;
  std::ofstream(fs::path(tmp.path()) / "goop.json")
      << R"({"p2p": {"listen_port": )" << port << "}}";
  auto r = run({goop2_binary(), "peer", tmp.path()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cannot listen on /ip4/0.0.0.0/tcp/" + std::to_string(port)),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("another program uses this port"), std::string::npos) << r.err;
}

TEST(Cli, ViewerPortInUseIsAClearError) {
  // The Go peer runs on silently without its UI; we stop and say why.
  HeldPort held(INADDR_LOOPBACK);
  const int port = held.port;
  TempDir tmp;
  std::ofstream(fs::path(tmp.path()) / "goop.json")
      << R"({"viewer": {"http_addr": "127.0.0.1:)" << port << "\"}}";
  auto r = run({goop2_binary(), "peer", tmp.path()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("the viewer cannot listen on 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("viewer.http_addr"), std::string::npos) << r.err;
}

TEST(Cli, InvalidConfigExits2NamingFieldValueAndRule) {
  TempDir tmp;
  std::ofstream(fs::path(tmp.path()) / "goop.json")
      << R"({"presence": {"heartbeat_seconds": 20, "ttl_seconds": 20}})";
  auto r = run({goop2_binary(), "peer", tmp.path()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(
      r.err.find("presence.heartbeat_seconds (20) must be less than presence.ttl_seconds (20)"),
      std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(fs::path(tmp.path()) / "data" / "identity.key")) << "nothing created";
}

TEST(Cli, MalformedJsonNamesLineAndColumn) {
  TempDir tmp;
  std::ofstream(fs::path(tmp.path()) / "goop.json") << "{\n  \"profile\": {\"label\": \"x\"\n}\n";
  auto r = run({goop2_binary(), "peer", tmp.path()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("line 4, column 1"), std::string::npos) << r.err;
}

TEST(Cli, CorruptIdentityStopsThePeerAndKeepsTheFile) {
  TempDir tmp;
  fs::create_directories(fs::path(tmp.path()) / "data");
  std::ofstream(fs::path(tmp.path()) / "data" / "identity.key") << "truncated";
  auto r = run({goop2_binary(), "peer", tmp.path()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("identity key"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("will not start"), std::string::npos) << r.err;
  EXPECT_EQ(fs::file_size(fs::path(tmp.path()) / "data" / "identity.key"), 9u);
}

TEST(Cli, RendezvousCreatesConfigButDoesNotSaveForcedFlags) {
  TempDir tmp;
  const fs::path dir = fs::path(tmp.path()) / "myserver";
  // The defaults listen on 127.0.0.1:8787: in a network namespace of its own, that port is free.
  if (run({"/usr/bin/unshare", "-rn", "true"}).code != 0)
    GTEST_SKIP() << "no unprivileged network namespaces";
  Process p({"/usr/bin/unshare", "-rn", "/bin/sh", "-c",
             "ip link set lo up && exec \"$0\" rendezvous \"$1\"", goop2_binary(), dir.string()});
  ASSERT_TRUE(p.wait_stdout_contains("Press Ctrl+C to stop.", 20s)) << p.err();
  EXPECT_NE(p.out().find("(created with defaults)"), std::string::npos) << p.out();
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(10s), 0) << p.err();
  std::ifstream cfg(dir / "goop.json");
  std::string text((std::istreambuf_iterator<char>(cfg)), {});
  EXPECT_NE(text.find("\"rendezvous_only\": false"), std::string::npos) << text;
  EXPECT_NE(text.find("\"label\": \"myserver\""), std::string::npos) << "label = folder name";
  struct stat st {};
  ASSERT_EQ(::stat((dir / "goop.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Cli, SecondSignalExitsAtOnce) {
  // The clean shutdown finishes quickly here, so this checks the exit path stays sound when
  // two signals arrive back to back: the process ends either cleanly or by the forced exit.
  TempDir tmp;
  write_test_config(tmp.path());
  Process p({goop2_binary(), "peer", tmp.path()});
  ASSERT_TRUE(p.wait_stdout_contains("Press Ctrl+C to stop.", 20s)) << p.err();
  p.signal(SIGINT);
  p.signal(SIGINT);
  auto code = p.wait_exit(10s);
  ASSERT_TRUE(code.has_value());
  EXPECT_TRUE(*code == 0 || *code == 128 + SIGINT) << *code;
}

}  // namespace
}  // namespace goop::testing
