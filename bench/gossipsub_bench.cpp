// GossipSub benchmark (spec/libp2p.md §7 anchor 5: ≥ 4 000 msg/s of 1 KiB per publisher, 0
// loss, p99 ≤ 10 ms on loopback). Five real Hosts, fully connected over TCP on 127.0.0.1 (every
// node has the four others in its mesh), one topic; node 0 publishes N signed 1 KiB messages as
// fast as flow allows: at most `window` messages not yet delivered to all four receivers. Each
// payload carries its send time, so every delivery gives a latency. The same run on five
// js-libp2p nodes (tests/interop/gossip.mjs bench) is the reference.
//
//   goop_bench_gossipsub [n=10000] [window=16] [--rounds=3] [--cpp-only]
//   goop_bench_gossipsub [n] [window] --one-thread | --thread-per-node   (one run, for profiling)
//
// The C++ mesh runs twice per round: all five nodes on one thread, like the js reference (one
// node process), so that ratio compares implementations and not thread counts; then with a
// thread per node (one io_context each, as a deployed node has), which gives each node's CPU
// time per message. Every receiver must verify each message's signature once, so Ed25519
// bounds the rate: the reference is libsodium's CPU time per sign and per verify, measured in
// the same round, and the bench prints the receivers' CPU per message as a multiple of it.
// Figures are medians over interleaved rounds with their range (bench/rounds.hpp).

#include "../tests/support/process.hpp"
#include "args.hpp"
#include "base/async_event.hpp"
#include "base/log.hpp"
#include "p2p/host/host.hpp"
#include "p2p/protocol/gossipsub/gossipsub.hpp"
#include "p2p/transport/tcp/tcp_transport.hpp"
#include "rounds.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <future>
#include <mutex>
#include <sys/resource.h>
#include <thread>

namespace asio = boost::asio;
using namespace goop;
using namespace goop::p2p;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kNodes = 5;
constexpr std::size_t kReceivers = kNodes - 1;
constexpr std::size_t kSize = 1024;
const std::string kTopic = "bench";

struct Figures {
  std::vector<double> cpu_us_per_msg;  // per node, when each node has its own thread
  std::vector<double> sys_us_per_msg;  // the kernel's part of it
  double msgs_per_sec = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  std::size_t lost = 0;
  std::size_t duplicates = 0;
  double seconds = 0;
  gossipsub::Counters receivers;  // summed over the four receivers
};

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1,
                         static_cast<std::size_t>(p * static_cast<double>(sorted.size())))];
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch())
      .count();
}

struct Node {
  explicit Node(asio::io_context& io, Ed25519PrivateKey k = Ed25519PrivateKey::generate())
      : host(io.get_executor(), k, HostConfig{},
             transports(tcp::make_transport(io.get_executor()))),
        gs(io.get_executor(), host, k) {}
  Host host;
  gossipsub::GossipSub gs;
};

// Five started nodes on `threads` io_contexts (1: all five share one; 5: one each), each
// io_context run by its own thread. Destruction stops every node on its own thread.
class Net {
 public:
  explicit Net(std::size_t threads) {
    for (std::size_t t = 0; t < threads; ++t) ios_.push_back(std::make_unique<asio::io_context>(1));
    for (std::size_t i = 0; i < kNodes; ++i) {
      nodes_.push_back(std::make_unique<Node>(*ios_[i % threads]));
      if (auto r = nodes_.back()->host.start(); !r) throw std::runtime_error(r.error().message);
      nodes_.back()->gs.start();
    }
    for (auto& io : ios_) {
      guards_.emplace_back(io->get_executor());
      threads_.emplace_back([&io = *io] { io.run(); });
    }
  }
  ~Net() {
    for (std::size_t i = 0; i < kNodes; ++i) {
      run(i, [](Node& nd) -> asio::awaitable<void> {
        co_await nd.gs.async_stop(2s);
        co_await nd.host.async_stop(2s);
      }(*nodes_[i]));
    }
    guards_.clear();
    for (auto& t : threads_) t.join();
    nodes_.clear();
  }
  Node& node(std::size_t i) { return *nodes_[i]; }
  asio::any_io_executor executor(std::size_t i) { return ios_[i % ios_.size()]->get_executor(); }
  // Runs `f(node i)` on node i's thread and returns its result.
  template <class F>
  auto on(std::size_t i, F f) {
    auto task = [f = std::move(f), &nd = *nodes_[i]]() mutable { return f(nd); };
    return asio::post(executor(i), std::packaged_task<decltype(task())()>(std::move(task))).get();
  }
  // CPU time used so far by the thread that runs node i.
  double cpu_seconds(std::size_t i) {
    return on(i, [](Node&) {
      timespec ts{};
      ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
    });
  }
  // Kernel CPU time used so far by the thread that runs node i.
  double sys_seconds(std::size_t i) {
    return on(i, [](Node&) {
      rusage ru{};
      ::getrusage(RUSAGE_THREAD, &ru);
      return static_cast<double>(ru.ru_stime.tv_sec) +
             static_cast<double>(ru.ru_stime.tv_usec) / 1e6;
    });
  }
  std::size_t threads() const { return ios_.size(); }
  template <class T>
  T run(std::size_t i, asio::awaitable<T> task) {
    return asio::co_spawn(executor(i), std::move(task), asio::use_future).get();
  }

