// libp2p benchmarks (issue 3 targets, spec/libp2p.md §7). Every figure is printed beside a
// reference measured in the same run: a raw ChaCha20-Poly1305 framed TCP stream (what Noise
// costs at the least) and js-libp2p itself. Figures and references are measured in interleaved
// rounds and printed as median [min-max] over the rounds; a ratio is the median of the
// per-round ratios (bench/rounds.hpp), so it holds on a shared, busy machine.
//
//   goop_bench_p2p [--rounds=3]     run everything (needs `scripts/setup` for the js peer)

#include "../tests/support/process.hpp"
#include "args.hpp"
#include "base/async_event.hpp"
#include "p2p/errors.hpp"
#include "p2p/host/host.hpp"
#include "p2p/io/framing.hpp"
#include "p2p/muxer/yamux/session.hpp"
#include "p2p/negotiation/lazy_select_stream.hpp"
#include "p2p/network/noise_yamux.hpp"
#include "p2p/transport/tcp/tcp_addr.hpp"
#include "p2p/transport/tcp/tcp_stream.hpp"
#include "p2p/transport/tcp/tcp_transport.hpp"
#include "rounds.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <fmt/core.h>
#include <openssl/evp.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <thread>

namespace asio = boost::asio;
namespace ip = asio::ip;
using namespace goop;
using namespace goop::p2p;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::string_view kSink = "/goop2/sink/1.0.0";
constexpr std::string_view kSmall = "/goop2/echo/1.0.0";

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

long rss_kib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return 0;
}

