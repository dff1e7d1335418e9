// SecureStream throughput (one direction, writer and reader on one io_context over an in-memory
// pipe) against the bare cost of the same crypto: EVP ChaCha20-Poly1305 seal + open of the same
// frame sizes on reused contexts. The two are measured in interleaved rounds (each write size:
// SecureStream, then raw AEAD, every round) and printed per write size as median [min-max]
// MiB/s, with secure_stream / raw_aead as the median of the per-round ratios
// (bench/rounds.hpp). The gap is framing, copies, buffering and coroutine overhead.
//
//   goop_bench_noise [mib=32] [--rounds=5]     (MiB moved per measurement)
#include "args.hpp"
#include "base/async_event.hpp"
#include "p2p/errors.hpp"
#include "p2p/security/noise/primitives.hpp"
#include "p2p/security/noise/secure_stream.hpp"
#include "rounds.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {
namespace asio = boost::asio;
using namespace goop;
using namespace goop::p2p;
using namespace goop::p2p::noise;

constexpr std::size_t kPipeCapacity = 1 << 20;
using Clock = std::chrono::steady_clock;

double mib_per_s(std::size_t bytes, Clock::time_point t0) {
  return static_cast<double>(bytes) / (1 << 20) /
         std::chrono::duration<double>(Clock::now() - t0).count();
}

// One-directional in-memory pipe with a bounded buffer (the bench links only goop_p2p, so the
// test MemoryStream is not available).
struct Pipe {
  explicit Pipe(asio::any_io_executor ex) : readable(ex), writable(ex) {}
  Bytes buf;
  std::size_t roff = 0;
  bool closed = false;
  AsyncEvent readable;
  AsyncEvent writable;
  std::size_t used() const { return buf.size() - roff; }
};

class PipeEnd final : public ByteStream {
 public:
  PipeEnd(std::shared_ptr<Pipe> p, asio::any_io_executor ex) : p_(std::move(p)), ex_(ex) {}
  asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> out) override {
    while (p_->used() == 0 && !p_->closed) co_await p_->readable.wait();
    if (p_->used() == 0) co_return make_error_code(p2p::Errc::kEndOfStream);
    const std::size_t n = std::min(out.size(), p_->used());
    std::memcpy(out.data(), p_->buf.data() + p_->roff, n);
    p_->roff += n;
    if (p_->roff == p_->buf.size()) {
      p_->buf.clear();
      p_->roff = 0;
    }
    p_->writable.notify();
    co_return n;
  }
  asio::awaitable<Result<void>> write(BytesView data) override {
    while (!data.empty()) {
      while (p_->used() >= kPipeCapacity) co_await p_->writable.wait();
      const std::size_t n = std::min(data.size(), kPipeCapacity - p_->used());
      p_->buf.insert(p_->buf.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
      data = data.subspan(n);
      p_->readable.notify();
    }
    co_return Result<void>{};
  }
  asio::awaitable<Result<void>> close_write() override {
    p_->closed = true;
    p_->readable.notify();
    co_return Result<void>{};
  }
  void reset() override { p_->closed = true; }
  asio::any_io_executor get_executor() override { return ex_; }

 private:
  std::shared_ptr<Pipe> p_;
  asio::any_io_executor ex_;
};

Key test_key() {
  Key k{};
  k.fill(0x42);
  return k;
}

void run_io(asio::io_context& io, asio::awaitable<void> task) {
  bool done = false;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
    done = true;
  });
  while (!done) {
    io.run_one();
    if (io.stopped()) io.restart();
  }
}

// Writes `data` again and again until `total` bytes are written (a named coroutine, not a
// lambda: it outlives the expression that spawns it).
asio::awaitable<void> write_all(SecureStream& w, const Bytes& data, std::size_t total) {
  for (std::size_t sent = 0; sent < total; sent += data.size()) {
    if (!co_await w.write(data)) std::abort();
  }
}

// MiB/s moving `bytes` through a SecureStream pair in writes of `write_size`.
double secure_stream(std::size_t write_size, std::size_t bytes) {
  asio::io_context io;
  auto pipe = std::make_shared<Pipe>(io.get_executor());
  SecureStream writer(std::make_unique<PipeEnd>(pipe, io.get_executor()), CipherState(test_key()),
                      CipherState(test_key()));
  SecureStream reader(std::make_unique<PipeEnd>(pipe, io.get_executor()), CipherState(test_key()),
                      CipherState(test_key()));
  const Bytes data(write_size, 0x5a);
  Bytes rbuf(256 * 1024);
  const std::size_t want = (bytes + write_size - 1) / write_size * write_size;
  const auto t0 = Clock::now();
  run_io(io, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    // The writer is waited for below, so it never outlives this function's locals.
    bool written = false;
    AsyncEvent writer_done(ex);
    asio::co_spawn(ex, write_all(writer, data, want), [&](std::exception_ptr e) {
      if (e) std::abort();
      written = true;
      writer_done.notify();
    });
    std::size_t got = 0;
    while (got < want) {
      auto n = co_await reader.read_some(rbuf);
      if (!n) std::abort();
      got += *n;
    }
    while (!written) co_await writer_done.wait();
  }());
  return mib_per_s(want, t0);
}

// MiB/s sealing and opening `bytes` in frames of min(write_size, kMaxPlaintext).
double raw_aead(std::size_t write_size, std::size_t bytes) {
  const std::size_t frame = std::min(write_size, kMaxPlaintext);
  ChaChaPoly enc(test_key());
  ChaChaPoly dec(test_key());
  Bytes plain(frame, 0x5a);
  Bytes wire(frame + kTagLen);
  Bytes out(frame);
  std::uint64_t n = 0;
  const std::size_t want = (bytes + frame - 1) / frame * frame;
  const auto t0 = Clock::now();
  for (std::size_t done = 0; done < want; done += frame) {
    Nonce nonce{};
    std::memcpy(nonce.data() + 4, &n, sizeof n);
    ++n;
    enc.seal(nonce, {}, plain, wire.data());
    if (!dec.open(nonce, {}, wire, out.data())) std::abort();
  }
  return mib_per_s(want, t0);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const goop::bench::Args args(argc, argv, "[mib=32] [--rounds=N]", 1, {"--rounds="});
  const int rounds = goop::bench::rounds_from(argc, argv, 5);
  const std::size_t mib = args.count(0, "mib (MiB per measurement)", 32, 1, 4096);
  const std::vector<std::size_t> sizes{1024, 16384, 65519, 262144, 1048576};
  std::vector<goop::bench::Samples> ours(sizes.size()), ref(sizes.size());
  for (int r = 0; r < rounds; ++r) {
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      ours[i].add(secure_stream(sizes[i], mib << 20));
      ref[i].add(raw_aead(sizes[i], mib << 20));
    }
  }
  std::printf(
      "== SecureStream vs raw ChaCha20-Poly1305, %zu MiB per measurement, %d interleaved rounds: "
      "median [min-max]\n",
      mib, rounds);
  std::printf("%10s   %24s   %24s   %18s\n", "write size", "SecureStream MiB/s", "raw AEAD MiB/s",
              "ratio");
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    std::printf("%10zu   %24s   %24s   %18s\n", sizes[i], ours[i].str().c_str(),
                ref[i].str().c_str(), goop::bench::ratios(ours[i], ref[i]).str(2).c_str());
  }
  return 0;
}
