#include "p2p/io/framing.hpp"

#include "base/timeout.hpp"
#include "p2p/errors.hpp"
#include "p2p/multiformats/protobuf.hpp"
#include "p2p/testing/memory_stream.hpp"
#include "testing/run_coro.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

namespace goop::p2p {
namespace {
namespace asio = boost::asio;
using goop::testing::run_coro;
using testing::MemoryStream;
using namespace std::chrono_literals;

TEST(MemoryStream, BytesFlowBothWaysAndEndOfStreamAfterCloseWrite) {
  asio::io_context io;
  auto [a, b] = MemoryStream::make_pair(io.get_executor(), 4);  // tiny buffer: backpressure
  run_coro(io, [](ByteStream& x, ByteStream& y) -> asio::awaitable<void> {
    auto writer = [](ByteStream& s) -> asio::awaitable<Result<void>> {
      auto r = co_await s.write(as_bytes("hello world"));
      if (!r) co_return r;
      co_return co_await s.close_write();
    };
    Result<void> wrote = make_error_code(Errc::kTimeout);
    asio::co_spawn(co_await asio::this_coro::executor, writer(x),
                   [&](std::exception_ptr, Result<void> r) { wrote = r; });
    std::string got;
    std::uint8_t buf[3];
    for (;;) {
      auto n = co_await y.read_some(buf);
      if (!n) {
        EXPECT_EQ(n.error(), make_error_code(Errc::kEndOfStream));
        break;
      }
      got.append(reinterpret_cast<char*>(buf), *n);
    }
    EXPECT_TRUE(wrote.has_value());
    EXPECT_EQ(got, "hello world");
  }(*a, *b));
}

TEST(MemoryStream, ResetFailsThePeersPendingRead) {
  asio::io_context io;
  auto [a, b] = MemoryStream::make_pair(io.get_executor());
  run_coro(io, [](MemoryStream& x, MemoryStream& y) -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    asio::co_spawn(
        ex,
        [&]() -> asio::awaitable<void> {
          x.reset();
          co_return;
        },
        asio::detached);
    std::uint8_t buf[1];
    auto n = co_await y.read_some(buf);
    EXPECT_EQ(n.error(), make_error_code(Errc::kStreamReset));
  }(*a, *b));
}

TEST(MemoryStream, ReadHonoursTimeout) {
  asio::io_context io;
  auto [a, b] = MemoryStream::make_pair(io.get_executor());
  auto r = run_coro(io, [](ByteStream& y) -> asio::awaitable<Result<std::size_t>> {
    auto read = [](ByteStream& s) -> asio::awaitable<Result<std::size_t>> {
      std::uint8_t buf[1];
      co_return co_await s.read_some(buf);
    };
    co_return co_await with_timeout(read(y), 20ms);
  }(*b));
  EXPECT_EQ(r.error(), make_error_code(goop::Errc::kTimeout));
}

TEST(Framing, LengthPrefixedRoundTripAndCap) {
  asio::io_context io;
  auto [a, b] = MemoryStream::make_pair(io.get_executor());
  run_coro(io, [](ByteStream& x, ByteStream& y) -> asio::awaitable<void> {
    EXPECT_TRUE((co_await write_length_prefixed(x, as_bytes("abc"))).has_value());
    EXPECT_TRUE((co_await write_length_prefixed(x, Bytes(300, 7))).has_value());
    auto m1 = co_await read_length_prefixed(y, 100);
    EXPECT_TRUE(m1.has_value());
    if (m1) {
      EXPECT_EQ(as_chars(*m1), "abc");
    }
    auto m2 = co_await read_length_prefixed(y, 299);
    EXPECT_EQ(m2.error(), make_error_code(Errc::kTooLarge));
  }(*a, *b));
}

TEST(Protobuf, WriterReaderRoundTripAndSkipsUnknown) {
  pb::Writer w;
  w.varint(1, 150);
  w.string(2, "hi");
  w.fixed64(9, 0x0102030405060708ull);
  w.bytes(3, Bytes{1, 2});
  pb::Reader r(w.out());
  std::vector<std::uint32_t> numbers;
  for (;;) {
    auto f = r.next();
    ASSERT_TRUE(f.has_value());
    if (!*f) break;
    numbers.push_back((*f)->number);
    if ((*f)->number == 1) {
      EXPECT_EQ((*f)->value, 150u);
    } else if ((*f)->number == 2) {
      EXPECT_EQ((*f)->str(), "hi");
    } else if ((*f)->number == 9) {
      EXPECT_EQ((*f)->value, 0x0102030405060708ull);
    }
  }
  EXPECT_EQ(numbers, (std::vector<std::uint32_t>{1, 2, 9, 3}));
  // protobuf docs example: field 1 varint 150 = 08 96 01.
  EXPECT_EQ(to_hex(pb::Writer().out()), "");
  pb::Writer ex;
  ex.varint(1, 150);
  EXPECT_EQ(to_hex(ex.out()), "089601");
}

TEST(Protobuf, RejectsGroupsTruncationAndFieldZero) {
  EXPECT_TRUE(pb::Reader(Bytes{0x0b}).next().has_error());              // group start
  EXPECT_TRUE(pb::Reader(Bytes{0x12, 0x05, 0x01}).next().has_error());  // len beyond input
  EXPECT_TRUE(pb::Reader(Bytes{0x00, 0x01}).next().has_error());        // field 0
  EXPECT_TRUE(pb::Reader(Bytes{0x09, 0x01}).next().has_error());        // fixed64 truncated
}

}  // namespace
}  // namespace goop::p2p