// A node on its own thread.
struct Node {
  asio::io_context io{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard{
      io.get_executor()};
  std::unique_ptr<Host> host;
  std::thread thread;

  explicit Node(HostConfig cfg = {}) {
    host = std::make_unique<Host>(io.get_executor(), Ed25519PrivateKey::generate(), cfg,
                                  transports(tcp::make_transport(io.get_executor())));
    host->set_stream_handler(std::string(kSink), sink);
    host->set_stream_handler(std::string(kSmall), small_echo);
    if (auto r = host->start(); !r) throw std::runtime_error(r.error().message);
    thread = std::thread([this] { io.run(); });
  }
  ~Node() {
    asio::co_spawn(io, host->async_stop(5s), asio::use_future).get();
    guard.reset();
    thread.join();
  }
  template <class T>
  T run(asio::awaitable<T> task) {
    return asio::co_spawn(io, std::move(task), asio::use_future).get();
  }
  std::string addr() const {
    return host->listen_addrs().at(0).to_string() + "/p2p/" + host->id().to_base58();
  }

  static asio::awaitable<void> sink(std::unique_ptr<MuxedStream> s, PeerId) {
    std::vector<std::uint8_t> buf(256 * 1024);
    std::uint64_t n = 0;
    for (;;) {
      auto r = co_await s->read_some(buf);
      if (!r) break;
      n += *r;
    }
    std::uint8_t receipt[8];
    for (int i = 0; i < 8; ++i) receipt[i] = static_cast<std::uint8_t>(n >> (56 - 8 * i));
    (void)co_await s->write(receipt);
    (void)co_await s->close_write();
  }
  static asio::awaitable<void> small_echo(std::unique_ptr<MuxedStream> s, PeerId) {
    std::uint8_t buf[256];
    auto n = co_await s->read_some(buf);
    if (n) (void)co_await s->write(BytesView(buf, *n));
    (void)co_await s->close_write();
  }
};

// Streams `bytes` to `peer`'s sink and waits for the receipt. Returns MB/s.
asio::awaitable<Result<double>> send_to_sink(Host& host, PeerId peer, std::vector<Multiaddr> addrs,
                                             std::size_t bytes) {
  GOOP_CO_TRY_VOID(co_await host.connect(peer, addrs));
  GOOP_CO_TRY(auto s, co_await host.new_stream(peer, multistream::protocol_list(kSink)));
  Bytes chunk(256 * 1024, 0x5a);
  const auto t0 = Clock::now();
  for (std::size_t sent = 0; sent < bytes; sent += chunk.size()) {
    GOOP_CO_TRY_VOID(
        co_await s->write(BytesView(chunk.data(), std::min(chunk.size(), bytes - sent))));
  }
  GOOP_CO_TRY_VOID(co_await s->close_write());
  std::uint8_t receipt[8];
  GOOP_CO_TRY_VOID(co_await read_exact(*s, receipt));
  co_return static_cast<double>(bytes) / seconds_since(t0) / 1e6;
}

// The reference: ChaCha20-Poly1305 over TCP with Noise's framing (2-byte length, 65519-byte
// plaintext frames, 16-byte tag), sender and receiver on two threads, no libp2p at all.
double raw_aead_mb_per_s(std::size_t bytes) {
  asio::io_context io;
  ip::tcp::acceptor acc(io, ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const unsigned char key[32] = {1};
  std::thread receiver([&] {
    ip::tcp::socket s = acc.accept();
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    EVP_DecryptInit_ex(ctx, EVP_chacha20_poly1305(), nullptr, key, nullptr);
    std::vector<unsigned char> frame(65535), plain(65535);
    std::uint64_t nonce = 0;
    for (std::size_t got = 0; got < bytes;) {
      unsigned char len[2];
      asio::read(s, asio::buffer(len));
      const std::size_t n = static_cast<std::size_t>(len[0] << 8 | len[1]);
      asio::read(s, asio::buffer(frame.data(), n));
      unsigned char iv[12] = {};
      std::memcpy(iv + 4, &nonce, 8);
      ++nonce;
      int out = 0;
      EVP_DecryptInit_ex(ctx, nullptr, nullptr, nullptr, iv);
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, frame.data() + n - 16);
      EVP_DecryptUpdate(ctx, plain.data(), &out, frame.data(), static_cast<int>(n - 16));
      int fin = 0;
      if (EVP_DecryptFinal_ex(ctx, plain.data() + out, &fin) != 1)
        throw std::runtime_error("bad tag");
      got += static_cast<std::size_t>(out);
    }
    asio::write(s, asio::buffer("k", 1));
    EVP_CIPHER_CTX_free(ctx);
  });
  ip::tcp::socket s(io);
  s.connect(acc.local_endpoint());
  s.set_option(ip::tcp::no_delay(true));
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(ctx, EVP_chacha20_poly1305(), nullptr, key, nullptr);
  std::vector<unsigned char> plain(65519, 0x5a), batch;
  std::uint64_t nonce = 0;
  const auto t0 = Clock::now();
  for (std::size_t sent = 0; sent < bytes;) {
    batch.clear();
    for (int f = 0; f < 4 && sent < bytes;
         ++f) {  // batch 4 frames per write, as our SecureStream may
      const std::size_t n = std::min(plain.size(), bytes - sent);
      const std::size_t at = batch.size();
      batch.resize(at + 2 + n + 16);
      batch[at] = static_cast<unsigned char>((n + 16) >> 8);
      batch[at + 1] = static_cast<unsigned char>((n + 16) & 0xff);
      unsigned char iv[12] = {};
      std::memcpy(iv + 4, &nonce, 8);
      ++nonce;
      int out = 0, fin = 0;
      EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, iv);
      EVP_EncryptUpdate(ctx, batch.data() + at + 2, &out, plain.data(), static_cast<int>(n));
      EVP_EncryptFinal_ex(ctx, batch.data() + at + 2 + out, &fin);
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, batch.data() + at + 2 + n);
      sent += n;
    }
    asio::write(s, asio::buffer(batch));
  }
  char ack;
  asio::read(s, asio::buffer(&ack, 1));
  const double mbs = static_cast<double>(bytes) / seconds_since(t0) / 1e6;
  receiver.join();
  EVP_CIPHER_CTX_free(ctx);
  return mbs;
}

struct JsListener {
  goop::testing::Process proc{goop::testing::js_command("peer.mjs", {"listen"}),
                              goop::testing::interop_dir()};
  std::string addr;
  JsListener() {
    if (!proc.wait_stdout_contains("\n", 30s))
      throw std::runtime_error("js peer did not start: " + proc.err());
    auto hello = boost::json::parse(proc.out().substr(0, proc.out().find('\n'))).as_object();
    addr = std::string(hello.at("addrs").as_array().at(0).as_string());
  }
};

double js_client_in_dir(const std::string& addr, std::size_t bytes) {
  goop::testing::Process p(
      goop::testing::js_command("peer.mjs", {"perf-client", addr, std::to_string(bytes)}),
      goop::testing::interop_dir());
  auto code = p.wait_exit(300s);
  if (!code || *code != 0) throw std::runtime_error("js perf-client failed: " + p.err());
  return boost::json::parse(p.out().substr(0, p.out().find('\n')))
      .as_object()
      .at("mbPerSec")
      .to_number<double>();
}

