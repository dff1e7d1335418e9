// Presence benchmarks (issue 4): how fast 50 real `goop2 peer` processes on this machine come
// to list each other, and what an idle peer costs in memory. References measured in the same
// run: the heartbeat interval (the target is two of them) and an idle js-libp2p node's RSS.
//
//   goop_bench_presence [peers=50]

#include "../tests/support/http_client.hpp"
#include "../tests/support/peer_process.hpp"
#include "../tests/support/remember_peer.hpp"
#include "args.hpp"
#include "base/clock.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>

namespace {
namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using goop::testing::PeerProcess;
using goop::testing::PeerSettings;
using goop::testing::remember_peer;

long rss_kib(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return 0;
}

std::size_t online_count(const PeerProcess& p) {
  std::size_t n = 0;
  for (const auto& row : p.peers()) {
    if (row.at("Offline") == false && row.at("Reachable") == true) ++n;
  }
  return n;
}

// One peer's view of the others, kept from its event stream (the table replayed on connect,
// then every change), so the bench adds no polling load to the peers it measures.
struct TableWatch {
  explicit TableWatch(const PeerProcess& p) : stream(p.viewer(), "/api/mq/events") {}
  // Applies the complete frames received since the last call.
  void update() {
    for (auto end = stream.text().find("\n\n", parsed); end != std::string::npos;
         end = stream.text().find("\n\n", parsed)) {
      const std::string frame = stream.text().substr(parsed, end - parsed);
      parsed = end + 2;
      const auto data = frame.find("data: {\"type\":\"message\"");
      if (data == std::string::npos) continue;
      const auto msg = json::parse(frame.substr(data + 6)).at("msg").as_object();
      const auto& payload = msg.at("payload").as_object();
      const std::string id(payload.at("peerID").as_string());
      if (msg.at("topic") == "peer:announce") {
        up[id] = payload.at("reachable") == true && !payload.contains("offline");
      } else {
        up.erase(id);
      }
    }
  }
  std::size_t online() const {
    return static_cast<std::size_t>(
        std::count_if(up.begin(), up.end(), [](const auto& kv) { return kv.second; }));
  }
  goop::testing::HttpStream stream;
  std::size_t parsed = 0;
  std::map<std::string, bool> up;  // peer -> online and reachable
};

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const goop::bench::Args args(argc, argv, "[peers=50]", 1);
  const int n = static_cast<int>(args.count(0, "peers", 50, 2, 200));
  goop::testing::TempDir tmp;
  PeerSettings s;
  s.topic = goop::testing::unique_name("bench");
  s.mdns_tag = s.topic;     // only the peers of this run
  s.heartbeat_seconds = 5;  // the default
  s.ttl_seconds = 20;

  fmt::print("== presence: {} goop2 peer processes, each told only the first peer's address\n", n);
  std::vector<std::unique_ptr<PeerProcess>> peers;
  const auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    const fs::path dir = fs::path(tmp.path()) / fmt::format("p{:02}", i);
    if (i > 0) remember_peer(dir, *peers.front());
    s.label = dir.filename().string();
    peers.push_back(std::make_unique<PeerProcess>(dir.string(), s));
  }
  const auto all_started = Clock::now();
  const auto want = static_cast<std::size_t>(n - 1);
  std::vector<std::unique_ptr<TableWatch>> watches;
  std::vector<goop::testing::HttpStream*> streams;
  for (auto& p : peers) {
    watches.push_back(std::make_unique<TableWatch>(*p));
    streams.push_back(&watches.back()->stream);
  }
  const auto converged = [&] {
    return std::all_of(watches.begin(), watches.end(), [&](auto& w) {
      w->update();
      return w->online() == want;
    });
  };
  const auto deadline = Clock::now() + 60s;
  bool ok = converged();
  while (!ok && goop::testing::HttpStream::wait_any(streams, deadline)) ok = converged();
  const double secs = std::chrono::duration<double>(Clock::now() - all_started).count();
  const double budget = 2.0 * s.heartbeat_seconds;
  fmt::print(
      "  started in {:.2f} s; {} everyone lists all {} others {:.2f} s after the last start\n",
      std::chrono::duration<double>(all_started - t0).count(),
      ok ? "converged:" : "NOT converged:", want, secs);
  if (!ok) {
    std::string counts;
    for (auto& p : peers) counts += fmt::format(" {}", online_count(*p));
    fmt::print("  online peers listed by each:{}\n", counts);
    const auto rows = peers.back()->peers();
    std::size_t off = 0, unreach = 0;
    for (const auto& r : rows) {
      off += r.at("Offline") == true;
      unreach += r.at("Reachable") == false;
    }
    fmt::print("  the last peer lists {} peers: {} offline, {} unreachable\n", rows.size(), off,
               unreach);
  }
  fmt::print("  = {:.2f} x the target (2 heartbeats = {:.0f} s; below 1 is better)\n",
             secs / budget, budget);

  long total = 0, most = 0;
  for (auto& p : peers) {
    const long r = rss_kib(p->process().pid());
    total += r;
    most = std::max(most, r);
  }
  fmt::print("== memory: goop2 peer RSS with {} peers connected: mean {:.1f} MB, max {:.1f} MB\n",
             want, static_cast<double>(total) / n / 1024.0, static_cast<double>(most) / 1024.0);
  const auto stop0 = Clock::now();
  for (auto& p : peers) p->process().signal(SIGTERM);
  double slowest = 0;
  for (auto& p : peers) {
    const auto code = p->process().wait_exit(10s);
    const double t = std::chrono::duration<double>(Clock::now() - stop0).count();
    if (!code || *code != 0 || t > 2.0) {
      fmt::print("  slow or unclean stop ({:.1f} s, exit {}):\n{}\n", t, code ? *code : -1,
                 p->log());
      break;
    }
    slowest = t;
  }
  fmt::print("== shutdown: all {} peers stopped within {:.2f} s of SIGTERM\n", n, slowest);
  peers.clear();

  PeerSettings idle = s;
  idle.label = "idle";
  PeerProcess alone((fs::path(tmp.path()) / "idle").string(), idle);
  // Measured once it is serving: it answered its viewer (page, table, event stream).
  (void)goop::testing::http_get(alone.viewer(), "/");
  (void)alone.peers();
  const double ours = static_cast<double>(rss_kib(alone.process().pid())) / 1024.0;
  goop::testing::Process js(goop::testing::js_command("peer.mjs", {"listen"}),
                            goop::testing::interop_dir());
  double js_mb = 0;
  if (js.wait_stdout_contains("\n", 30s)) {  // listening
    js_mb = static_cast<double>(rss_kib(js.pid())) / 1024.0;
  }
  fmt::print(
      "== memory: idle goop2 peer (host, gossipsub, presence, mDNS, viewer, SQLite) RSS {:.1f} MB "
      "(target 20 MB)\n",
      ours);
  fmt::print(
      "  reference: idle js-libp2p node (tcp, noise, yamux, identify, ping) RSS {:.1f} MB -> "
      "{:.2f} x\n",
      js_mb, js_mb > 0 ? ours / js_mb : 0.0);
  alone.process().signal(SIGTERM);
  (void)alone.process().wait_exit(10s);
  return ok ? 0 : 1;
}
