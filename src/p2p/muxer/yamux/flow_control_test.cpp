// Flow control, keep-alive and protocol-violation handling, partly against a hand-played raw
// peer on the other end of the MemoryStream.
#include "base/timeout.hpp"
#include "p2p/muxer/yamux/session.hpp"
#include "p2p/muxer/yamux/test_support.hpp"
#include "p2p/testing/spawned.hpp"
#include "testing/run_coro.hpp"
#include "testing/wait_for.hpp"

#include <gtest/gtest.h>

namespace goop::p2p::yamux {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using goop::testing::run_coro;
using p2p::testing::MemoryStream;
using p2p::testing::spawn;
using testing::SessionPair;

asio::awaitable<bool> write_then_close(MuxedStream& s, Bytes data) {
  auto w = co_await s.write(data);
  auto c = co_await s.close_write();
  co_return w&& c;
}

TEST(YamuxFlowControl, SlowReaderBoundsWhatTheWriterSends) {
  asio::io_context io;
  Config cfg;
  cfg.auto_tune_window = false;
  SessionPair p(io, cfg, cfg);
  run_coro(
      io,
      [&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto a = *co_await p.client.session->open_stream();
        const Bytes big = testing::pattern(10 << 20, 3);
        auto wrote = spawn(ex, [&a, &big] { return write_then_close(*a, big); });
        auto b = co_await p.server.accept();
        Bytes got;
        std::uint8_t buf[4096];
        std::size_t worst = 0;
        asio::steady_timer yield(ex);
        for (;;) {
          auto n = co_await b->read_some(buf);
          if (!n) {
            EXPECT_EQ(n.error(), make_error_code(Errc::kEndOfStream));
            break;
          }
          got.insert(got.end(), buf, buf + *n);
          // In flight or buffered on the receiving side: never more than one window (plus a frame).
          worst = std::max(worst, p.client_conn->bytes_written() - got.size());
          yield.expires_after(0ms);  // let the writer run as much as it can: a slow reader
          co_await yield.async_wait(asio::use_awaitable);
        }
        EXPECT_TRUE(co_await wrote.wait());
        EXPECT_TRUE(wrote.get());
        EXPECT_TRUE(got == big);
        EXPECT_LE(worst, std::size_t{kInitialWindow} + kMaxFramePayload);
        EXPECT_GE(worst, std::size_t{kInitialWindow} / 2);  // the window was actually used
        co_await p.close();
      }(),
      60s);
}

TEST(YamuxFlowControl, LargeTransferWithAutoTunedWindow) {
  asio::io_context io;
  SessionPair p(io);
  run_coro(
      io,
      [&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        EXPECT_TRUE((co_await p.client.session->ping()).has_value());  // both sides know an RTT
        EXPECT_TRUE((co_await p.server.session->ping()).has_value());
        auto a = *co_await p.client.session->open_stream();
        auto wrote = spawn(
            ex, [&a, data = testing::pattern(32 << 20, 4)] { return write_then_close(*a, data); });
        auto b = co_await p.server.accept();
        auto got = co_await testing::read_all(*b);
        EXPECT_TRUE(co_await wrote.wait());
        EXPECT_TRUE(wrote.get());
        EXPECT_TRUE(got.has_value());
        if (got) {
          EXPECT_TRUE(*got == testing::pattern(32 << 20, 4));
        }
        co_await p.close();
      }(),
      60s);
}

TEST(YamuxFlowControl, ReadHonoursCancellation) {
  asio::io_context io;
  SessionPair p(io);
  run_coro(io, [&]() -> asio::awaitable<void> {
    auto a = *co_await p.client.session->open_stream();
    std::uint8_t buf[8];
    auto r = co_await with_timeout(a->read_some(buf), 20ms);
    EXPECT_EQ(r.error(), make_error_code(goop::Errc::kTimeout));
    a->reset();
    co_await p.close();
  }());
}

TEST(YamuxKeepAlive, PingMeasuresRoundTrip) {
  asio::io_context io;
  SessionPair p(io);
  run_coro(io, [&]() -> asio::awaitable<void> {
    auto rtt = co_await p.client.session->ping();
    EXPECT_TRUE(rtt.has_value());
    if (rtt) {
      EXPECT_EQ(*rtt, p.client.session->rtt());
    }
    co_await p.close();
  }());
}

// A server session whose client is the test itself, writing raw frames.
struct RawPeer {
  std::unique_ptr<MemoryStream> raw;
  testing::End end;

