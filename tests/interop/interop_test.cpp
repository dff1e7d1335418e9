// Interop with js-libp2p v3 (the independent implementation), both directions, over real TCP
// on 127.0.0.1: Noise with peer-ID check, yamux, identify both ways, ping, a 10 MiB echo with a
// checksum, 100 concurrent streams, a reset mid-transfer, and a clean close.

#include "../support/process.hpp"
#include "base/log.hpp"
#include "p2p/errors.hpp"
#include "p2p/host/host.hpp"
#include "p2p/io/framing.hpp"
#include "p2p/testing/echo.hpp"
#include "p2p/transport/tcp/tcp_transport.hpp"
#include "testing/run_coro.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <future>
#include <thread>

namespace goop::p2p {
namespace {
namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using goop::testing::Process;
using goop::testing::run_coro;

constexpr std::string_view kEcho = "/goop2/echo/1.0.0";

std::string sha256_hex(BytesView b) {
  std::uint8_t d[32];
  SHA256(b.data(), b.size(), d);
  return to_hex(BytesView(d, 32));
}

asio::awaitable<Result<Bytes>> echo_roundtrip(Host& host, PeerId peer, Bytes data) {
  return testing::echo_roundtrip(host, std::move(peer), std::string(kEcho), std::move(data));
}

class Interop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* lv = std::getenv("GOOP_LOG")) (void)log::configure(lv);
    HostConfig cfg;
    cfg.agent_version = "goop2/interop-test";
    host_ = std::make_unique<Host>(io_.get_executor(), Ed25519PrivateKey::generate(), cfg,
                                   transports(tcp::make_transport(io_.get_executor())));
    host_->set_stream_handler(std::string(kEcho), testing::serve_echo);
    auto started = host_->start();
    ASSERT_TRUE(started.has_value()) << started.error().message;
  }
  void TearDown() override {
    if (runner_.joinable()) {
      asio::co_spawn(io_, host_->async_stop(5s), asio::use_future).get();
      guard_.reset();
      runner_.join();
    } else {
      run_coro(io_, host_->async_stop(5s));
    }
  }
  // Runs the node thread in the background (for tests where js drives).
  void run_in_background() {
    guard_.emplace(io_.get_executor());
    runner_ = std::thread([this] { io_.run(); });
  }
  template <class F>
  auto on_node(F f) {
    return asio::post(io_, std::packaged_task<decltype(f())()>(std::move(f))).get();
  }

  asio::io_context io_;
  std::unique_ptr<Host> host_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_;
  std::thread runner_;
};

