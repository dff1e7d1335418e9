// Interop with js-libp2p's Noise over real TCP. Skipped unless tests/interop/noise_interop.mjs
// runs this binary with GOOP_NOISE_JS_PEER, GOOP_NOISE_JS_RESPONDER_PORT and
// GOOP_NOISE_JS_INITIATOR_PORT set (js listens on 127.0.0.1 and echoes every byte).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "base/async_event.hpp"
#include "p2p/errors.hpp"
#include "p2p/security/noise/noise.hpp"
#include "p2p/testing/run_coro.hpp"

namespace goop::p2p::noise {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;

// A minimal TCP ByteStream for this test only.
class TcpStream final : public ByteStream {
 public:
  explicit TcpStream(tcp::socket s) : sock_(std::move(s)) {}
  asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> buf) override {
    auto [ec, n] = co_await sock_.async_read_some(asio::buffer(buf.data(), buf.size()),
                                                  asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::eof) co_return make_error_code(Errc::kEndOfStream);
    if (ec) co_return ec;
    co_return n;
  }
  asio::awaitable<Result<void>> write(BytesView data) override {
    auto [ec, n] = co_await asio::async_write(sock_, asio::buffer(data.data(), data.size()),
                                              asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (ec) co_return ec;
    co_return Result<void>{};
  }
  asio::awaitable<Result<void>> close_write() override {
    boost::system::error_code ec;
    sock_.shutdown(tcp::socket::shutdown_send, ec);
    co_return Result<void>{};
  }
  void reset() override {
    boost::system::error_code ec;
    sock_.close(ec);
  }
  asio::any_io_executor get_executor() override { return sock_.get_executor(); }

 private:
  tcp::socket sock_;
};

const char* env(const char* name) { return std::getenv(name); }

asio::awaitable<std::unique_ptr<ByteStream>> dial(std::uint16_t port) {
  auto ex = co_await asio::this_coro::executor;
  tcp::socket s(ex);
  co_await s.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                           asio::use_awaitable);
  co_return std::make_unique<TcpStream>(std::move(s));
}

// Sends 1 MiB (in awkward sizes) while reading the echo concurrently; checks it all came back.
asio::awaitable<void> echo_round_trip(SecureStream& s) {
  Bytes data(1 << 20);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
  auto ex = co_await asio::this_coro::executor;
  AsyncEvent done(ex);
  bool written = false;
  Result<void> wrote = make_error_code(Errc::kTimeout);
  asio::co_spawn(
      ex,
      [&]() -> asio::awaitable<Result<void>> {
        std::size_t off = 0, step = 1;
        while (off < data.size()) {
          const std::size_t n = std::min(step, data.size() - off);
          GOOP_CO_TRY_VOID(co_await s.write(BytesView(data).subspan(off, n)));
          off += n;
          step = step * 3 + 1;  // 1, 4, 13, ... past several frame sizes
        }
        co_return co_await s.close_write();
      },
      [&](std::exception_ptr, Result<void> r) {
        wrote = r;
        written = true;
        done.notify();
      });
  Bytes got;
  Bytes buf(100000);
  for (;;) {
    auto n = co_await s.read_some(buf);
    if (!n) {
      EXPECT_EQ(n.error(), make_error_code(Errc::kEndOfStream));
      break;
    }
    got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
  }
  while (!written) co_await done.wait();
  EXPECT_TRUE(wrote);
  EXPECT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data);
}

TEST(NoiseInterop, JsLibp2pBothRoles) {
  const char* peer_text = env("GOOP_NOISE_JS_PEER");
  const char* resp_port = env("GOOP_NOISE_JS_RESPONDER_PORT");
  const char* init_port = env("GOOP_NOISE_JS_INITIATOR_PORT");
  if (!peer_text || !resp_port || !init_port) GTEST_SKIP() << "run by tests/interop/noise_interop.mjs";
  const PeerId js_peer = PeerId::parse(peer_text).value();
  const auto rp = static_cast<std::uint16_t>(std::stoi(resp_port));
  const auto ip = static_cast<std::uint16_t>(std::stoi(init_port));

  asio::io_context io;
  testing::run_coro(
      io,
      [](PeerId js, std::uint16_t responder_port, std::uint16_t initiator_port)
          -> asio::awaitable<void> {
        Options opts{{"/yamux/1.0.0"}};
        // We initiate; js responds.
        auto out = co_await secure_outbound(co_await dial(responder_port),
                                            Ed25519PrivateKey::generate(), js, opts);
        EXPECT_TRUE(out) << (out ? "" : out.error().message());
        if (out) {
          EXPECT_EQ(out->remote_peer, js);
          EXPECT_EQ(out->remote_muxers, std::vector<std::string>{"/yamux/1.0.0"});
          co_await echo_round_trip(*out->stream);
        }
        // js initiates over a connection we dialled; we respond.
        auto in = co_await secure_inbound(co_await dial(initiator_port),
                                          Ed25519PrivateKey::generate(), opts);
        EXPECT_TRUE(in) << (in ? "" : in.error().message());
        if (in) {
          EXPECT_EQ(in->remote_peer, js);
          EXPECT_EQ(in->remote_muxers, std::vector<std::string>{"/yamux/1.0.0"});
          co_await echo_round_trip(*in->stream);
        }
      }(js_peer, rp, ip),
      std::chrono::seconds(30));
}

}  // namespace
}  // namespace goop::p2p::noise
