#include "p2p/transport/tcp/tcp_stream.hpp"

#include "p2p/errors.hpp"
#include "p2p/io/framing.hpp"
#include "p2p/protocol/identify/identify.hpp"
#include "p2p/protocol/ping/ping.hpp"
#include "p2p/testing/memory_stream.hpp"
#include "p2p/testing/spawned.hpp"
#include "testing/run_coro.hpp"
#include "testing/wait_for.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

namespace goop::p2p {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;
namespace ptcp = goop::p2p::tcp;
using goop::testing::run_coro;
using goop::testing::wait_for;
using namespace std::chrono_literals;

TEST(TcpStream, LoopbackEchoHalfCloseAndEndOfStream) {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto ep = acceptor.local_endpoint();
  ASSERT_NE(ep.port(), 0);
  run_coro(io, [](tcp::acceptor& acc, tcp::endpoint to) -> asio::awaitable<void> {
    auto client = co_await ptcp::dial(to);
    EXPECT_TRUE(client.has_value());
    if (!client) co_return;
    ptcp::TcpStream server(co_await acc.async_accept(asio::use_awaitable));
    EXPECT_EQ((*client)->remote_endpoint(), to);
    EXPECT_TRUE((co_await (*client)->write(as_bytes("ping"))).has_value());
    EXPECT_TRUE((co_await (*client)->close_write()).has_value());
    std::uint8_t buf[4];
    EXPECT_TRUE((co_await read_exact(server, buf)).has_value());
    EXPECT_EQ(as_chars(buf), "ping");
    auto eof = co_await server.read_some(buf);
    EXPECT_EQ(eof.error(), make_error_code(Errc::kEndOfStream));
    // The server can still answer after the client's half-close.
    EXPECT_TRUE((co_await server.write(as_bytes("pong"))).has_value());
    EXPECT_TRUE((co_await read_exact(**client, buf)).has_value());
    EXPECT_EQ(as_chars(buf), "pong");
  }(acceptor, ep));
}

TEST(TcpStream, DialRefusedPortFailsFast) {
  asio::io_context io;
  tcp::endpoint closed;
  {
    tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed = a.local_endpoint();
  }
  auto r = run_coro(io, ptcp::dial(closed, 5s));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), asio::error::connection_refused);
}

TEST(Ping, RoundTripOverMemoryPair) {
  asio::io_context io;
  auto [a, b] = testing::MemoryStream::make_pair(io.get_executor());
  auto served = testing::spawn(io.get_executor(), [&s = *b] { return ping::serve(s); });
  auto rtt = run_coro(io, [](ByteStream& s) -> asio::awaitable<Result<std::chrono::nanoseconds>> {
    auto first = co_await ping::ping_once(s);
    if (!first) co_return first;
    auto second = co_await ping::ping_once(s);
    (void)co_await s.close_write();
    co_return second;
  }(*a));
  ASSERT_TRUE(rtt.has_value()) << rtt.error().message();
  EXPECT_GT(rtt->count(), 0);
  // The listener ends when we close our side.
  EXPECT_TRUE(wait_for(io, [&] { return served.done(); }));
}

TEST(Ping, WrongEchoIsAProtocolViolation) {
  asio::io_context io;
  auto [a, b] = testing::MemoryStream::make_pair(io.get_executor());
  auto r = run_coro(
      io,
      [](ByteStream& client, ByteStream& bad) -> asio::awaitable<Result<std::chrono::nanoseconds>> {
        (void)co_await bad.write(Bytes(ping::kPayloadSize, 0xab));
        co_return co_await ping::ping_once(client);
      }(*a, *b));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(Errc::kProtocolViolation));
}

TEST(Identify, CodecRoundTripAndUnknownFieldsSkipped) {
  identify::Message m;
  m.public_key = Bytes{8, 1, 18, 32};
  m.listen_addrs = {Bytes{4, 127, 0, 0, 1, 6, 0x1f, 0x90}};
  m.protocols = {"/ipfs/ping/1.0.0", "/ipfs/id/1.0.0"};
  m.observed_addr = Bytes{4, 1, 2, 3, 4};
  m.protocol_version = "ipfs/0.1.0";
  m.agent_version = "goop2/0.1.0";
  Bytes wire = identify::encode(m);
  wire.insert(wire.end(), {0x48, 0x01});  // field 9 varint: unknown, skipped
  auto back = identify::decode(wire);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->protocols, m.protocols);
  EXPECT_EQ(back->listen_addrs, m.listen_addrs);
  EXPECT_EQ(back->agent_version, m.agent_version);
  EXPECT_EQ(back->observed_addr, m.observed_addr);
  EXPECT_FALSE(back->signed_peer_record.has_value());
}

TEST(Identify, LimitsAreEnforced) {
  EXPECT_EQ(identify::decode(Bytes(identify::kMaxMessageSize + 1, 0)).error(),
            make_error_code(goop::Errc::kTooLarge));
  identify::Message m;
  for (std::size_t i = 0; i <= identify::kMaxProtocols; ++i) m.protocols.push_back("/p");
  EXPECT_EQ(identify::decode(identify::encode(m)).error(), make_error_code(Errc::kResourceLimit));
  EXPECT_TRUE(identify::decode(Bytes{0x0a, 0x05, 0x01}).has_error());
}

TEST(Identify, SendAndReceiveOverStream) {
  asio::io_context io;
  auto [a, b] = testing::MemoryStream::make_pair(io.get_executor());
  auto got = run_coro(
      io, [](ByteStream& tx, ByteStream& rx) -> asio::awaitable<Result<identify::Message>> {
        identify::Message m;
        m.agent_version = "goop2/test";
        m.protocols = {"/x/1"};
        auto sent = co_await identify::send(tx, m);
        if (!sent) co_return sent.error();
        co_return co_await identify::receive(rx);
      }(*a, *b));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->agent_version, "goop2/test");
}

}  // namespace
}  // namespace goop::p2p