 private:
  std::vector<std::unique_ptr<asio::io_context>> ios_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
};

// What the receivers record. Each receiver writes only its own row (its thread); the shared
// counters are atomics, so recording takes no lock (the bench adds little to the nodes' load).
struct Stats {
  explicit Stats(std::size_t n)
      : got(n), seen(kNodes, std::vector<bool>(n, false)), latencies(kNodes), duplicates(kNodes) {
    for (auto& l : latencies) l.reserve(n);
  }
  std::vector<std::atomic<std::uint8_t>> got;  // receivers that have message k
  std::vector<std::vector<bool>> seen;         // [receiver][k]
  std::vector<std::vector<double>> latencies;  // [receiver]
  std::vector<std::size_t> duplicates;         // [receiver]
  std::mutex mu;                               // guards all_done and `done`
  SteadyClock::time_point all_done{};
  std::condition_variable done;          // notified when the last message is complete
  std::atomic<std::size_t> complete{0};  // messages every receiver has
  std::unique_ptr<AsyncEvent> progress;  // on node 0's thread; null once the publisher is done
};

// Publishes `n` messages from node 0 (on its thread), at most `window` ahead of `complete`.
asio::awaitable<SteadyClock::time_point> publish_all(Node& pub, std::shared_ptr<Stats> s,
                                                     std::size_t n, std::size_t window) {
  s->progress = std::make_unique<AsyncEvent>(co_await asio::this_coro::executor);
  Bytes payload(kSize, 0x5a);
  const auto t0 = SteadyClock::now();
  for (std::size_t k = 0; k < n; ++k) {
    while (k - s->complete.load() >= window) co_await s->progress->wait();
    const std::int64_t sent = now_ns();
    const auto k32 = static_cast<std::uint32_t>(k);
    std::memcpy(payload.data(), &sent, sizeof sent);
    std::memcpy(payload.data() + sizeof sent, &k32, sizeof k32);
    if (auto r = pub.gs.publish(kTopic, payload); !r)
      throw std::runtime_error("publish: " + r.error().message());
  }
  s->progress.reset();
  co_return t0;
}