// Fresh TCP + Noise + yamux + one 32-byte request/response, `n` times; returns sorted ms.
std::vector<double> handshake_latencies(Node& server, int n) {
  Node client_io;  // its own thread; we use the upgrader directly to force fresh connections
  auto ep = p2p::tcp::to_endpoint(server.host->listen_addrs().at(0)).value();
  const PeerId expected = server.host->id();
  const auto client_key = Ed25519PrivateKey::generate();  // a peer keeps its identity
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    auto t = client_io.run([](ip::tcp::endpoint to, PeerId want,
                              Ed25519PrivateKey key) -> asio::awaitable<Result<double>> {
      const auto t0 = Clock::now();
      GOOP_CO_TRY(auto raw, co_await p2p::tcp::dial(to));
      const yamux::Config muxer;  // (named: no braced temporary inside co_await, GCC 12)
      GOOP_CO_TRY(auto up, co_await upgrade_outbound(std::move(raw), key, want, muxer));
      up.session->start();
      GOOP_CO_TRY(auto s, co_await up.session->open_stream());
      auto lazy = multistream::make_lazy_select(std::move(s), std::string(kSmall));
      Bytes req(32, 7);
      GOOP_CO_TRY_VOID(co_await lazy->write(req));
      std::uint8_t resp[32];
      GOOP_CO_TRY_VOID(co_await read_exact(*lazy, resp));
      const double elapsed = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      lazy->reset();
      co_await up.session->close(1s);
      co_return elapsed;
    }(ep, expected, client_key));
    if (t) ms.push_back(*t);
  }
  std::sort(ms.begin(), ms.end());
  return ms;
}

// Several concurrent dialers doing fresh handshakes for `secs` against `server`.
double inbound_handshakes_per_s(Node& server, int concurrency, double secs) {
  Node client_io;
  auto ep = p2p::tcp::to_endpoint(server.host->listen_addrs().at(0)).value();
  const PeerId expected = server.host->id();
  const auto key = Ed25519PrivateKey::generate();
  return client_io.run([](ip::tcp::endpoint to, PeerId want, Ed25519PrivateKey k, int n,
                          double limit) -> asio::awaitable<double> {
    auto ex = co_await asio::this_coro::executor;
    const auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(limit));
    int done = 0, running = n;
    AsyncEvent finished(ex);  // a dialer ended; this frame outlives them all (it waits for them)
    for (int i = 0; i < n; ++i) {
      asio::co_spawn(
          ex,
          [](ip::tcp::endpoint e, PeerId w, Ed25519PrivateKey id_key, Clock::time_point stop,
             int& count) -> asio::awaitable<void> {
            while (Clock::now() < stop) {
              auto raw = co_await p2p::tcp::dial(e);
              if (!raw) continue;
              const yamux::Config muxer;
              auto up = co_await upgrade_outbound(std::move(*raw), id_key, w, muxer);
              if (!up) continue;
              ++count;
              up->session->start();
              co_await up->session->close(1s);
            }
          }(to, want, k, end, done),
          [&running, &finished](std::exception_ptr) {
            --running;
            finished.notify();
          });
    }
    const auto t0 = Clock::now();
    while (running > 0) co_await finished.wait();
    co_return done / seconds_since(t0);
  }(ep, expected, key, concurrency, secs));
}

