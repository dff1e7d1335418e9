// FrameReader over an in-memory stream: frames split across reads and several frames in one
// read come out whole and in order; an over-long length and a bad varint are errors.
#include "p2p/protocol/gossipsub/frame_reader.hpp"

#include "p2p/errors.hpp"
#include "p2p/io/framing.hpp"
#include "p2p/testing/memory_stream.hpp"
#include "testing/run_coro.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace goop::p2p::gossipsub {
namespace {
namespace asio = boost::asio;
using goop::testing::run_coro;
using p2p::testing::MemoryStream;

// Every frame `r` yields until `s` ends.
asio::awaitable<Result<std::vector<Bytes>>> read_all(FrameReader& r, ByteStream& s) {
  std::vector<Bytes> frames;
  for (;;) {
    for (;;) {
      auto f = r.next();
      if (!f) co_return f.error();
      if (!*f) break;
      frames.emplace_back((*f)->begin(), (*f)->end());
    }
    auto more = co_await r.fill(s);
    if (!more) {
      if (more.error() == make_error_code(Errc::kEndOfStream)) co_return frames;
      co_return more.error();
    }
  }
}

TEST(GossipFrameReader, YieldsWholeFramesWhateverTheReadBoundaries) {
  asio::io_context io;
  // (named, not a structured binding: clang 14 cannot capture one in a lambda)
  auto ends = MemoryStream::make_pair(io.get_executor());
  auto& a = ends.first;
  auto& b = ends.second;
  // Frames of 0, 1, 300 (two-byte prefix) and 40000 bytes (larger than a read chunk), written
  // as one blob in pieces of 7 bytes (frames split everywhere) and then in one piece.
  std::vector<Bytes> want;
  for (std::size_t n : {0u, 1u, 300u, 40000u})
    want.push_back(Bytes(n, static_cast<std::uint8_t>(n)));
  Bytes blob;
  for (const auto& f : want) append_length_prefixed(blob, f);
  auto frames = run_coro(io, [&]() -> asio::awaitable<Result<std::vector<Bytes>>> {
    for (std::size_t at = 0; at < blob.size(); at += 7) {
      const BytesView piece =
          BytesView(blob).subspan(at, std::min<std::size_t>(7, blob.size() - at));
      GOOP_CO_TRY_VOID(co_await a->write(piece));
    }
    GOOP_CO_TRY_VOID(co_await a->write(blob));
    GOOP_CO_TRY_VOID(co_await a->close_write());
    FrameReader r(1 << 20);
    co_return co_await read_all(r, *b);
  }());
  ASSERT_TRUE(frames.has_value()) << frames.error().message();
  ASSERT_EQ(frames->size(), 2 * want.size());
  for (std::size_t i = 0; i < frames->size(); ++i)
    EXPECT_EQ((*frames)[i], want[i % want.size()]) << i;
}

TEST(GossipFrameReader, RefusesOverlongFramesAndBadPrefixes) {
  asio::io_context io;
  for (const Bytes& blob : {Bytes{0x81, 0x01},     // 129 > the 128-byte cap
                            Bytes(10, 0xff),       // a varint longer than 9 bytes
                            Bytes{0x80, 0x00}}) {  // not minimally encoded
    auto ends = MemoryStream::make_pair(io.get_executor());
    auto& a = ends.first;
    auto& b = ends.second;
    auto r = run_coro(io, [&]() -> asio::awaitable<Result<std::vector<Bytes>>> {
      GOOP_CO_TRY_VOID(co_await a->write(blob));
      GOOP_CO_TRY_VOID(co_await a->close_write());
      FrameReader reader(128);
      co_return co_await read_all(reader, *b);
    }());
    ASSERT_FALSE(r.has_value()) << to_hex(blob);
    EXPECT_TRUE(r.error() == make_error_code(goop::Errc::kTooLarge) ||
                r.error() == make_error_code(Errc::kInvalidEncoding))
        << r.error().message();
  }
}

}  // namespace
}  // namespace goop::p2p::gossipsub
