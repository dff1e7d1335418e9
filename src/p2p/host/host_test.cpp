// Hosts in one process: on the memory transport (connect, ping, streams, limits, shutdown), and
// over real TCP on 127.0.0.1 port 0 for what only sockets show (a full dial, garbage on the
// wire).

#include "p2p/host/host.hpp"

#include "p2p/errors.hpp"
#include "p2p/io/framing.hpp"
#include "p2p/testing/echo.hpp"
#include "p2p/testing/node_fixture.hpp"
#include "p2p/transport/tcp/tcp_addr.hpp"
#include "p2p/transport/tcp/tcp_stream.hpp"
#include "p2p/transport/tcp/tcp_transport.hpp"
#include "testing/run_coro.hpp"
#include "testing/wait_for.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <sodium.h>

namespace goop::p2p {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using goop::testing::run_coro;
using goop::testing::wait_for;

constexpr std::string_view kEcho = "/test/echo/1.0.0";

bool has_protocol(Host& h, const PeerId& p, std::string_view protocol) {
  const auto* info = h.peerstore().find(p);
  return info && std::find(info->protocols.begin(), info->protocols.end(), protocol) !=
                     info->protocols.end();
}

// Two hosts on a private memory network; a serves echo.
class HostPair : public ::testing::Test {
 protected:
  HostPair() : a_(nodes_.new_ephemeral()), b_(nodes_.new_ephemeral()) {
    a_.set_stream_handler(std::string(kEcho), testing::serve_echo);
  }
  asio::io_context io_;
  testing::NodeFixture nodes_{io_};
  Host& a_;
  Host& b_;
};

TEST_F(HostPair, ListensOnAMemoryAddress) {
  ASSERT_EQ(a_.listen_addrs().size(), 1u);
  EXPECT_TRUE(a_.listen_addrs()[0].first(ma::kMemory).has_value());
  EXPECT_NE(a_.listen_addrs()[0], b_.listen_addrs()[0]);
}

TEST_F(HostPair, ConnectIdentifyPing) {
  auto r = run_coro(io_, b_.connect(a_.id(), a_.listen_addrs()));
  ASSERT_TRUE(r.has_value()) << r.error().message();
  EXPECT_TRUE(b_.is_connected(a_.id()));
  auto rtt = run_coro(io_, b_.ping(a_.id()));
  ASSERT_TRUE(rtt.has_value()) << rtt.error().message();
  // identify runs on connect, both ways.
  ASSERT_TRUE(wait_for(io_, [&] { return has_protocol(b_, a_.id(), kEcho); }));
  EXPECT_EQ(b_.peerstore().find(a_.id())->agent_version, "goop2/dev");
  ASSERT_TRUE(wait_for(io_, [&] { return a_.peerstore().find(b_.id()) != nullptr; }));
  EXPECT_EQ(a_.connected_peers(), std::vector<PeerId>{b_.id()});
}

TEST_F(HostPair, EchoTenMebibytesBothWaysAtOnce) {
  ASSERT_TRUE(run_coro(io_, b_.connect(a_.id(), a_.listen_addrs())).has_value());
  Bytes data(10 << 20);
  randombytes_buf(data.data(), data.size());
  auto back = run_coro(io_, testing::echo_roundtrip(b_, a_.id(), std::string(kEcho), data), 60s);
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_TRUE(*back == data);
}

TEST_F(HostPair, ConcurrentConnectsShareOneDial) {
  const auto dials_before = nodes_.network().connections_made();
  int ok = 0, done = 0;
  for (int i = 0; i < 10; ++i) {
    asio::co_spawn(io_, b_.connect(a_.id(), a_.listen_addrs()),
                   [&](std::exception_ptr e, Result<void> r) {
                     ok += !e && r.has_value();
                     ++done;
                   });
  }
  ASSERT_TRUE(wait_for(io_, [&] { return done == 10; }));
  EXPECT_EQ(ok, 10);
  // One dial on the wire, and one connection on each side.
  EXPECT_EQ(nodes_.network().connections_made() - dials_before, 1u);
  EXPECT_EQ(b_.connections().size(), 1u);
  ASSERT_TRUE(wait_for(io_, [&] { return a_.connections().size() == 1; }));
  EXPECT_TRUE(a_.connections()[0].remote == b_.id());
  EXPECT_FALSE(a_.connections()[0].outbound);
}

TEST_F(HostPair, ConnectionInfoNamesBothEnds) {
  std::vector<ConnectionInfo> opened;
  a_.on_connection_opened([&](const ConnectionInfo& c) { opened.push_back(c); });
  ASSERT_TRUE(run_coro(io_, b_.connect(a_.id(), a_.listen_addrs())).has_value());
  ASSERT_TRUE(wait_for(io_, [&] { return opened.size() == 1; }));
  const auto out = b_.connections().at(0);
  EXPECT_TRUE(out.outbound);
  EXPECT_EQ(out.remote_addr, a_.listen_addrs().at(0));
  EXPECT_EQ(opened[0].remote_addr, out.local_addr);  // what a sees is b's end
  EXPECT_EQ(opened[0].local_addr, out.remote_addr);
}

TEST_F(HostPair, DialToAnAddressNobodyListensOnFails) {
  const auto nowhere = memory::memory_addr(999999);
  auto r = run_coro(io_, b_.connect(a_.id(), {nowhere}));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(asio::error::connection_refused));
  EXPECT_FALSE(b_.is_connected(a_.id()));
}