Figures cpp_figures(std::size_t n, std::size_t window, std::size_t threads) {
  Net net(threads);
  for (std::size_t i = 0; i < kNodes; ++i) {
    for (std::size_t j = i + 1; j < kNodes; ++j) {
      auto [id, addrs] =
          net.on(j, [](Node& nd) { return std::pair(nd.host.id(), nd.host.listen_addrs()); });
      auto r = net.run(i, net.node(i).host.connect(id, addrs));
      if (!r) throw std::runtime_error("connect: " + r.error().message());
    }
  }
  auto s = std::make_shared<Stats>(n);
  for (std::size_t i = 0; i < kNodes; ++i) {
    auto ex0 = net.executor(0);
    net.on(i, [s, i, n, ex0](Node& nd) {
      nd.gs.subscribe(
          kTopic, [s, i, n, ex0](BytesView data, const PeerId&, const gossipsub::MessageId&) {
            std::int64_t sent = 0;
            std::uint32_t k = 0;
            std::memcpy(&sent, data.data(), sizeof sent);
            std::memcpy(&k, data.data() + sizeof sent, sizeof k);
            const double ms = static_cast<double>(now_ns() - sent) / 1e6;
            if (k >= n || s->seen[i][k]) {
              ++s->duplicates[i];
              return;
            }
            s->seen[i][k] = true;
            s->latencies[i].push_back(ms);
            if (static_cast<std::size_t>(s->got[k].fetch_add(1)) + 1 < kReceivers) return;
            if (s->complete.fetch_add(1) + 1 == n) {
              std::lock_guard lock(s->mu);
              s->all_done = SteadyClock::now();
              s->done.notify_all();
            }
            asio::post(ex0, [s] {  // once per message, so the bench adds little to the nodes' load
              if (s->progress) s->progress->notify();
            });
          });
      return 0;
    });
  }
  // Every node has the four others in its mesh (bounded wait).
  const auto mesh_deadline = SteadyClock::now() + 10s;
  auto meshed = [&] {
    for (std::size_t i = 0; i < kNodes; ++i) {
      if (net.on(i, [](Node& nd) { return nd.gs.mesh_peers(kTopic).size(); }) != kReceivers)
        return false;
    }
    return true;
  };
  while (!meshed() && SteadyClock::now() < mesh_deadline) std::this_thread::sleep_for(5ms);
  if (!meshed()) fmt::print(stderr, "warning: mesh incomplete\n");

  std::vector<double> cpu0, sys0;
  for (std::size_t i = 0; i < net.threads(); ++i) {
    cpu0.push_back(net.cpu_seconds(i));
    sys0.push_back(net.sys_seconds(i));
  }
  const auto t0 = net.run(0, publish_all(net.node(0), s, n, window));
  {
    std::unique_lock lock(s->mu);
    s->done.wait_for(lock, 10s, [&] { return s->complete.load() == n; });  // the last messages
  }
  Figures f;
  for (std::size_t i = 0; i < net.threads(); ++i) {
    f.cpu_us_per_msg.push_back((net.cpu_seconds(i) - cpu0[i]) * 1e6 / static_cast<double>(n));
    f.sys_us_per_msg.push_back((net.sys_seconds(i) - sys0[i]) * 1e6 / static_cast<double>(n));
  }
  auto end = SteadyClock::now();
  if (s->complete.load() == n) {
    std::lock_guard lock(s->mu);
    end = s->all_done;
  }
  f.seconds = std::chrono::duration<double>(end - t0).count();
  f.msgs_per_sec = static_cast<double>(s->complete.load()) / f.seconds;
  std::vector<double> latencies;
  for (const auto& l : s->latencies) latencies.insert(latencies.end(), l.begin(), l.end());
  std::sort(latencies.begin(), latencies.end());
  f.p50_ms = percentile(latencies, 0.5);
  f.p99_ms = percentile(latencies, 0.99);
  f.lost = n * kReceivers - latencies.size();
  for (const auto d : s->duplicates) f.duplicates += d;
  for (std::size_t i = 1; i < kNodes; ++i) {
    const auto c = net.on(i, [](Node& nd) { return nd.gs.counters(); });
    f.receivers.validated += c.validated;
    f.receivers.duplicates += c.duplicates;
    f.receivers.idontwant_sent += c.idontwant_sent;
    f.receivers.idontwant_received += c.idontwant_received;
    f.receivers.forwards_skipped += c.forwards_skipped;
  }
  return f;
}

Figures js_figures(std::size_t n, std::size_t window) {
  goop::testing::Process p(
      goop::testing::js_command("gossip.mjs", {"bench", std::to_string(n), std::to_string(kSize),
                                               std::to_string(window)}),
      goop::testing::interop_dir());
  auto code = p.wait_exit(180s);
  if (!code || *code != 0) throw std::runtime_error("js bench failed: " + p.err());
  auto o = boost::json::parse(p.out().substr(0, p.out().find('\n'))).as_object();
  Figures f;
  f.msgs_per_sec = o.at("msgsPerSec").to_number<double>();
  f.p50_ms = o.at("p50Ms").to_number<double>();
  f.p99_ms = o.at("p99Ms").to_number<double>();
  f.lost = o.at("lost").to_number<std::size_t>();
  f.duplicates = o.at("duplicates").to_number<std::size_t>();
  f.seconds = o.at("seconds").to_number<double>();
  return f;
}

void print(const char* who, std::size_t n, const Figures& f) {
  fmt::print(
      "  {} {:6} msgs  {:9.0f} msgs/s  p50 {:7.2f} ms  p99 {:7.2f} ms  lost {}  dup {}  ({:.1f} "
      "s)\n",
      who, n, f.msgs_per_sec, f.p50_ms, f.p99_ms, f.lost, f.duplicates, f.seconds);
}