// Holds `n` idle connections to `addr` (runs in a child process so the server's RSS is its own).
int idle_clients(const std::string& addr, int n) {
  asio::io_context io;
  auto ma = Multiaddr::parse(addr).value();
  // The sessions live as long as this process: io.run() below never returns while they do.
  std::vector<std::unique_ptr<yamux::Session>> sessions;
  asio::co_spawn(
      io,
      [](Multiaddr to, int count,
         std::vector<std::unique_ptr<yamux::Session>>& out) -> asio::awaitable<void> {
        for (int i = 0; i < count; ++i) {
          auto raw = co_await p2p::tcp::dial(*p2p::tcp::to_endpoint(to));
          if (!raw) continue;
          const yamux::Config muxer;
          auto up = co_await upgrade_outbound(std::move(*raw), Ed25519PrivateKey::generate(),
                                              *to.peer_id(), muxer);
          if (!up) continue;
          up->session->start();
          out.push_back(std::move(up->session));
        }
        fmt::print("ready {}\n", out.size());
        std::fflush(stdout);
      }(ma, n, sessions),
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);  // out of io.run(): the child fails visibly
      });
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the benchmark
  io.run();
  return 0;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1,
                         static_cast<std::size_t>(p * static_cast<double>(sorted.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string_view(argv[1]) == "--idle-clients")
    return idle_clients(argv[2], std::atoi(argv[3]));  // this benchmark's own child process
  [[maybe_unused]] const goop::bench::Args args(argc, argv, "[--rounds=N]", 0, {"--rounds="});
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::size_t big = std::size_t{512} << 20, js_bytes = std::size_t{128} << 20;
  const int rounds = goop::bench::rounds_from(argc, argv);
  using goop::bench::ratios;
  using goop::bench::Samples;

  fmt::print(
      "== p2p single-stream throughput over loopback, {} interleaved rounds: median [min-max]\n",
      rounds);
  Samples raw, ours, js_js, cpp_js;
  {
    JsListener js_server;
    for (int r = 0; r < rounds; ++r) {
      raw.add(raw_aead_mb_per_s(big));
      {
        Node a, b;
        auto pa = a.host->id();
        auto addrs = a.host->listen_addrs();
        auto res = b.run(send_to_sink(*b.host, pa, addrs, big));
        if (!res) throw std::runtime_error("C++ -> C++ transfer failed: " + res.error().message());
        ours.add(*res);
      }
      js_js.add(js_client_in_dir(js_server.addr, js_bytes));
      {
        Node b;
        auto ma = Multiaddr::parse(js_server.addr).value();
        auto res = b.run(send_to_sink(*b.host, *ma.peer_id(), {ma}, js_bytes));
        if (!res) throw std::runtime_error("C++ -> js transfer failed: " + res.error().message());
        cpp_js.add(*res);
      }
    }
  }
  fmt::print("  reference: raw ChaCha20-Poly1305 framed TCP   {} MB/s\n", raw.str());
  fmt::print(
      "  goop2 C++ -> C++ (TCP+Noise+yamux)             {} MB/s = {} x reference, {} x js<->js\n",
      ours.str(), ratios(ours, raw).str(2), ratios(ours, js_js).str(1));
  fmt::print("  reference: js-libp2p -> js-libp2p              {} MB/s\n", js_js.str());
  fmt::print("  goop2 C++ -> js-libp2p                         {} MB/s = {} x js<->js\n",
             cpp_js.str(), ratios(cpp_js, js_js).str(2));

  fmt::print("== new connection + handshake + one 32-byte request/response (loopback), {} rounds\n",
             rounds);
  {
    Node server;
    Samples p50, p99, sequential, inbound;
    std::size_t connections = 0;
    for (int r = 0; r < rounds; ++r) {
      auto ms = handshake_latencies(server, 500);
      connections += ms.size();
      p50.add(percentile(ms, 0.5));
      p99.add(percentile(ms, 0.99));
      double total = 0;
      for (double m : ms) total += m;
      sequential.add(1000.0 * static_cast<double>(ms.size()) / total);
      inbound.add(inbound_handshakes_per_s(server, 16, 3.0));
    }
    fmt::print("  {} connections: p50 {} ms, p99 {} ms (targets: 2 ms, 5 ms)\n", connections,
               p50.str(2), p99.str(2));
    fmt::print("  sequential rate {} handshakes/s (one client)\n", sequential.str());
    fmt::print(
        "  inbound handshakes with 16 concurrent dialers (same 2-core box): {}/s (target "
        "1000/s)\n",
        inbound.str());
  }

  fmt::print("== memory: 1000 idle connections (server process RSS)\n");
  {
    Node server;
    const long before = rss_kib();
    // The dialers run in a child process (so this RSS is the server's alone); it dies with us.
    goop::testing::Process clients({"/proc/self/exe", "--idle-clients", server.addr(), "1000"});
    if (!clients.wait_stdout_contains("ready", 120s))
      throw std::runtime_error("idle clients did not connect: " + clients.err());
    // Wait (at most 30 s) for the server to count them, woken by each connection event.
    const std::size_t connected =
        server.run([](Host& h, Clock::time_point deadline) -> asio::awaitable<std::size_t> {
          auto wake = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
          h.on_connection_event([w = std::weak_ptr(wake)](const PeerId&, ConnectionEvent) {
            if (auto t = w.lock()) t->cancel();
          });
          while (h.connected_peers().size() < 1000 && Clock::now() < deadline) {
            wake->expires_at(deadline);
            co_await wake->async_wait(asio::as_tuple(asio::use_awaitable));
          }
          co_return h.connected_peers().size();
        }(*server.host, Clock::now() + 30s));
    const long after = rss_kib();
    fmt::print(
        "  {} idle connections: RSS {:.1f} MB -> {:.1f} MB, {:.1f} KiB per connection (target: < "
        "100 MB for 1000)\n",
        connected, static_cast<double>(before) / 1024.0, static_cast<double>(after) / 1024.0,
        static_cast<double>(after - before) /
            static_cast<double>(std::max<std::size_t>(connected, 1)));
  }
  return 0;
}
