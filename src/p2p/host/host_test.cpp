// Two hosts in one process over real TCP on 127.0.0.1 (port 0): connect, identify, ping,
// streams, limits, shutdown.

#include "p2p/host/host.hpp"

#include "p2p/errors.hpp"
#include "p2p/io/framing.hpp"
#include "p2p/testing/echo.hpp"
#include "p2p/transport/tcp/tcp_stream.hpp"
#include "testing/run_coro.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>
#include <sodium.h>

namespace goop::p2p {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using goop::testing::run_coro;

constexpr std::string_view kEcho = "/test/echo/1.0.0";

class HostPair : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = std::make_unique<Host>(io_.get_executor(), Ed25519PrivateKey::generate(), HostConfig{});
    b_ = std::make_unique<Host>(io_.get_executor(), Ed25519PrivateKey::generate(), HostConfig{});
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

TEST_F(HostPair, ConnectIdentifyPing) {
  ASSERT_NE(a_->listen_addrs().at(0).tcp_endpoint()->port(), 0);
  auto r = run_coro(io_, b_->connect(a_->id(), a_->listen_addrs()));
  ASSERT_TRUE(r.has_value()) << r.error().message();
  EXPECT_TRUE(b_->is_connected(a_->id()));
  auto rtt = run_coro(io_, b_->ping(a_->id()));
  ASSERT_TRUE(rtt.has_value()) << rtt.error().message();
  // identify ran on connect (both ways); by now the ping has given it time to land.
  run_coro(io_, [](Host& h, PeerId p) -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    while (!h.peerstore().find(p) || h.peerstore().find(p)->protocols.empty()) {
      asio::steady_timer t(ex, 1ms);
      co_await t.async_wait(asio::use_awaitable);
    }
  }(*b_, a_->id()));
  const auto* info = b_->peerstore().find(a_->id());
  EXPECT_EQ(info->agent_version, "goop2/dev");
  EXPECT_NE(std::find(info->protocols.begin(), info->protocols.end(), std::string(kEcho)),
            info->protocols.end());
}

TEST_F(HostPair, EchoTenMebibytesBothWaysAtOnce) {
  ASSERT_TRUE(run_coro(io_, b_->connect(a_->id(), a_->listen_addrs())).has_value());
  Bytes data(10 << 20);
  randombytes_buf(data.data(), data.size());
  auto back = run_coro(io_, testing::echo_roundtrip(*b_, a_->id(), std::string(kEcho), data), 60s);
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_TRUE(*back == data);
}

TEST_F(HostPair, ConcurrentConnectsShareOneDial) {
  auto n =
      run_coro(io_, [](Host& b, PeerId a, std::vector<Multiaddr> addrs) -> asio::awaitable<int> {
        auto ex = co_await asio::this_coro::executor;
        int ok = 0, done = 0;
        for (int i = 0; i < 10; ++i) {
          asio::co_spawn(ex, b.connect(a, addrs), [&](std::exception_ptr, Result<void> r) {
            ok += r.has_value();
            ++done;
          });
        }
        while (done < 10) co_await asio::post(ex, asio::use_awaitable);
        co_return ok;
      }(*b_, a_->id(), a_->listen_addrs()));
  EXPECT_EQ(n, 10);
  EXPECT_EQ(b_->connected_peers().size(), 1u);
}

TEST_F(HostPair, UnknownProtocolIsRefusedAndConnectionSurvives) {
  ASSERT_TRUE(run_coro(io_, b_->connect(a_->id(), a_->listen_addrs())).has_value());
  auto r = run_coro(io_, [](Host& b, PeerId a) -> asio::awaitable<Result<std::size_t>> {
    std::vector<std::string> protos = {"/nope/1.0.0", "/nope/2.0.0"};
    auto s = co_await b.new_stream(a, protos);
    if (!s) co_return s.error();
    co_return std::size_t{0};
  }(*b_, a_->id()));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(Errc::kNegotiationFailed));
  EXPECT_TRUE(run_coro(io_, b_->ping(a_->id())).has_value());
}

TEST_F(HostPair, WrongPeerIdIsRefused) {
  const PeerId other = PeerId::from_public_key(Ed25519PrivateKey::generate().public_key());
  auto r = run_coro(io_, b_->connect(other, a_->listen_addrs()));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(Errc::kPeerIdMismatch));
  EXPECT_FALSE(b_->is_connected(other));
}

TEST_F(HostPair, DisconnectEventWhenRemoteStops) {
  std::vector<ConnectionEvent> events;
  b_->on_connection_event([&](const PeerId&, ConnectionEvent e) { events.push_back(e); });
  ASSERT_TRUE(run_coro(io_, b_->connect(a_->id(), a_->listen_addrs())).has_value());
  run_coro(io_, a_->async_stop(5s));
  run_coro(io_, [](std::vector<ConnectionEvent>& ev) -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    while (ev.size() < 2) {
      asio::steady_timer t(ex, 1ms);
      co_await t.async_wait(asio::use_awaitable);
    }
  }(events));
  EXPECT_EQ(events, (std::vector<ConnectionEvent>{ConnectionEvent::kConnected,
                                                  ConnectionEvent::kDisconnected}));
  EXPECT_FALSE(b_->is_connected(a_->id()));
}

TEST_F(HostPair, GarbageAndTruncatedHandshakesDoNotStopServingOthers) {
  const auto ep = *a_->listen_addrs().at(0).tcp_endpoint();
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