// CPU time of this thread, in seconds.
double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// libsodium Ed25519 CPU time per sign and per verify, in microseconds, on this thread, over a
// message the size of what a 1 KiB gossipsub message signs (what the router does per message).
struct Crypto {
  double sign_us = 0;
  double verify_us = 0;
  // 1 sign + 4 verifies per message on one core.
  double one_core_ceiling() const {
    return 1e6 / (sign_us + static_cast<double>(kReceivers) * verify_us);
  }
};

Crypto crypto_reference() {
  const auto key = Ed25519PrivateKey::generate();
  const auto pub = key.public_key();
  const Bytes msg(kSize + 90, 0x42);
  Signature sig{};
  Crypto c;
  constexpr int kCalls = 2000;
  double t0 = thread_cpu_seconds();
  for (int i = 0; i < kCalls; ++i) sig = key.sign(msg);
  c.sign_us = (thread_cpu_seconds() - t0) * 1e6 / kCalls;
  t0 = thread_cpu_seconds();
  for (int i = 0; i < kCalls; ++i) {
    if (!pub.verify(msg, sig)) throw std::runtime_error("verify failed");
  }
  c.verify_us = (thread_cpu_seconds() - t0) * 1e6 / kCalls;
  return c;
}

// The mean of the receivers' CPU per message (nodes 1..4, a thread each), and the kernel's part.
double receivers_mean(const std::vector<double>& per_node) {
  double sum = 0;
  for (std::size_t i = 1; i < per_node.size(); ++i) sum += per_node[i];
  return per_node.size() > 1 ? sum / static_cast<double>(per_node.size() - 1) : 0;
}

