// Rendezvous benchmarks (issue 6), against a real `goop2 rendezvous` process on loopback:
//  (a) POST /publish throughput: wrk -t2 -c32 posting one peer's update over keep-alive, against
//      nginx answering the same POST with 204 in the same run, in three interleaved rounds
//      (target: >= 20,000/s);
//  (b) N WebSocket presence clients (10,000 by default) connected at once: the server's RSS
//      (target <= 300 MB), the time a presence update takes to reach every client (p50/p99 over
//      20 updates; target p99 <= 500 ms), and clients dropped (target 0). Figures are printed
//      with their ratio to the target.
//
//   goop_bench_rendezvous [clients=10000] [seconds=5]

#include "../tests/support/rendezvous_process.hpp"
#include "args.hpp"
#include "base/task_group.hpp"
#include "p2p/testing/random_peer.hpp"
#include "rounds.hpp"
#include "testing/wait_for.hpp"
#include "web/client.hpp"
#include "wrk_runner.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/resource.h>

namespace {
namespace fs = std::filesystem;
namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using goop::testing::RendezvousProcess;
using goop::testing::RendezvousSettings;

std::string update(const std::string& peer, const std::string& label) {
  return fmt::format(
      R"({{"type":"update","peerId":"{}","content":"{}","addrs":["/ip4/192.0.2.1/tcp/4001"],"ts":1}})",
      peer, label);
}

// The resident set of process `pid` in MiB, from /proc/<pid>/status.
double rss_mib(pid_t pid) {
  std::ifstream f(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(f, line)) {
    if (line.starts_with("VmRSS:")) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return 0;
}

void raise_fd_limit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &r);
  }
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

bool publish_throughput(const fs::path& tmp, int seconds) {
  fmt::print(
      "== rendezvous (a): POST /publish, wrk -t2 -c32 -d{}s, keep-alive, one peer's update\n",
      seconds);
  RendezvousProcess rv((tmp / "rv-publish").string(), RendezvousSettings{});
  const fs::path script = tmp / "publish.lua";
  std::ofstream(script) << "wrk.method = \"POST\"\nwrk.body = '"
                        << update(goop::p2p::testing::random_peer_id(), "bench")
                        << "'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n";
  goop::bench::WrkOptions o;
  o.script = script.string();
  // Three rounds, each the rendezvous then nginx (interleaved: load from other work on the
  // machine moves both alike); medians with their range, ratio per round (bench/rounds.hpp).
  auto nginx = goop::bench::start_nginx(tmp / "nginx", "    location = /publish { return 204; }");
  std::vector<goop::bench::WrkResult> ours, refs;
  for (int round = 0; round < 3; ++round) {
    ours.push_back(goop::bench::wrk(rv.port(), "/publish", seconds, o));
    if (nginx) refs.push_back(goop::bench::wrk(nginx->port, "/publish", seconds, o));
  }
  nginx.reset();
  (void)rv.stop();
  goop::bench::Samples our_rps, ref_rps;
  for (const auto& r : ours) {
    if (!r.error.empty()) {
      fmt::print("  {}\n", r.error);
      return false;
    }
    our_rps.add(r.rps);
  }
  bool ref_ok = !refs.empty();
  for (const auto& r : refs) {
    ref_ok = ref_ok && r.error.empty() && r.rps > 0;
    ref_rps.add(r.rps);
  }
  const auto by_rps = [](const goop::bench::WrkResult& r) { return r.rps; };
  const auto& mid = goop::bench::median_round(ours, by_rps);
  fmt::print(
      "  goop2 rendezvous: {} publishes/s, p50 {:.3f} ms, p99 {:.3f} ms (median round); {:.2f} x "
      "target 20,000/s{}\n",
      our_rps.str(), mid.p50_ms, mid.p99_ms, our_rps.median() / 20000.0,
      our_rps.median() >= 20000 ? "" : "  BELOW TARGET");
  if (ref_ok) {
    const auto& ref_mid = goop::bench::median_round(refs, by_rps);
    fmt::print(
        "  reference nginx (1 worker, `return 204` for the same POST): {} req/s, p50 {:.3f} ms "
        "(median round)\n",
        ref_rps.str(), ref_mid.p50_ms);
    fmt::print("  = {} x nginx\n", goop::bench::ratios(our_rps, ref_rps).str(2));
  }
  return our_rps.median() >= 20000;
}

