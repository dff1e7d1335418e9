// SecureStream framing tests: a SecureStream pair over the in-memory pair with fixed keys, and
// the raw peer end for hand-made frames.
#include "p2p/security/noise/secure_stream.hpp"

#include "base/async_event.hpp"
#include "p2p/errors.hpp"
#include "p2p/io/framing.hpp"
#include "p2p/testing/memory_stream.hpp"
#include "testing/run_coro.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <gtest/gtest.h>

namespace goop::p2p::noise {
namespace {
namespace asio = boost::asio;
using goop::testing::run_coro;
using testing::MemoryStream;

Key key_a() {
  Key k{};
  k.fill(0xaa);
  return k;
}
Key key_b() {
  Key k{};
  k.fill(0xbb);
  return k;
}

struct Fixture {
  asio::io_context io;
  MemoryStream* raw_a = nullptr;  // owned by a
  MemoryStream* raw_b = nullptr;  // owned by b
  std::unique_ptr<SecureStream> a;
  std::unique_ptr<SecureStream> b;

  explicit Fixture(std::size_t capacity = 1 << 20) {
    auto [x, y] = MemoryStream::make_pair(io.get_executor(), capacity);
    raw_a = x.get();
    raw_b = y.get();
    a = std::make_unique<SecureStream>(std::move(x), CipherState(key_a()), CipherState(key_b()));
    b = std::make_unique<SecureStream>(std::move(y), CipherState(key_b()), CipherState(key_a()));
  }
};

// A raw end for hand-made frames, and a SecureStream reading from it.
struct RawFixture {
  asio::io_context io;
  std::unique_ptr<MemoryStream> raw;
  std::unique_ptr<SecureStream> secure;
  CipherState peer_send{key_a()};