  RawPeer(asio::io_context& io, Config cfg = {}, Role role = Role::kServer)
      : end(io.get_executor()) {
    auto [a, b] = MemoryStream::make_pair(io.get_executor());
    raw = std::move(a);
    end.start(std::move(b), role, cfg);
  }
};

asio::awaitable<void> expect_goaway_after(RawPeer& peer, Bytes bytes, GoAwayCode code) {
  EXPECT_TRUE((co_await peer.raw->write(bytes)).has_value());
  auto h = co_await testing::read_until(*peer.raw, FrameType::kGoAway);
  EXPECT_TRUE(h.has_value());
  if (h) {
    EXPECT_EQ(h->length, static_cast<std::uint32_t>(code));
  }
  EXPECT_TRUE(co_await peer.end.wait_until([&] { return peer.end.closed.has_value(); }));
  EXPECT_EQ(peer.end.closed, make_error_code(Errc::kProtocolViolation));
  (void)co_await peer.raw->close_write();  // lets the session's reader see EOF at once
  co_await peer.end.session->close(1s);
}

TEST(YamuxProtocol, DataBeyondTheWindowEndsTheSession) {
  asio::io_context io;
  RawPeer peer(io);
  Bytes b = testing::frame(FrameType::kWindowUpdate, Flag::kSyn, 1, 0);
  auto d = testing::frame(FrameType::kData, 0, 1, kInitialWindow + 1,
                          testing::pattern(kInitialWindow + 1, 9));
  b.insert(b.end(), d.begin(), d.end());
  run_coro(io, expect_goaway_after(peer, b, GoAwayCode::kProtocolError));
}

TEST(YamuxProtocol, MalformedFramesEndTheSession) {
  for (const char* hex : {"010000000000000100000000",     // version 1
                          "000700000000000100000000",     // unknown type
                          "000000000000000000000004",     // data on stream 0
                          "000200020000000000000007",     // unrequested ping ACK
                          "000100010000000200000000"}) {  // SYN with the server's parity
    asio::io_context io;
    RawPeer peer(io);
    run_coro(io, expect_goaway_after(peer, *from_hex(hex), GoAwayCode::kProtocolError));
  }
}

TEST(YamuxProtocol, DuplicateSynEndsTheSession) {
  asio::io_context io;
  RawPeer peer(io);
  Bytes b = testing::frame(FrameType::kWindowUpdate, Flag::kSyn, 1, 0);
  auto again = testing::frame(FrameType::kWindowUpdate, Flag::kSyn, 1, 0);
  b.insert(b.end(), again.begin(), again.end());
  run_coro(io, expect_goaway_after(peer, b, GoAwayCode::kProtocolError));
}

TEST(YamuxProtocol, AnswersPingsAndAcksStreams) {
  asio::io_context io;
  Config cfg;
  cfg.initial_window = 1 << 20;
  RawPeer peer(io, cfg);
  run_coro(io, [&]() -> asio::awaitable<void> {
    Bytes b = testing::frame(FrameType::kPing, Flag::kSyn, 0, 42);
    auto syn = testing::frame(FrameType::kData, Flag::kSyn, 3, 5, as_bytes("hello"));
    b.insert(b.end(), syn.begin(), syn.end());
    EXPECT_TRUE((co_await peer.raw->write(b)).has_value());
    // Our own keep-alive ping may come first; skip it.
    Result<Header> pong = make_error_code(goop::Errc::kTimeout);
    do {
      pong = co_await testing::read_until(*peer.raw, FrameType::kPing);
    } while (pong && pong->has(Flag::kSyn));
    EXPECT_TRUE(pong && pong->has(Flag::kAck) && pong->length == 42);
    auto ack = co_await testing::read_until(*peer.raw, FrameType::kWindowUpdate);
    EXPECT_TRUE(ack && ack->has(Flag::kAck) && ack->stream_id == 3);
    if (ack) {
      EXPECT_EQ(ack->length, (1u << 20) - kInitialWindow);  // the larger window rides on ACK
    }
    auto s = co_await peer.end.accept();
    std::uint8_t buf[16];
    auto n = co_await s->read_some(buf);
    EXPECT_EQ(as_chars(BytesView(buf, n.value())), "hello");
    co_await peer.end.session->close(1s);
  }());
}

TEST(YamuxProtocol, UnacknowledgedStreamsMakeOpenStreamWait) {
  asio::io_context io;
  Config cfg;
  cfg.max_ack_backlog = 2;
  RawPeer peer(io, cfg, Role::kClient);  // the test plays a server that is slow to ACK
  run_coro(io, [&]() -> asio::awaitable<void> {
    auto s1 = co_await peer.end.session->open_stream();
    auto s2 = co_await peer.end.session->open_stream();
    EXPECT_TRUE(s1 && s2);
    auto blocked = co_await with_timeout(peer.end.session->open_stream(), 30ms);
    EXPECT_EQ(blocked.error(), make_error_code(goop::Errc::kTimeout));
    auto ack = testing::frame(FrameType::kWindowUpdate, Flag::kAck, (*s1)->id(), 0);
    EXPECT_TRUE((co_await peer.raw->write(ack)).has_value());
    auto s3 = co_await with_timeout(peer.end.session->open_stream(), 5s);
    EXPECT_TRUE(s3.has_value());
    if (s3) {
      EXPECT_EQ((*s3)->id(), 5u);  // the cancelled call took no id
    }
    (void)co_await peer.raw->close_write();
    co_await peer.end.session->close(1s);
  }());
}

TEST(YamuxKeepAlive, SilentPeerTimesOut) {
  asio::io_context io;
  Config cfg;
  cfg.keepalive_interval = 20ms;
  cfg.ping_timeout = 50ms;
  cfg.close_linger = 50ms;
  RawPeer peer(io, cfg);
  run_coro(io, [&]() -> asio::awaitable<void> {
    EXPECT_TRUE(co_await peer.end.wait_until([&] { return peer.end.closed.has_value(); }));
    EXPECT_EQ(peer.end.closed, make_error_code(goop::Errc::kTimeout));
    EXPECT_TRUE(peer.end.session->is_closed());
    co_await peer.end.session->close(1s);
  }());
}

TEST(YamuxKeepAlive, AnsweringPeerStaysUp) {
  asio::io_context io;
  Config cfg;
  cfg.keepalive_interval = 5ms;
  cfg.ping_timeout = 100ms;
  SessionPair p(io, cfg, cfg);
  run_coro(io, [&]() -> asio::awaitable<void> {
    // The session must not end within several ping timeouts (a silent peer would time it out
    // after one: SilentPeerTimesOut): wait for that end with a deadline, and see it not come.
    EXPECT_FALSE(co_await p.client.wait_until([&] { return p.client.closed.has_value(); }, 500ms))
        << p.client.closed->message();
    EXPECT_FALSE(p.client.session->is_closed());
    EXPECT_GT(p.client.session->rtt().count(), 0);
    co_await p.close();
  }());
}

}  // namespace
}  // namespace goop::p2p::yamux
