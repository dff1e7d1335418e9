// SecureStream throughput (one direction, writer and reader on one io_context over an in-memory
// pipe) against the bare cost of the same crypto: EVP ChaCha20-Poly1305 seal + open of the same
// frame sizes on reused contexts. Prints secure_stream / raw_aead per write size at the end; the
// gap is framing, copies, buffering and coroutine overhead.
#include "base/async_event.hpp"
#include "p2p/errors.hpp"
#include "p2p/security/noise/primitives.hpp"
#include "p2p/security/noise/secure_stream.hpp"

#include <benchmark/benchmark.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>

namespace {
namespace asio = boost::asio;
using namespace goop;
using namespace goop::p2p;
using namespace goop::p2p::noise;

constexpr std::size_t kBytesPerIteration = 8 << 20;
constexpr std::size_t kPipeCapacity = 1 << 20;

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
    if (p_->used() == 0) co_return make_error_code(Errc::kEndOfStream);
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

void BM_SecureStream(benchmark::State& state) {
  const auto write_size = static_cast<std::size_t>(state.range(0));
  asio::io_context io;
  auto pipe = std::make_shared<Pipe>(io.get_executor());
  SecureStream writer(std::make_unique<PipeEnd>(pipe, io.get_executor()), CipherState(test_key()),
                      CipherState(test_key()));
  SecureStream reader(std::make_unique<PipeEnd>(pipe, io.get_executor()), CipherState(test_key()),
                      CipherState(test_key()));
  const Bytes data(write_size, 0x5a);
  Bytes rbuf(256 * 1024);
  for (auto _ : state) {
    run_io(io, [&]() -> asio::awaitable<void> {
      auto ex = co_await asio::this_coro::executor;
      // The writer is waited for below, so it never outlives this iteration's locals.
      bool written = false;
      AsyncEvent writer_done(ex);
      asio::co_spawn(
          ex,
          [&]() -> asio::awaitable<void> {
            for (std::size_t sent = 0; sent < kBytesPerIteration; sent += write_size) {
              if (!co_await writer.write(data)) std::abort();
            }
          },
          [&](std::exception_ptr e) {
            if (e) std::abort();
            written = true;
            writer_done.notify();
          });
      std::size_t got = 0;
      const std::size_t want = (kBytesPerIteration + write_size - 1) / write_size * write_size;
      while (got < want) {
        auto n = co_await reader.read_some(rbuf);
        if (!n) std::abort();
        got += *n;
      }
      while (!written) co_await writer_done.wait();
    }());
  }
  const std::size_t per_iter = (kBytesPerIteration + write_size - 1) / write_size * write_size;
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(per_iter));
}

void BM_RawAead(benchmark::State& state) {
  const std::size_t frame = std::min(static_cast<std::size_t>(state.range(0)), kMaxPlaintext);
  ChaChaPoly enc(test_key());
  ChaChaPoly dec(test_key());
  Bytes plain(frame, 0x5a);
  Bytes wire(frame + kTagLen);
  Bytes out(frame);
  std::uint64_t n = 0;
  for (auto _ : state) {
    for (std::size_t done = 0; done < kBytesPerIteration; done += frame) {
      Nonce nonce{};
      std::memcpy(nonce.data() + 4, &n, sizeof n);
      ++n;
      enc.seal(nonce, {}, plain, wire.data());
      if (!dec.open(nonce, {}, wire, out.data())) std::abort();
    }
    benchmark::DoNotOptimize(out.data());
  }
  const std::size_t per_iter = (kBytesPerIteration + frame - 1) / frame * frame;
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(per_iter));
}

void sizes(benchmark::internal::Benchmark* b) {
  for (std::int64_t s : {1024, 16384, 65519, 262144, 1048576}) b->Arg(s);
}
BENCHMARK(BM_SecureStream)->Apply(sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawAead)->Apply(sizes)->Unit(benchmark::kMillisecond);

// Collects bytes/s per (benchmark, size) to print the ratio table.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      const std::string name = r.benchmark_name();
      const auto slash = name.find('/');
      auto it = r.counters.find("bytes_per_second");
      if (slash == std::string::npos || it == r.counters.end()) continue;
      rates[std::stol(name.substr(slash + 1))][name.substr(0, slash)] = it->second.value;
    }
  }
  std::map<long, std::map<std::string, double>> rates;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\nwrite size   SecureStream MiB/s   raw AEAD MiB/s   ratio\n");
  for (const auto& [size, r] : reporter.rates) {
    auto s = r.find("BM_SecureStream");
    auto a = r.find("BM_RawAead");
    if (s == r.end() || a == r.end()) continue;
    std::printf("%10ld   %18.0f   %14.0f   %5.2f\n", size, s->second / (1 << 20),
                a->second / (1 << 20), s->second / a->second);
  }
  benchmark::Shutdown();
  return 0;
}