  RawFixture() {
    auto [x, y] = MemoryStream::make_pair(io.get_executor());
    raw = std::move(x);
    secure =
        std::make_unique<SecureStream>(std::move(y), CipherState(key_b()), CipherState(key_a()));
  }
  Bytes frame(BytesView plain) {
    Bytes f(2 + plain.size() + kTagLen);
    f[0] = static_cast<std::uint8_t>((plain.size() + kTagLen) >> 8);
    f[1] = static_cast<std::uint8_t>(plain.size() + kTagLen);
    EXPECT_TRUE(peer_send.encrypt_with_ad({}, plain, f.data() + 2));
    return f;
  }
};

std::uint64_t fnv1a(std::uint64_t h, BytesView b) {
  for (std::uint8_t c : b) h = (h ^ c) * 1099511628211ull;
  return h;
}
constexpr std::uint64_t kFnvBasis = 14695981039346656037ull;

Bytes pattern(std::size_t n, std::uint64_t seed) {
  Bytes out(n);
  std::uint64_t x = seed | 1;
  for (auto& c : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<std::uint8_t>(x);
  }
  return out;
}

// Writes `total` bytes of a pattern in varying sizes, then closes; returns the checksum.
asio::awaitable<Result<std::uint64_t>> send_all(ByteStream& s, std::size_t total,
                                                std::uint64_t seed) {
  const Bytes data = pattern(total, seed);
  const std::size_t sizes[] = {1, 100, 65519, 65520, 200000, 7, 131038, 4096};
  std::size_t off = 0;
  for (std::size_t i = 0; off < total; ++i) {
    const std::size_t n = std::min(sizes[i % std::size(sizes)], total - off);
    GOOP_CO_TRY_VOID(co_await s.write(BytesView(data).subspan(off, n)));
    off += n;
  }
  GOOP_CO_TRY_VOID(co_await s.close_write());
  co_return fnv1a(kFnvBasis, data);
}

// Reads until end of stream with varying buffer sizes; returns (bytes, checksum).
asio::awaitable<Result<std::pair<std::size_t, std::uint64_t>>> receive_all(ByteStream& s) {
  Bytes buf(300000);
  const std::size_t sizes[] = {300000, 1, 65519, 10, 70000, 16384};
  std::size_t total = 0;
  std::uint64_t h = kFnvBasis;
  for (std::size_t i = 0;; ++i) {
    auto n = co_await s.read_some(std::span(buf.data(), sizes[i % std::size(sizes)]));
    if (!n && n.error() == Errc::kEndOfStream) break;
    if (!n) co_return n.error();
    h = fnv1a(h, BytesView(buf.data(), *n));
    total += *n;
  }
  co_return std::pair{total, h};
}

constexpr std::size_t kTenMiB = 10 * 1024 * 1024;

TEST(NoiseSecureStream, TenMiBEachWayConcurrentlyWithChecksum) {
  Fixture f(256 * 1024);
  run_coro(
      f.io,
      [](SecureStream& a, SecureStream& b) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        AsyncEvent done(ex);
        int finished = 0;
        Result<std::uint64_t> sent_a = make_error_code(Errc::kTimeout);
        Result<std::uint64_t> sent_b = make_error_code(Errc::kTimeout);
        Result<std::pair<std::size_t, std::uint64_t>> got_a = make_error_code(Errc::kTimeout);
        asio::co_spawn(ex, send_all(a, kTenMiB, 1),
                       [&](std::exception_ptr, Result<std::uint64_t> r) {
                         sent_a = r;
                         ++finished;
                         done.notify();
                       });
        asio::co_spawn(ex, send_all(b, kTenMiB, 2),
                       [&](std::exception_ptr, Result<std::uint64_t> r) {
                         sent_b = r;
                         ++finished;
                         done.notify();
                       });
        asio::co_spawn(ex, receive_all(a),
                       [&](std::exception_ptr, Result<std::pair<std::size_t, std::uint64_t>> r) {
                         got_a = r;
                         ++finished;
                         done.notify();
                       });
        auto got_b = co_await receive_all(b);
        while (finished < 3) co_await done.wait();
        EXPECT_TRUE(sent_a && sent_b && got_a && got_b);
        if (!(sent_a && sent_b && got_a && got_b)) co_return;
        EXPECT_EQ(got_b->first, kTenMiB);
        EXPECT_EQ(got_b->second, *sent_a);
        EXPECT_EQ(got_a->first, kTenMiB);
        EXPECT_EQ(got_a->second, *sent_b);
      }(*f.a, *f.b),
      std::chrono::seconds(60));
}

TEST(NoiseSecureStream, LargeWritesSplitIntoMaxSizedFrames) {
  Fixture f;
  run_coro(f.io, [](Fixture& fx) -> asio::awaitable<void> {
    const std::size_t cases[][2] = {// plaintext size, expected frames
                                    {kMaxPlaintext, 1},
                                    {kMaxPlaintext + 1, 2},
                                    {3 * kMaxPlaintext + 5, 4},
                                    {9 * kMaxPlaintext, 9}};
    for (const auto& c : cases) {
      const std::size_t before = fx.raw_a->bytes_written();
      const Bytes data = pattern(c[0], c[0]);
      EXPECT_TRUE(co_await fx.a->write(data));
      EXPECT_EQ(fx.raw_a->bytes_written() - before, c[0] + c[1] * (2 + kTagLen)) << c[0];
      Bytes got(c[0]);
      EXPECT_TRUE(co_await read_exact(*fx.b, got));
      EXPECT_EQ(got, data);
    }
    EXPECT_EQ(fx.a->send_nonce_for_testing(), 16u);
    // An empty write sends nothing.
    const std::size_t before = fx.raw_a->bytes_written();
    EXPECT_TRUE(co_await fx.a->write({}));
    EXPECT_EQ(fx.raw_a->bytes_written(), before);
  }(f));
}

TEST(NoiseSecureStream, FrameLayoutIsLengthThenCiphertextAndTag) {
  RawFixture f;
  run_coro(f.io, [](RawFixture& fx) -> asio::awaitable<void> {
    EXPECT_TRUE(co_await fx.secure->write(as_bytes("abc")));
    std::array<std::uint8_t, 2 + 3 + kTagLen> wire{};
    EXPECT_TRUE(co_await read_exact(*fx.raw, wire));
    EXPECT_EQ(wire[0], 0);
    EXPECT_EQ(wire[1], 3 + kTagLen);
    CipherState peer_recv(key_b());
    std::array<std::uint8_t, 3> plain{};
    EXPECT_TRUE(peer_recv.decrypt_with_ad({}, BytesView(wire).subspan(2), plain.data()));
    EXPECT_EQ(as_chars(plain), "abc");
  }(f));
}

TEST(NoiseSecureStream, EmptyFramesAreSkippedAndSmallReadsDrainAFrame) {
  RawFixture f;
  run_coro(f.io, [](RawFixture& fx) -> asio::awaitable<void> {
    Bytes wire = fx.frame({});
    Bytes second = fx.frame(as_bytes("hello"));
    wire.insert(wire.end(), second.begin(), second.end());
    EXPECT_TRUE(co_await fx.raw->write(wire));
    std::string got;
    std::array<std::uint8_t, 2> buf{};
    while (got.size() < 5) {
      auto n = co_await fx.secure->read_some(buf);
      EXPECT_TRUE(n);
      if (!n) co_return;
      got.append(as_chars(BytesView(buf).first(*n)));
    }
    EXPECT_EQ(got, "hello");
  }(f));
}

TEST(NoiseSecureStream, TamperedFrameEndsTheStream) {
  RawFixture f;
  run_coro(f.io, [](RawFixture& fx) -> asio::awaitable<void> {
    Bytes good = fx.frame(as_bytes("first"));
    Bytes bad = fx.frame(as_bytes("second"));
    bad[5] ^= 0x20;
    good.insert(good.end(), bad.begin(), bad.end());
    EXPECT_TRUE(co_await fx.raw->write(good));
    std::array<std::uint8_t, 64> buf{};
    auto n = co_await fx.secure->read_some(buf);
    EXPECT_TRUE(n && as_chars(BytesView(buf).first(*n)) == "first");
    n = co_await fx.secure->read_some(buf);
    EXPECT_EQ(n.error(), make_error_code(Errc::kProtocolViolation));
    n = co_await fx.secure->read_some(buf);
    EXPECT_EQ(n.error(), make_error_code(Errc::kProtocolViolation));
    // The raw stream was reset, so the peer learns at once.
    n = co_await fx.raw->read_some(buf);
    EXPECT_EQ(n.error(), make_error_code(Errc::kStreamReset));
  }(f));
}

TEST(NoiseSecureStream, FrameShorterThanATagIsAViolation) {
  RawFixture f;
  run_coro(f.io, [](RawFixture& fx) -> asio::awaitable<void> {
    const Bytes wire = {0x00, 0x05, 1, 2, 3, 4, 5};
    EXPECT_TRUE(co_await fx.raw->write(wire));
    std::array<std::uint8_t, 64> buf{};
    auto n = co_await fx.secure->read_some(buf);
    EXPECT_EQ(n.error(), make_error_code(Errc::kProtocolViolation));
  }(f));
}

TEST(NoiseSecureStream, EndOfStreamInsideAFrameIsAViolation) {
  RawFixture f;
  run_coro(f.io, [](RawFixture& fx) -> asio::awaitable<void> {
    Bytes wire = fx.frame(as_bytes("truncated"));
    wire.pop_back();
    EXPECT_TRUE(co_await fx.raw->write(wire));
    EXPECT_TRUE(co_await fx.raw->close_write());
    std::array<std::uint8_t, 64> buf{};
    auto n = co_await fx.secure->read_some(buf);
    EXPECT_EQ(n.error(), make_error_code(Errc::kProtocolViolation));
  }(f));
}

TEST(NoiseSecureStream, RefusesToEncryptAtNonceMax) {
  Fixture f;
  run_coro(f.io, [](Fixture& fx) -> asio::awaitable<void> {
    fx.a->set_send_nonce_for_testing(kMaxNonce);
    auto r = co_await fx.a->write(as_bytes("x"));
    EXPECT_EQ(r.error(), make_error_code(Errc::kResourceLimit));
    r = co_await fx.a->write(as_bytes("y"));
    EXPECT_EQ(r.error(), make_error_code(Errc::kResourceLimit));
    std::array<std::uint8_t, 4> buf{};
    auto n = co_await fx.b->read_some(buf);
    EXPECT_EQ(n.error(), make_error_code(Errc::kStreamReset));
  }(f));
}

TEST(NoiseSecureStream, ResetReachesThePeer) {
  Fixture f;
  run_coro(f.io, [](Fixture& fx) -> asio::awaitable<void> {
    fx.a->reset();
    std::array<std::uint8_t, 4> buf{};
    auto n = co_await fx.b->read_some(buf);
    EXPECT_EQ(n.error(), make_error_code(Errc::kStreamReset));
  }(f));
}

}  // namespace
}  // namespace goop::p2p::noise