void print_counters(std::size_t n, const gossipsub::Counters& c) {
  const double per = static_cast<double>(n * kReceivers);
  fmt::print(
      "     per receiver and message: {:.2f} verified, {:.2f} duplicate copies dropped, {:.2f} "
      "IDONTWANT sent, {:.2f} received, {:.2f} mesh peers not forwarded to (had it)\n",
      static_cast<double>(c.validated) / per, static_cast<double>(c.duplicates) / per,
      static_cast<double>(c.idontwant_sent) / per, static_cast<double>(c.idontwant_received) / per,
      static_cast<double>(c.forwards_skipped) / per);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  (void)goop::log::configure("warn");  // the figures only, not every node's start-up lines
  const goop::bench::Args args(
      argc, argv,
      "[n=10000] [window=16] [--rounds=N] [--cpp-only] [--one-thread] [--thread-per-node]", 2,
      {"--cpp-only", "--one-thread", "--thread-per-node", "--rounds="});
  const bool cpp_only = args.has("--cpp-only");
  std::size_t only_threads = 0;
  if (args.has("--one-thread")) only_threads = 1;
  if (args.has("--thread-per-node")) only_threads = kNodes;
  const std::size_t n = args.count(0, "n (messages)", 10000, 1, 10'000'000);
  const std::size_t window = args.count(1, "window", 16, 1, 100000);
  const std::size_t js_n = std::min<std::size_t>(n, 1000);  // js runs ~100 msgs/s here
  const int rounds = only_threads != 0 ? 1 : goop::bench::rounds_from(argc, argv);
  fmt::print(
      "== gossipsub: 5 nodes fully connected on 127.0.0.1, 1 publisher, {} B StrictSign messages, "
      "window {}; {} round{}, interleaved: median [min-max]\n",
      kSize, window, rounds, rounds == 1 ? "" : "s");

  if (only_threads != 0) {  // one run of one mode, for profiling (callgrind --separate-threads)
    const Figures f = cpp_figures(n, window, only_threads);
    print(only_threads == 1 ? "goop2 C++, 5 nodes on one thread "
                            : "goop2 C++, a thread per node     ",
          n, f);
    print_counters(n, f.receivers);
    for (std::size_t i = 0; i < f.cpu_us_per_msg.size(); ++i) {
      fmt::print("  thread {}: {:.0f} us per message, {:.0f} us of it in the kernel\n", i,
                 f.cpu_us_per_msg[i], f.sys_us_per_msg[i]);
    }
    return 0;
  }

  goop::bench::Samples sign_us, verify_us, ceiling, one_rate, each_rate, recv_cpu, recv_sys,
      pub_cpu, js_rate, one_cpu, crypto_per_msg;
  std::vector<Figures> ones, eachs, jss;
  for (int r = 0; r < rounds; ++r) {
    const Crypto c = crypto_reference();
    sign_us.add(c.sign_us);
    verify_us.add(c.verify_us);
    ceiling.add(c.one_core_ceiling());
    ones.push_back(cpp_figures(n, window, 1));
    one_rate.add(ones.back().msgs_per_sec);
    one_cpu.add(ones.back().cpu_us_per_msg.at(0));
    crypto_per_msg.add(c.sign_us + static_cast<double>(kReceivers) * c.verify_us);
    eachs.push_back(cpp_figures(n, window, kNodes));
    each_rate.add(eachs.back().msgs_per_sec);
    recv_cpu.add(receivers_mean(eachs.back().cpu_us_per_msg));
    recv_sys.add(receivers_mean(eachs.back().sys_us_per_msg));
    pub_cpu.add(eachs.back().cpu_us_per_msg.at(0));
    if (!cpp_only) {
      jss.push_back(js_figures(js_n, window));
      js_rate.add(jss.back().msgs_per_sec);
    }
  }
  const unsigned cores = std::thread::hardware_concurrency();
  fmt::print(
      "  reference: libsodium Ed25519 CPU time per call: sign {} us, verify {} us\n"
      "             1 sign + {} verifies per message cap the mesh at {} msgs/s on one core, "
      "{:.0f} on {} cores (crypto alone)\n",
      sign_us.str(1), verify_us.str(1), kReceivers, ceiling.str(), ceiling.median() * cores, cores);
  auto summary = [&](const char* who, std::size_t count, const std::vector<Figures>& fs,
                     const goop::bench::Samples& rate) {
    const Figures& mid =
        goop::bench::median_round(fs, [](const Figures& f) { return f.msgs_per_sec; });
    std::size_t lost = 0, dup = 0;
    for (const auto& f : fs) {
      lost += f.lost;
      dup += f.duplicates;
    }
    fmt::print(
        "  {} {} msgs x {}: {} msgs/s, p50 {:.2f} ms, p99 {:.2f} ms (median round), lost {}, "
        "delivered twice {}\n",
        who, count, fs.size(), rate.str(), mid.p50_ms, mid.p99_ms, lost, dup);
    return mid;
  };
  summary("goop2 C++, 5 nodes on one thread: ", n, ones, one_rate);
  const auto one_cpu_ratio = goop::bench::ratios(one_cpu, crypto_per_msg);
  goop::bench::Samples per_core;  // what one core would sustain, were it ours alone
  for (double us : one_cpu.values()) per_core.add(1e6 / us);
  fmt::print(
      "     = {} x the one-core crypto ceiling; CPU per message {} us = {} x its crypto (1 sign + "
      "{} verifies), i.e. {} msgs/s per core of CPU\n",
      goop::bench::ratios(one_rate, ceiling).str(2), one_cpu.str(), one_cpu_ratio.str(2),
      kReceivers, per_core.str());
  const Figures& each_mid = summary("goop2 C++, a thread per node:     ", n, eachs, each_rate);
  const auto recv_ratio = goop::bench::ratios(recv_cpu, verify_us);
  fmt::print(
      "     CPU per message: a receiver {} us ({} us in the kernel) = {} x its verification "
      "(target <= 1.3); the publisher {} us\n",
      recv_cpu.str(), recv_sys.str(), recv_ratio.str(2), pub_cpu.str());
  print_counters(n, each_mid.receivers);
  if (!cpp_only) {
    summary("js-libp2p, 5 nodes in one process:", js_n, jss, js_rate);
    fmt::print("     C++ on one thread / js: {} x msgs/s\n",
               goop::bench::ratios(one_rate, js_rate).str(1));
  }
  std::size_t lost = 0;
  double worst_p99 = 0;
  for (const auto* fs : {&ones, &eachs}) {
    for (const auto& f : *fs) {
      lost += f.lost;
      worst_p99 = std::max(worst_p99, f.p99_ms);
    }
  }
  const bool rate_met = std::max(one_rate.median(), each_rate.median()) >= 4000;
  fmt::print(
      "  targets: >= 4000 msgs/s {} (one thread {}, a thread per node {}); 0 lost {}; p99 <= 10 "
      "ms {} (worst round {:.1f} ms); receiver CPU <= 1.3 x verify {}\n",
      rate_met ? "met" : "missed", one_rate.median() >= 4000 ? "met" : "missed",
      each_rate.median() >= 4000 ? "met" : "missed", lost == 0 ? "met" : "missed",
      worst_p99 <= 10 ? "met" : "missed", worst_p99, recv_ratio.median() <= 1.3 ? "met" : "missed");
  return 0;
}
