// Session behaviour over an in-memory connection: stream lifecycle, both roles.
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
using goop::testing::wait_for;
using p2p::testing::Done;
using p2p::testing::spawn;
using p2p::testing::Spawned;
using testing::End;
using testing::SessionPair;

// Echo server: reads a stream to its end, writes everything back, closes.
asio::awaitable<void> echo(std::unique_ptr<MuxedStream> s) {
  auto data = co_await testing::read_all(*s);
  if (!data) co_return;
  if (!co_await s->write(*data)) co_return;
  (void)co_await s->close_write();
  (void)co_await testing::read_all(*s);  // wait for the peer to finish
}

// Opens a stream, writes a message, half-closes, and checks the echo.
asio::awaitable<bool> echo_client(Session& session, std::uint32_t i) {
  auto s = co_await session.open_stream();
  if (!s) co_return false;
  const Bytes msg = testing::pattern(10'000 + i * 997, i);
  auto w = co_await (*s)->write(msg);
  auto c = co_await (*s)->close_write();
  auto back = co_await testing::read_all(**s);
  co_return w&& c&& back&&* back == msg;
}

asio::awaitable<void> open_echo_check(End& opener, End& acceptor, std::size_t size) {
  auto ex = co_await asio::this_coro::executor;
  auto s = co_await opener.session->open_stream();
  EXPECT_TRUE(s.has_value());
  if (!s) co_return;
  auto in = co_await acceptor.accept();
  EXPECT_NE(in, nullptr);
  if (!in) co_return;
  EXPECT_EQ(in->id(), (*s)->id());
  auto served = spawn(ex, [in = std::move(in)]() mutable { return echo(std::move(in)); });
  const Bytes msg = testing::pattern(size, 7);
  EXPECT_TRUE((co_await (*s)->write(msg)).has_value());
  EXPECT_TRUE((co_await (*s)->close_write()).has_value());
  auto back = co_await testing::read_all(**s);
  EXPECT_TRUE(back.has_value());
  if (back) {
    EXPECT_EQ(*back, msg);
  }
  EXPECT_TRUE(co_await served.wait());
}

TEST(YamuxSession, ClientOpensServerEchoes) {
  asio::io_context io;
  SessionPair p(io);
  run_coro(io, [&]() -> asio::awaitable<void> {
    co_await open_echo_check(p.client, p.server, 100'000);
    co_await p.close();
  }());
  EXPECT_EQ(p.client.closed, error_code{});
}

TEST(YamuxSession, ServerOpensClientEchoesWithEvenIds) {
  asio::io_context io;
  SessionPair p(io);
  run_coro(io, [&]() -> asio::awaitable<void> {
    auto s = co_await p.server.session->open_stream();
    EXPECT_TRUE(s && (*s)->id() % 2 == 0);
    auto c = co_await p.client.session->open_stream();
    EXPECT_TRUE(c && (*c)->id() % 2 == 1);
    EXPECT_TRUE(co_await p.client.wait_until([&] { return !p.client.inbound.empty(); }));
    EXPECT_TRUE(co_await p.server.wait_until([&] { return !p.server.inbound.empty(); }));
    p.client.inbound.clear();
    p.server.inbound.clear();
    co_await open_echo_check(p.server, p.client, 1'000'000);
    co_await p.close();
  }());
}

TEST(YamuxSession, HundredConcurrentStreamsKeepTheirBytesApart) {
  asio::io_context io;
  std::vector<Spawned<Done>> servers;
  SessionPair p(io);
  p.server.session->set_stream_handler([&](std::unique_ptr<MuxedStream> s) {
    servers.push_back(
        spawn(io.get_executor(), [s = std::move(s)]() mutable { return echo(std::move(s)); }));
  });
  std::vector<Spawned<bool>> clients;
  for (std::uint32_t i = 0; i < 100; ++i) {
    clients.push_back(
        spawn(io.get_executor(), [&p, i] { return echo_client(*p.client.session, i); }));
  }
  auto all_done = [](const auto& ops) {
    return std::all_of(ops.begin(), ops.end(), [](const auto& op) { return op.done(); });
  };
  ASSERT_TRUE(wait_for(io, [&] { return all_done(clients); }));
  EXPECT_EQ(std::count_if(clients.begin(), clients.end(), [](auto& c) { return c.get(); }), 100);
  EXPECT_TRUE(wait_for(io, [&] { return all_done(servers); }));
  EXPECT_EQ(servers.size(), 100u);
  EXPECT_TRUE(wait_for(io, [&] { return p.client.session->num_streams() == 0; }));
  run_coro(io, p.close());
}

TEST(YamuxSession, HalfCloseLetsTheOtherDirectionGoOn) {
  asio::io_context io;
  SessionPair p(io);
  run_coro(io, [&]() -> asio::awaitable<void> {
    auto a = *co_await p.client.session->open_stream();
    EXPECT_TRUE((co_await a->write(as_bytes("ping"))).has_value());
    EXPECT_TRUE((co_await a->close_write()).has_value());
    EXPECT_TRUE((co_await a->close_write()).has_value());  // idempotent
    EXPECT_EQ((co_await a->write(as_bytes("x"))).error(), make_error_code(Errc::kEndOfStream));
    auto b = co_await p.server.accept();
    auto got = co_await testing::read_all(*b);
    EXPECT_EQ(as_chars(*got), "ping");
    std::uint8_t one[1];
    EXPECT_EQ((co_await b->read_some(one)).error(), make_error_code(Errc::kEndOfStream));
    EXPECT_TRUE((co_await b->write(as_bytes("pong"))).has_value());
    EXPECT_TRUE((co_await b->close_write()).has_value());
    auto back = co_await testing::read_all(*a);
    EXPECT_EQ(as_chars(*back), "pong");
  }());
  EXPECT_TRUE(wait_for(io, [&] { return p.client.session->num_streams() == 0; }));
  EXPECT_EQ(p.server.session->num_streams(), 0u);
  run_coro(io, p.close());
}

TEST(YamuxSession, ResetMidTransferIsSeenByBothSides) {
  asio::io_context io;
  SessionPair p(io);
  run_coro(io, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto a = *co_await p.client.session->open_stream();
    auto wrote = spawn(ex, [&a, data = testing::pattern(4 << 20, 1)] { return a->write(data); });
    auto b = co_await p.server.accept();
    std::uint8_t buf[1000];
    EXPECT_TRUE((co_await b->read_some(buf)).has_value());
    b->reset();
    EXPECT_EQ((co_await b->read_some(buf)).error(), make_error_code(Errc::kStreamReset));
    EXPECT_TRUE(co_await wrote.wait());
    EXPECT_EQ(wrote.get().error(), make_error_code(Errc::kStreamReset));
    auto r = co_await a->read_some(buf);
    EXPECT_EQ(r.error(), make_error_code(Errc::kStreamReset));
    co_await p.close();
  }());
}

TEST(YamuxSession, DestroyingAStreamResetsIt) {
  asio::io_context io;
  SessionPair p(io);
  run_coro(io, [&]() -> asio::awaitable<void> {
    auto a = *co_await p.client.session->open_stream();
    auto b = co_await p.server.accept();
    b.reset();
    std::uint8_t buf[10];
    EXPECT_EQ((co_await a->read_some(buf)).error(), make_error_code(Errc::kStreamReset));
  }());
  EXPECT_TRUE(wait_for(io, [&] { return p.client.session->num_streams() == 0; }));
  run_coro(io, p.close());
}

TEST(YamuxSession, GoAwayStopsNewStreams) {
  asio::io_context io;
  SessionPair p(io);
  run_coro(io, [&]() -> asio::awaitable<void> {
    co_await p.client.session->close(2s);
    EXPECT_TRUE(p.client.session->is_closed());
    EXPECT_EQ((co_await p.client.session->open_stream()).error(),
              make_error_code(Errc::kConnectionClosed));
    EXPECT_TRUE(co_await p.server.wait_until([&] { return p.server.closed.has_value(); }));
    EXPECT_EQ(p.server.closed, error_code{});  // GoAway(0) then EOF: a normal end
    EXPECT_EQ((co_await p.server.session->open_stream()).error(),
              make_error_code(Errc::kConnectionClosed));
    co_await p.server.session->close(2s);
  }());
}

TEST(YamuxSession, InboundStreamsBeyondTheLimitAreReset) {
  asio::io_context io;
  Config server_cfg;
  server_cfg.max_inbound_streams = 2;
  SessionPair p(io, {}, server_cfg);
  run_coro(io, [&]() -> asio::awaitable<void> {
    std::vector<std::unique_ptr<MuxedStream>> s;
    for (int i = 0; i < 3; ++i) s.push_back(*co_await p.client.session->open_stream());
    EXPECT_TRUE(co_await p.server.wait_until([&] { return p.server.inbound.size() == 2; }));
    std::uint8_t buf[1];
    EXPECT_EQ((co_await s[2]->read_some(buf)).error(), make_error_code(Errc::kStreamReset));
    EXPECT_EQ(p.server.inbound.size(), 2u) << "the third stream was not refused";
    // Closing one accepted stream makes room for a new one.
    p.server.inbound.front()->reset();
    p.server.inbound.pop_front();
    s.push_back(*co_await p.client.session->open_stream());
    EXPECT_TRUE(co_await p.server.wait_until([&] { return p.server.inbound.size() == 2; }));
    EXPECT_EQ(p.server.inbound.back()->id(), s.back()->id());
    co_await p.close();
  }());
}

TEST(YamuxSession, DestroyingTheSessionFailsLiveStreams) {
  asio::io_context io;
  SessionPair p(io);
  std::unique_ptr<MuxedStream> a, b;
  run_coro(io, [&]() -> asio::awaitable<void> {
    a = *co_await p.client.session->open_stream();
    EXPECT_TRUE((co_await a->write(as_bytes("hi"))).has_value());
    b = co_await p.server.accept();
  }());
  p.client.session.reset();
  run_coro(io, [&]() -> asio::awaitable<void> {
    std::uint8_t buf[4];
    EXPECT_EQ((co_await a->read_some(buf)).error(), make_error_code(Errc::kConnectionClosed));
    EXPECT_EQ((co_await a->write(as_bytes("x"))).error(), make_error_code(Errc::kConnectionClosed));
    // The server sees the connection drop: buffered bytes first, then the failure.
    EXPECT_EQ((co_await b->read_some(buf)).value(), 2u);
    EXPECT_EQ((co_await b->read_some(buf)).error(), make_error_code(Errc::kConnectionClosed));
    EXPECT_TRUE(co_await p.server.wait_until([&] { return p.server.closed.has_value(); }));
    EXPECT_EQ(p.server.closed, make_error_code(Errc::kConnectionClosed));
  }());
  a.reset();
  b.reset();
  p.server.session.reset();
  while (io.poll() > 0) {  // the sessions' tasks end
  }
}

}  // namespace
}  // namespace goop::p2p::yamux
