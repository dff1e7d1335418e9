// Single-stream throughput through two sessions over a memcpy pipe (no Noise, no sockets): the
// cost of yamux itself. Prints MB/s; asserts only that every byte arrived intact.
#include "base/async_event.hpp"
#include "p2p/muxer/yamux/session.hpp"
#include "p2p/muxer/yamux/test_support.hpp"
#include "p2p/testing/spawned.hpp"
#include "testing/run_coro.hpp"
#include "testing/wait_for.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace goop::p2p::yamux {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;

// A minimal in-memory ByteStream pair with a bounded contiguous buffer per direction; unlike
// MemoryStream it copies with memcpy, so it does not dominate the measurement.
struct Pipe {
  explicit Pipe(asio::any_io_executor ex) : readable(ex), writable(ex) {}
  Bytes buf = Bytes(4 << 20);
  std::size_t head = 0, tail = 0;
  bool closed = false;
  AsyncEvent readable, writable;
};

class PipeEnd final : public ByteStream {
 public:
  PipeEnd(std::shared_ptr<Pipe> in, std::shared_ptr<Pipe> out, asio::any_io_executor ex)
      : in_(std::move(in)), out_(std::move(out)), ex_(std::move(ex)) {}
  ~PipeEnd() override { reset(); }
  asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> b) override {
    auto& p = *in_;
    while (p.head == p.tail) {
      if (p.closed) co_return make_error_code(Errc::kEndOfStream);
      if (!co_await p.readable.wait()) co_return make_error_code(asio::error::operation_aborted);
    }
    const std::size_t n = std::min(b.size(), p.tail - p.head);
    std::memcpy(b.data(), p.buf.data() + p.head, n);
    p.head += n;
    if (p.head == p.tail) p.head = p.tail = 0;
    p.writable.notify();
    co_return n;
  }
  asio::awaitable<Result<void>> write(BytesView d) override {
    auto& p = *out_;
    while (!d.empty()) {
      if (p.closed) co_return make_error_code(Errc::kConnectionClosed);
      if (p.tail == p.buf.size() && p.head > 0) {
        std::memmove(p.buf.data(), p.buf.data() + p.head, p.tail - p.head);
        p.tail -= p.head;
        p.head = 0;
      }
      const std::size_t n = std::min(d.size(), p.buf.size() - p.tail);
      if (n == 0) {
        if (!co_await p.writable.wait()) co_return make_error_code(asio::error::operation_aborted);
        continue;
      }
      std::memcpy(p.buf.data() + p.tail, d.data(), n);
      p.tail += n;
      d = d.subspan(n);
      p.readable.notify();
    }
    co_return Result<void>{};
  }
  asio::awaitable<Result<void>> close_write() override {
    out_->closed = true;
    out_->readable.notify();
    co_return Result<void>{};
  }
  void reset() override {
    for (auto* p : {in_.get(), out_.get()}) {
      p->closed = true;
      p->readable.notify();
      p->writable.notify();
    }
  }
  asio::any_io_executor get_executor() override { return ex_; }

 private:
  std::shared_ptr<Pipe> in_, out_;
  asio::any_io_executor ex_;
};

asio::awaitable<bool> send_all(MuxedStream& s, std::size_t total) {
  const Bytes chunk = testing::pattern(1 << 20, 5);
  for (std::size_t sent = 0; sent < total; sent += chunk.size()) {
    if (!co_await s.write(chunk)) co_return false;
  }
  co_return (co_await s.close_write()).has_value();
}

// True if `got`, found at offset `at` of the stream, matches the repeated `expect`.
bool matches(BytesView got, std::size_t at, const Bytes& expect) {
  while (!got.empty()) {
    const std::size_t off = at % expect.size();
    const std::size_t n = std::min(got.size(), expect.size() - off);
    if (std::memcmp(got.data(), expect.data() + off, n) != 0) return false;
    got = got.subspan(n);
    at += n;
  }
  return true;
}

TEST(YamuxThroughput, SingleStreamOverMemcpyPipe) {
  asio::io_context io;
  auto ex = io.get_executor();
  auto ab = std::make_shared<Pipe>(ex), ba = std::make_shared<Pipe>(ex);
  Session client(std::make_unique<PipeEnd>(ba, ab, ex), Role::kClient);
  Session server(std::make_unique<PipeEnd>(ab, ba, ex), Role::kServer);
  std::deque<std::unique_ptr<MuxedStream>> inbound;
  goop::testing::Signal accepted(ex);
  server.set_stream_handler([&](std::unique_ptr<MuxedStream> s) {
    inbound.push_back(std::move(s));
    accepted.notify();
  });
  client.start();
  server.start();
  constexpr std::size_t kTotal = std::size_t{256} << 20;
  goop::testing::run_coro(
      io,
      [&]() -> asio::awaitable<void> {
        auto a = *co_await client.open_stream();
        const auto t0 = std::chrono::steady_clock::now();
        auto sent = p2p::testing::spawn(ex, [&a] { return send_all(*a, kTotal); });
        EXPECT_TRUE(co_await goop::testing::wait_for(accepted, [&] { return !inbound.empty(); }));
        if (inbound.empty()) co_return;
        auto b = std::move(inbound.front());
        Bytes buf(1 << 20);
        std::size_t got = 0;
        bool intact = true;
        const Bytes expect = testing::pattern(1 << 20, 5);
        for (;;) {
          auto n = co_await b->read_some(buf);
          if (!n) {
            EXPECT_EQ(n.error(), make_error_code(Errc::kEndOfStream)) << n.error().message();
            break;
          }
          intact = intact && matches(BytesView(buf.data(), *n), got, expect);
          got += *n;
        }
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("yamux single stream: %.0f MB/s (%zu MiB in %.3f s)\n",
                    static_cast<double>(got) / secs / 1e6, got >> 20, secs);
        EXPECT_TRUE(co_await sent.wait());
        EXPECT_TRUE(sent.get());
        EXPECT_EQ(got, kTotal);
        EXPECT_TRUE(intact) << "the bytes that arrived differ from those sent";
        co_await client.close(1s);
        co_await server.close(1s);
      }(),
      120s);
}

}  // namespace
}  // namespace goop::p2p::yamux
