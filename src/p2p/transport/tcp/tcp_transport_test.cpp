// The TCP transport on 127.0.0.1 (port 0), and TCP endpoint <-> multiaddr conversion.

#include "p2p/transport/tcp/tcp_transport.hpp"

#include "p2p/errors.hpp"
#include "p2p/io/framing.hpp"
#include "p2p/transport/tcp/tcp_addr.hpp"
#include "testing/run_coro.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <gtest/gtest.h>

namespace goop::p2p::tcp {
namespace {
namespace asio = boost::asio;
namespace ip = asio::ip;
using namespace std::chrono_literals;
using goop::testing::run_coro;

Multiaddr ma(std::string_view text) { return Multiaddr::parse(text).value(); }

constexpr std::string_view kPeer = "QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN";

TEST(TcpAddr, EndpointsAndMultiaddrs) {
  auto v4 = ma("/ip4/127.0.0.1/tcp/4001/p2p/" + std::string(kPeer));
  ASSERT_TRUE(to_endpoint(v4).has_value());
  EXPECT_EQ(*to_endpoint(v4), ip::tcp::endpoint(ip::make_address("127.0.0.1"), 4001));
  EXPECT_EQ(*to_endpoint(ma("/ip6/::1/tcp/65535")),
            ip::tcp::endpoint(ip::make_address("::1"), 65535));
  EXPECT_FALSE(to_endpoint(ma("/ip4/1.2.3.4/udp/1")).has_value());
  EXPECT_FALSE(to_endpoint(ma("/dns4/a.b/tcp/1")).has_value());
  EXPECT_FALSE(to_endpoint(ma("/ip4/1.2.3.4")).has_value());
  EXPECT_FALSE(to_endpoint(ma("/memory/5")).has_value());

  const auto ep = ip::tcp::endpoint(ip::make_address("10.0.0.7"), 80);
  auto built = to_multiaddr(ep);
  EXPECT_EQ(built.to_string(), "/ip4/10.0.0.7/tcp/80");
  EXPECT_EQ(to_endpoint(built), ep);
  const auto ep6 = ip::tcp::endpoint(ip::make_address("2001:db8::1"), 0);
  EXPECT_EQ(to_multiaddr(ep6).to_string(), "/ip6/2001:db8::1/tcp/0");
  const auto mapped = ip::tcp::endpoint(ip::make_address("::ffff:10.0.0.1"), 9);
  EXPECT_EQ(to_multiaddr(mapped).to_string(), "/ip6/::ffff:10.0.0.1/tcp/9");
}

TEST(TcpTransport, DialsOnlyPlainTcpAddresses) {
  asio::io_context io;
  TcpTransport t(io.get_executor());
  const std::string p2p = "/p2p/" + std::string(kPeer);
  const std::vector<std::string> yes = {"/ip4/1.2.3.4/tcp/4001", "/ip6/::1/tcp/1",
                                        "/ip4/1.2.3.4/tcp/4001" + p2p};
  for (const auto& a : yes) EXPECT_TRUE(t.can_dial(ma(a))) << a;
  const std::vector<std::string> no = {"/ip4/1.2.3.4/tcp/4001" + p2p + "/p2p-circuit" + p2p,
                                       "/ip4/1.2.3.4/tcp/1/ws",
                                       "/ip4/1.2.3.4/tcp/1/tls/ws",
                                       "/ip4/1.2.3.4/udp/1/quic-v1",
                                       "/dns4/example.com/tcp/1",
                                       "/ip4/1.2.3.4",
                                       "/memory/1",
                                       "/ip4/1.2.3.4/tcp/1" + p2p + p2p,
                                       p2p};
  for (const auto& a : no) EXPECT_FALSE(t.can_dial(ma(a))) << a;
  EXPECT_TRUE(t.can_listen(ma("/ip4/0.0.0.0/tcp/0")));
  EXPECT_TRUE(t.can_listen(ma("/ip6/::/tcp/0")));
  EXPECT_FALSE(t.can_listen(ma("/ip4/0.0.0.0/tcp/0" + p2p)));
  EXPECT_FALSE(t.can_listen(ma("/ip4/0.0.0.0/tcp/0/ws")));
}

TEST(TcpTransport, RefusesToDialACircuitAddressEvenIfSomebodyListens) {
  asio::io_context io;
  TcpTransport t(io.get_executor());
  auto listener = t.listen(ma("/ip4/127.0.0.1/tcp/0"));
  ASSERT_TRUE(listener.has_value()) << listener.error().message;
  const std::string relay =
      (*listener)->local_addr().to_string() + "/p2p/" + std::string(kPeer) + "/p2p-circuit";
  auto r = run_coro(io, t.dial(ma(relay + "/p2p/" + std::string(kPeer)), 1s));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(Errc::kInvalidEncoding));
  r = run_coro(io, t.dial(ma((*listener)->local_addr().to_string() + "/ws"), 1s));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(Errc::kInvalidEncoding));
  // Nothing reached the listener: the first connection it accepts is a plain dial made now.
  auto plain = run_coro(io, t.dial((*listener)->local_addr(), 5s));
  ASSERT_TRUE(plain.has_value()) << plain.error().message();
  auto accepted = run_coro(io, (*listener)->accept());
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(accepted->remote_addr, plain->local_addr);
}