TEST_F(HostPair, AddressesNoTransportCanDialAreSkipped) {
  // Only the memory transport here: a TCP address is nobody's, so nothing is dialled at all.
  const auto dials_before = nodes_.network().connections_made();
  auto r = run_coro(io_, b_.connect(a_.id(), {*Multiaddr::parse("/ip4/127.0.0.1/tcp/1")}));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(Errc::kConnectionClosed));
  EXPECT_EQ(nodes_.network().connections_made(), dials_before);
}

TEST_F(HostPair, UnknownProtocolIsRefusedAndConnectionSurvives) {
  ASSERT_TRUE(run_coro(io_, b_.connect(a_.id(), a_.listen_addrs())).has_value());
  auto r = run_coro(io_, [](Host& b, PeerId a) -> asio::awaitable<Result<std::size_t>> {
    std::vector<std::string> protos = {"/nope/1.0.0", "/nope/2.0.0"};
    auto s = co_await b.new_stream(a, protos);
    if (!s) co_return s.error();
    co_return std::size_t{0};
  }(b_, a_.id()));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(Errc::kNegotiationFailed));
  EXPECT_TRUE(run_coro(io_, b_.ping(a_.id())).has_value());
}

TEST_F(HostPair, WrongPeerIdIsRefused) {
  const PeerId other = PeerId::from_public_key(Ed25519PrivateKey::generate().public_key());
  auto r = run_coro(io_, b_.connect(other, a_.listen_addrs()));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(Errc::kPeerIdMismatch));
  EXPECT_FALSE(b_.is_connected(other));
}

TEST_F(HostPair, DisconnectEventWhenRemoteStops) {
  std::vector<ConnectionEvent> events;
  b_.on_connection_event([&](const PeerId&, ConnectionEvent e) { events.push_back(e); });
  ASSERT_TRUE(run_coro(io_, b_.connect(a_.id(), a_.listen_addrs())).has_value());
  run_coro(io_, a_.async_stop(5s));
  ASSERT_TRUE(wait_for(io_, [&] { return events.size() >= 2; }));
  EXPECT_EQ(events, (std::vector<ConnectionEvent>{ConnectionEvent::kConnected,
                                                  ConnectionEvent::kDisconnected}));
  EXPECT_FALSE(b_.is_connected(a_.id()));
  // A stopped host no longer listens: dialling it again is refused at once.
  auto again = run_coro(io_, b_.connect(a_.id(), a_.listen_addrs()));
  ASSERT_TRUE(again.has_error());
  EXPECT_EQ(again.error(), make_error_code(asio::error::connection_refused));
}

TEST(HostConfigTest, AnAddressNoTransportCanListenOnIsAnError) {
  asio::io_context io;
  memory::MemoryNetwork net;
  HostConfig cfg;
  cfg.listen = {"/ip4/127.0.0.1/tcp/0"};  // only the memory transport is given
  auto host = testing::make_memory_host(io.get_executor(), net, Ed25519PrivateKey::generate(), cfg);
  auto started = host->start();
  ASSERT_TRUE(started.has_error());
  EXPECT_NE(started.error().message.find("/ip4/127.0.0.1/tcp/0"), std::string::npos);
  run_coro(io, host->async_stop(1s));
}

// --- Real TCP: the transport under the full stack ---