// What the clients of (b) saw; shared by their tasks, which notify `changed` on every event.
struct FanoutState {
  explicit FanoutState(asio::any_io_executor ex) : changed(std::move(ex)) {}
  std::size_t clients = 0;
  std::size_t connected = 0;
  std::size_t failed = 0;
  std::size_t dropped = 0;
  std::string first_error;
  int round = -1;
  Clock::time_point sent;
  std::size_t got = 0;
  std::vector<double> latencies_ms;
  goop::testing::Signal changed;
  void poke() { changed.notify(); }
};

asio::awaitable<void> read_loop(std::unique_ptr<goop::web::WebSocketClient> ws,
                                std::shared_ptr<FanoutState> st_ptr) {
  FanoutState& st = *st_ptr;
  for (;;) {
    auto m = co_await ws->read();
    if (!m) {
      ++st.dropped;
      if (st.first_error.empty()) st.first_error = m.error().message;
      st.poke();
      co_return;
    }
    const std::string want = fmt::format("\"round-{}\"", st.round);
    if (st.round >= 0 && m->find(want) != std::string::npos) {
      st.latencies_ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - st.sent).count());
      if (++st.got >= st.connected - st.dropped) st.poke();
    }
  }
}

// Connects clients first, first + stride, ... one after the other; their read loops go into
// `tasks`, which outlives them.
asio::awaitable<void> connect_chain(std::string base, std::size_t first, std::size_t stride,
                                    std::shared_ptr<const std::vector<std::string>> ids_ptr,
                                    std::shared_ptr<FanoutState> st_ptr, goop::TaskGroup* tasks) {
  auto ex = co_await asio::this_coro::executor;
  const std::vector<std::string>& ids = *ids_ptr;
  FanoutState& st = *st_ptr;
  for (std::size_t i = first; i < ids.size(); i += stride) {
    goop::web::WsConnectOptions o;
    o.idle_timeout = 60s;
    auto ws = co_await goop::web::WebSocketClient::connect(ex, base + "/ws?peer_id=" + ids[i], o);
    if (!ws) {
      ++st.failed;
      if (st.first_error.empty()) st.first_error = ws.error().error.message;
    } else {
      ++st.connected;
      tasks->spawn(read_loop(std::move(*ws), st_ptr), "read loop");
    }
    st.poke();
  }
}

void print_connected(const FanoutState& st, std::size_t n, double seconds, bool all) {
  fmt::print("  connected {} of {} in {:.1f} s{}\n", st.connected, n, seconds,
             all ? "" : " (timed out)");
  if (st.failed) fmt::print("  {} failed to connect; first error: {}\n", st.failed, st.first_error);
}

// Prints (b)'s figures; returns whether every target was met.
bool print_fanout(const FanoutState& st, double rss, int rounds, int complete) {
  const double p50 = percentile(st.latencies_ms, 0.50);
  const double p99 = percentile(st.latencies_ms, 0.99);
  const double rss_mb = rss * 1.048576;
  fmt::print("  server RSS with {} clients: {:.0f} MB ({:.2f} x target 300 MB){}\n", st.connected,
             rss_mb, rss_mb / 300.0, rss_mb <= 300 ? "" : "  ABOVE TARGET");
  fmt::print(
      "  fan-out of one update to all: p50 {:.1f} ms, p99 {:.1f} ms over {} updates ({:.2f} x "
      "target 500 ms){}\n",
      p50, p99, rounds, p99 / 500.0, p99 <= 500 ? "" : "  ABOVE TARGET");
  fmt::print("  {} of {} updates reached every client; clients dropped: {}\n", complete, rounds,
             st.dropped);
  if (st.dropped) fmt::print("  first error: {}\n", st.first_error);
  return st.failed == 0 && st.dropped == 0 && complete == rounds && p99 <= 500 && rss_mb <= 300;
}