TEST_F(Interop, WeDialJs) {
  Process js(goop::testing::js_command("peer.mjs", {"listen"}), goop::testing::interop_dir());
  ASSERT_TRUE(js.wait_stdout_contains("\n", 30s)) << js.err();
  const auto hello = json::parse(js.out().substr(0, js.out().find('\n'))).as_object();
  const auto js_id = PeerId::parse(std::string(hello.at("peerId").as_string()));
  ASSERT_TRUE(js_id.has_value());
  auto addr = Multiaddr::parse(std::string(hello.at("addrs").as_array().at(0).as_string()));
  ASSERT_TRUE(addr.has_value());

  auto connected = run_coro(io_, host_->connect(*js_id, {*addr}), 20s);
  ASSERT_TRUE(connected.has_value()) << connected.error().message() << "\njs stderr:\n" << js.err();

  // identify, our side: we learn js's protocols and agent.
  run_coro(
      io_,
      [](Host& h, PeerId p) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        asio::steady_timer deadline(ex, 10s);
        while (h.peerstore().find(p) == nullptr || h.peerstore().find(p)->agent_version.empty()) {
          asio::steady_timer tick(ex, 5ms);
          co_await tick.async_wait(asio::use_awaitable);
          if (deadline.expiry() < std::chrono::steady_clock::now()) break;
        }
      }(*host_, *js_id),
      15s);
  const PeerInfo* info = host_->peerstore().find(*js_id);
  ASSERT_NE(info, nullptr);
  EXPECT_TRUE(info->agent_version.starts_with("js-libp2p/")) << info->agent_version;
  EXPECT_NE(std::find(info->protocols.begin(), info->protocols.end(), "/ipfs/ping/1.0.0"),
            info->protocols.end());
  EXPECT_NE(std::find(info->protocols.begin(), info->protocols.end(), std::string(kEcho)),
            info->protocols.end());
  // identify, js side: js printed what it learned about us.
  ASSERT_TRUE(js.wait_stdout_contains("goop2/interop-test", 10s)) << js.out() << js.err();

  auto rtt = run_coro(io_, host_->ping(*js_id));
  ASSERT_TRUE(rtt.has_value()) << rtt.error().message();
  EXPECT_GT(rtt->count(), 0);

  Bytes big(10 * 1024 * 1024);
  randombytes_buf(big.data(), big.size());
  auto back = run_coro(io_, echo_roundtrip(*host_, *js_id, big), 60s);
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_EQ(back->size(), big.size());
  EXPECT_EQ(sha256_hex(*back), sha256_hex(big));

  // 100 concurrent streams.
  auto ok = run_coro(
      io_,
      [](Host& h, PeerId p) -> asio::awaitable<int> {
        auto ex = co_await asio::this_coro::executor;
        int good = 0, done = 0;
        for (int i = 0; i < 100; ++i) {
          Bytes d(static_cast<std::size_t>(1000 + i), static_cast<std::uint8_t>(i));
          asio::co_spawn(ex, echo_roundtrip(h, p, d),
                         [&good, &done, d](std::exception_ptr, Result<Bytes> r) {
                           good += r.has_value() && *r == d;
                           ++done;
                         });
        }
        while (done < 100) co_await asio::post(ex, asio::use_awaitable);
        co_return good;
      }(*host_, *js_id),
      60s);
  EXPECT_EQ(ok, 100);

  // Reset mid-transfer, then the connection still serves new streams.
  auto after = run_coro(
      io_,
      [](Host& h, PeerId p) -> asio::awaitable<Result<Bytes>> {
        GOOP_CO_TRY(auto s, co_await h.new_stream(p, multistream::protocol_list(kEcho)));
        const Bytes partial(100000, 1);
        (void)co_await s->write(partial);
        s->reset();
        Bytes small(2, 'k');
        co_return co_await echo_roundtrip(h, p, std::move(small));
      }(*host_, *js_id),
      20s);
  ASSERT_TRUE(after.has_value()) << after.error().message();
  EXPECT_EQ(after->size(), 2u);
  EXPECT_TRUE(host_->is_connected(*js_id));
}

TEST_F(Interop, JsDialsUs) {
  const std::string addr =
      host_->listen_addrs().at(0).to_string() + "/p2p/" + host_->id().to_base58();
  std::promise<void> hung_up;
  host_->on_connection_event([&hung_up, armed = true](const PeerId&, ConnectionEvent e) mutable {
    if (e == ConnectionEvent::kDisconnected && armed) {
      armed = false;
      hung_up.set_value();
    }
  });
  run_in_background();
  Process js(goop::testing::js_command("peer.mjs", {"dial", addr}), goop::testing::interop_dir());
  auto code = js.wait_exit(120s);
  ASSERT_TRUE(code.has_value()) << "js dialer did not finish";
  ASSERT_EQ(*code, 0) << js.err();
  const auto line = js.out().substr(0, js.out().find('\n'));
  auto r = json::parse(line).as_object();
  EXPECT_TRUE(r.at("ok").as_bool()) << line;
  EXPECT_EQ(r.at("remotePeer").as_string(), host_->id().to_base58());
  EXPECT_EQ(r.at("remoteAgent").as_string(), "goop2/interop-test");
  const auto protos = r.at("remoteProtocols").as_array();
  EXPECT_NE(std::find(protos.begin(), protos.end(), json::value("/ipfs/ping/1.0.0")), protos.end())
      << line;
  EXPECT_TRUE(r.at("echo10MiB").as_object().at("ok").as_bool()) << line;
  EXPECT_TRUE(r.at("concurrent100").as_bool()) << line;
  EXPECT_TRUE(r.at("afterReset").as_bool()) << line;
  EXPECT_GE(r.at("pingMs").to_number<double>(), 0.0);
  // Our side identified js over the connection js opened (the peerstore outlives it).
  const auto js_id = PeerId::parse(std::string(r.at("localPeer").as_string()));
  ASSERT_TRUE(js_id.has_value());
  const std::string agent = on_node([&] {
    const PeerInfo* i = host_->peerstore().find(*js_id);
    return i ? i->agent_version : std::string();
  });
  EXPECT_TRUE(agent.starts_with("js-libp2p/")) << agent;
  // js hung up cleanly at the end; we saw the connection go.
  EXPECT_EQ(hung_up.get_future().wait_for(10s), std::future_status::ready);
}

}  // namespace
}  // namespace goop::p2p