class TcpHostPair : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = std::make_unique<Host>(io_.get_executor(), Ed25519PrivateKey::generate(), HostConfig{},
                                transports(tcp::make_transport(io_.get_executor())));
    b_ = std::make_unique<Host>(io_.get_executor(), Ed25519PrivateKey::generate(), HostConfig{},
                                transports(tcp::make_transport(io_.get_executor())));
    a_->set_stream_handler(std::string(kEcho), testing::serve_echo);
    ASSERT_TRUE(a_->start().has_value());
    ASSERT_TRUE(b_->start().has_value());
  }
  void TearDown() override {
    run_coro(io_, b_->async_stop(5s));
    run_coro(io_, a_->async_stop(5s));
  }
  asio::io_context io_;
  std::unique_ptr<Host> a_, b_;
};

TEST_F(TcpHostPair, ConnectIdentifyPing) {
  ASSERT_NE(tcp::to_endpoint(a_->listen_addrs().at(0))->port(), 0);
  auto r = run_coro(io_, b_->connect(a_->id(), a_->listen_addrs()));
  ASSERT_TRUE(r.has_value()) << r.error().message();
  EXPECT_TRUE(b_->is_connected(a_->id()));
  auto rtt = run_coro(io_, b_->ping(a_->id()));
  ASSERT_TRUE(rtt.has_value()) << rtt.error().message();
  ASSERT_TRUE(wait_for(io_, [&] { return has_protocol(*b_, a_->id(), kEcho); }));
  EXPECT_EQ(b_->peerstore().find(a_->id())->agent_version, "goop2/dev");
  // The connection's addresses are the sockets' ends.
  const auto out = b_->connections().at(0);
  EXPECT_EQ(out.remote_addr, a_->listen_addrs().at(0));
  EXPECT_EQ(tcp::to_endpoint(out.local_addr)->address().to_string(), "127.0.0.1");
}

TEST_F(TcpHostPair, ARelayAddressIsNeverDialledAsPlainTcp) {
  // /ip4/127.0.0.1/tcp/<a's port>/p2p/<a>/p2p-circuit/p2p/<x>: reaching x through a as a relay.
  // Dialled as plain TCP it would reach a (Errc::kPeerIdMismatch); it must not be dialled.
  const PeerId x = PeerId::from_public_key(Ed25519PrivateKey::generate().public_key());
  auto relay = a_->listen_addrs().at(0).with_peer_id(a_->id()).value();
  auto circuit = Multiaddr::parse(relay.to_string() + "/p2p-circuit/p2p/" + x.to_base58());
  ASSERT_TRUE(circuit.has_value());
  auto r = run_coro(io_, b_->connect(x, {*circuit}));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(Errc::kConnectionClosed)) << r.error().message();
  EXPECT_TRUE(a_->connections().empty());
}

TEST_F(TcpHostPair, GarbageAndTruncatedHandshakesDoNotStopServingOthers) {
  const auto ep = *tcp::to_endpoint(a_->listen_addrs().at(0));
  auto garbage = run_coro(
      io_,
      [](asio::ip::tcp::endpoint to) -> asio::awaitable<int> {
        int refused = 0;
        // 1: not multistream at all; 2: a valid header, then an oversized length prefix; 3: a
        // multistream header and /noise, then half a Noise message and silence-then-close.
        const std::vector<Bytes> inputs = {
            Bytes(300, 0xff),
            {0x13, '/', 'm', 'u', 'l', 't', 'i', 's',  't',  'r',  'e',  'a',
             'm',  '/', '1', '.', '0', '.', '0', '\n', 0xff, 0xff, 0xff, 0x7f},
            {0x13, '/', 'm', 'u', 'l', 't',  'i',  's',  't',  'r',  'e',
             'a',  'm', '/', '1', '.', '0',  '.',  '0',  '\n', 0x07, '/',
             'n',  'o', 'i', 's', 'e', '\n', 0x00, 0x20, 1,    2,    3}};
        for (const auto& in : inputs) {
          auto s = co_await tcp::dial(to);
          if (!s) continue;
          (void)co_await (*s)->write(in);
          (void)co_await (*s)->close_write();
          std::uint8_t buf[256];
          for (;;) {  // the host answers what it can, then drops us
            auto n = co_await (*s)->read_some(buf);
            if (!n) break;
          }
          ++refused;
        }
        co_return refused;
      }(ep),
      30s);
  EXPECT_EQ(garbage, 3);
  // A well-behaved peer is still served.
  ASSERT_TRUE(run_coro(io_, b_->connect(a_->id(), a_->listen_addrs())).has_value());
  EXPECT_TRUE(run_coro(io_, b_->ping(a_->id())).has_value());
}

}  // namespace
}  // namespace goop::p2p