// Measures (b) with clients that live in `tasks` (stopped by the caller).
asio::awaitable<bool> fanout(RendezvousProcess& rv, std::size_t n, goop::TaskGroup& tasks) {
  auto ex = co_await asio::this_coro::executor;
  auto st_ptr = std::make_shared<FanoutState>(ex);
  FanoutState& st = *st_ptr;
  st.clients = n;
  auto ids = std::make_shared<std::vector<std::string>>();
  for (std::size_t i = 0; i < n; ++i) ids->push_back(goop::p2p::testing::random_peer_id());
  const std::string base = "ws://127.0.0.1:" + std::to_string(rv.port());
  const auto t_connect = Clock::now();
  const std::size_t chains = std::min<std::size_t>(256, n);
  for (std::size_t c = 0; c < chains; ++c)
    tasks.spawn(connect_chain(base, c, chains, ids, st_ptr, &tasks), "connect chain");
  const bool all_connected = co_await goop::testing::wait_for(
      st.changed, [&] { return st.connected + st.failed == n; }, 120s);
  print_connected(st, n, std::chrono::duration<double>(Clock::now() - t_connect).count(),
                  all_connected);
  const double rss = rss_mib(rv.process().pid());

  const std::string sender = goop::p2p::testing::random_peer_id();
  goop::web::ClientRequest req;
  req.method = "POST";
  req.url = "http://127.0.0.1:" + std::to_string(rv.port()) + "/publish";
  req.headers["Content-Type"] = "application/json";
  constexpr int kRounds = 20;
  int complete = 0;
  for (int r = 0; r < kRounds; ++r) {
    st.round = r;
    st.got = 0;
    st.sent = Clock::now();
    req.body = update(sender, fmt::format("round-{}", r));
    auto res = co_await goop::web::fetch(ex, req);
    if (!res) {
      fmt::print("  publish failed: {}\n", res.error().message);
      break;
    }
    if (res->status != 204) {
      fmt::print("  publish failed: HTTP {}\n", res->status);
      break;
    }
    if (co_await goop::testing::wait_for(
            st.changed, [&] { return st.got >= st.connected - st.dropped; }, 10s))
      ++complete;
  }
  st.round = -1;
  const bool ok = print_fanout(st, rss, kRounds, complete);
  co_return ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const goop::bench::Args args(argc, argv, "[clients=10000] [seconds=5]", 2);
  const std::size_t clients = args.count(0, "clients", 10000, 1, 100000);
  const int seconds = static_cast<int>(args.count(1, "seconds", 5, 1, 600));
  raise_fd_limit();
  goop::testing::TempDir tmp;
  bool ok = true;
  if (fs::exists("/usr/bin/wrk")) {
    ok = publish_throughput(tmp.path(), seconds) && ok;
  } else {
    fmt::print("== rendezvous (a): wrk is not installed (apt-get install wrk); not measured\n");
  }

  fmt::print("== rendezvous (b): {} WebSocket presence clients on one rendezvous (loopback)\n",
             clients);
  RendezvousSettings rs;
  rs.ttl_seconds = 300;  // the clients only listen: keep the sender's row for the whole run
  rs.heartbeat_seconds = 5;
  RendezvousProcess rv((fs::path(tmp.path()) / "rv-fanout").string(), rs);
  asio::io_context io(1);
  goop::TaskGroup tasks(io.get_executor(), "fan-out clients");
  // The figures first, then the clients go; every task ends before `io` returns.
  auto measure_then_stop = [&]() -> asio::awaitable<bool> {
    const bool measured = co_await fanout(rv, clients, tasks);
    (void)co_await tasks.async_stop(10s);
    co_return measured;
  };
  bool fan_ok = false;
  asio::co_spawn(io, measure_then_stop(), [&](std::exception_ptr e, bool r) {
    if (e) std::rethrow_exception(e);
    fan_ok = r;
  });
  io.run();
  (void)rv.stop();
  ok = fan_ok && ok;
  return ok ? 0 : 1;
}