TEST(TcpTransport, ListenDialAcceptAndTalk) {
  asio::io_context io;
  TcpTransport t(io.get_executor());
  auto listener = t.listen(ma("/ip4/127.0.0.1/tcp/0"));
  ASSERT_TRUE(listener.has_value()) << listener.error().message;
  const Multiaddr at = (*listener)->local_addr();
  ASSERT_NE(to_endpoint(at)->port(), 0);
  auto got = run_coro(
      io, [](TcpTransport& tr, Listener& l, Multiaddr to) -> asio::awaitable<Result<std::string>> {
        GOOP_CO_TRY(auto out, co_await tr.dial(to.with_peer_id(*PeerId::parse(kPeer)).value(), 5s));
        GOOP_CO_TRY(auto in, co_await l.accept());
        if (in.remote_addr != out.local_addr || in.local_addr != out.remote_addr ||
            out.remote_addr != to)
          co_return make_error_code(Errc::kProtocolViolation);
        const Bytes hello = {'h', 'i'};
        GOOP_CO_TRY_VOID(co_await out.stream->write(hello));
        GOOP_CO_TRY_VOID(co_await out.stream->close_write());
        std::uint8_t buf[2];
        GOOP_CO_TRY_VOID(co_await read_exact(*in.stream, buf));
        co_return std::string(buf, buf + 2);
      }(t, **listener, at));
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(*got, "hi");
}

TEST(TcpTransport, PortInUseSaysSo) {
  asio::io_context io;
  TcpTransport t(io.get_executor());
  auto first = t.listen(ma("/ip4/127.0.0.1/tcp/0"));
  ASSERT_TRUE(first.has_value());
  auto second = t.listen((*first)->local_addr());
  ASSERT_TRUE(second.has_error());
  EXPECT_EQ(second.error().code, asio::error::address_in_use);
  EXPECT_NE(second.error().message.find("another program uses this port"), std::string::npos)
      << second.error().message;
  EXPECT_NE(second.error().message.find((*first)->local_addr().to_string()), std::string::npos);
}

TEST(TcpTransport, DialToAClosedPortIsRefused) {
  asio::io_context io;
  TcpTransport t(io.get_executor());
  Multiaddr closed;
  {
    auto l = t.listen(ma("/ip4/127.0.0.1/tcp/0"));
    ASSERT_TRUE(l.has_value());
    closed = (*l)->local_addr();
  }  // the listener is gone, nothing listens there now
  auto r = run_coro(io, t.dial(closed, 5s));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(asio::error::connection_refused));
}

TEST(TcpTransport, CloseEndsAPendingAccept) {
  asio::io_context io;
  TcpTransport t(io.get_executor());
  auto l = t.listen(ma("/ip4/127.0.0.1/tcp/0"));
  ASSERT_TRUE(l.has_value());
  auto r = run_coro(io, [](Listener& listener) -> asio::awaitable<Result<RawConnection>> {
    auto ex = co_await asio::this_coro::executor;
    asio::post(ex, [&listener] { listener.close(); });
    co_return co_await listener.accept();
  }(**l));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(asio::error::operation_aborted));
  auto again = run_coro(io, (*l)->accept());
  EXPECT_EQ(again.error(), make_error_code(asio::error::operation_aborted));
}

}  // namespace
}  // namespace goop::p2p::tcp
