// End-to-end handshake tests of secure_outbound / secure_inbound over the in-memory pair.
#include "p2p/security/noise/noise.hpp"

#include "base/errors.hpp"
#include "p2p/errors.hpp"
#include "p2p/io/framing.hpp"
#include "p2p/multiformats/protobuf.hpp"
#include "p2p/security/noise/handshake_state.hpp"
#include "p2p/security/noise/payload.hpp"
#include "p2p/testing/memory_stream.hpp"
#include "testing/run_coro.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

// GCC 12 reports -Wmismatched-new-delete for asio coroutine frames here when optimizing (GCC PR
// 109224, a false positive; see noise.cpp).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace goop::p2p::noise {
namespace {
namespace asio = boost::asio;
using goop::testing::run_coro;
using testing::MemoryStream;
using namespace std::chrono_literals;

// Forwards to an inner stream and flips one bit of the byte written at offset `flip_at`.
class TamperStream final : public ByteStream {
 public:
  TamperStream(std::unique_ptr<ByteStream> inner, std::size_t flip_at)
      : inner_(std::move(inner)), flip_at_(flip_at) {}
  asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> b) override {
    return inner_->read_some(b);
  }
  asio::awaitable<Result<void>> write(BytesView data) override {
    const std::size_t start = written_;
    written_ += data.size();
    if (flip_at_ < start || flip_at_ >= written_) co_return co_await inner_->write(data);
    Bytes copy(data.begin(), data.end());
    copy[flip_at_ - start] ^= 0x01;
    co_return co_await inner_->write(copy);
  }
  asio::awaitable<Result<void>> close_write() override { return inner_->close_write(); }
  void reset() override { inner_->reset(); }
  asio::any_io_executor get_executor() override { return inner_->get_executor(); }

 private:
  std::unique_ptr<ByteStream> inner_;
  std::size_t flip_at_;
  std::size_t written_ = 0;
};

using MaybeConn = std::optional<Result<SecureConnection>>;

asio::awaitable<MaybeConn> wrap(asio::awaitable<Result<SecureConnection>> op) {
  co_return co_await std::move(op);
}

struct Both {
  MaybeConn out;
  MaybeConn in;
};

// Runs both sides concurrently and returns both results.
asio::awaitable<Both> run_both(asio::awaitable<Result<SecureConnection>> out,
                               asio::awaitable<Result<SecureConnection>> in) {
  auto ex = co_await asio::this_coro::executor;
  auto [order, e1, r1, e2, r2] =
      co_await asio::experimental::make_parallel_group(
          asio::co_spawn(ex, wrap(std::move(out)), asio::deferred),
          asio::co_spawn(ex, wrap(std::move(in)), asio::deferred))
          .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  (void)order;
  if (e1) std::rethrow_exception(e1);
  if (e2) std::rethrow_exception(e2);
  co_return Both{std::move(r1), std::move(r2)};
}

PeerId id_of(const Ed25519PrivateKey& k) { return PeerId::from_public_key(k.public_key()); }

TEST(NoiseHandshake, BothRolesLearnEachOthersPeerIdAndTalk) {
  asio::io_context io;
  auto [a, b] = MemoryStream::make_pair(io.get_executor());
  auto alice = Ed25519PrivateKey::generate();
  auto bob = Ed25519PrivateKey::generate();
  run_coro(io,
           [](std::unique_ptr<MemoryStream> x, std::unique_ptr<MemoryStream> y,
              Ed25519PrivateKey ka, Ed25519PrivateKey kb) -> asio::awaitable<void> {
             auto both = co_await run_both(secure_outbound(std::move(x), ka, id_of(kb)),
                                           secure_inbound(std::move(y), kb));
             EXPECT_TRUE(both.out && *both.out);
             EXPECT_TRUE(both.in && *both.in);
             if (!both.out || !*both.out || !both.in || !*both.in) co_return;
             SecureConnection& out = **both.out;
             SecureConnection& in = **both.in;
             EXPECT_EQ(out.remote_peer, id_of(kb));
             EXPECT_EQ(in.remote_peer, id_of(ka));
             EXPECT_TRUE(out.remote_muxers.empty());
             EXPECT_TRUE(in.remote_muxers.empty());

             EXPECT_TRUE(co_await out.stream->write(as_bytes("ping")));
             std::array<std::uint8_t, 16> buf{};
             auto n = co_await in.stream->read_some(buf);
             EXPECT_TRUE(n && as_chars(BytesView(buf).first(*n)) == "ping");
             EXPECT_TRUE(co_await in.stream->write(as_bytes("pong")));
             EXPECT_TRUE(co_await in.stream->close_write());
             n = co_await out.stream->read_some(buf);
             EXPECT_TRUE(n && as_chars(BytesView(buf).first(*n)) == "pong");
             n = co_await out.stream->read_some(buf);
             EXPECT_EQ(n.error(), make_error_code(Errc::kEndOfStream));
           }(std::move(a), std::move(b), alice, bob));
}

TEST(NoiseHandshake, EarlyDataMuxerListsAreExchanged) {
  asio::io_context io;
  auto [a, b] = MemoryStream::make_pair(io.get_executor());
  run_coro(io,
           [](std::unique_ptr<MemoryStream> x,
              std::unique_ptr<MemoryStream> y) -> asio::awaitable<void> {
             Options oo{{"/yamux/1.0.0", "/mplex/6.7.0"}};
             Options io_opts{{"/yamux/1.0.0"}};
             auto both = co_await run_both(
                 secure_outbound(std::move(x), Ed25519PrivateKey::generate(), std::nullopt, oo),
                 secure_inbound(std::move(y), Ed25519PrivateKey::generate(), io_opts));
             EXPECT_TRUE(both.out && *both.out && both.in && *both.in);
             if (!both.out || !*both.out || !both.in || !*both.in) co_return;
             EXPECT_EQ((*both.out)->remote_muxers, std::vector<std::string>{"/yamux/1.0.0"});
             EXPECT_EQ((*both.in)->remote_muxers, oo.muxers);
           }(std::move(a), std::move(b)));
}

TEST(NoiseHandshake, ExpectedPeerMismatchIsRefusedBeforeMessage3) {
  asio::io_context io;
  auto [a, b] = MemoryStream::make_pair(io.get_executor());
  run_coro(io,
           [](std::unique_ptr<MemoryStream> x,
              std::unique_ptr<MemoryStream> y) -> asio::awaitable<void> {
             auto someone_else = id_of(Ed25519PrivateKey::generate());
             auto both = co_await run_both(
                 secure_outbound(std::move(x), Ed25519PrivateKey::generate(), someone_else),
                 secure_inbound(std::move(y), Ed25519PrivateKey::generate()));
             EXPECT_TRUE(both.out && !*both.out);
             if (both.out && !*both.out) {
               EXPECT_EQ(both.out->error(), make_error_code(Errc::kPeerIdMismatch));
             }
             // The responder sees the connection reset instead of a message 3.
             EXPECT_TRUE(both.in && !*both.in);
             if (both.in && !*both.in) {
               EXPECT_EQ(both.in->error(), make_error_code(Errc::kStreamReset));
             }
           }(std::move(a), std::move(b)));
}

// Message 2 starts at wire offset 0 of the responder's writes: 2-byte length, 32-byte
// ephemeral key, 48-byte encrypted static key, then the encrypted payload.
class TamperedHandshake : public ::testing::TestWithParam<std::size_t> {};

TEST_P(TamperedHandshake, Message2ByteFlipIsRejectedByInitiator) {
  asio::io_context io;
  auto [a, b] = MemoryStream::make_pair(io.get_executor());
  auto flip = GetParam();
  run_coro(io,
           [](std::unique_ptr<MemoryStream> x, std::unique_ptr<MemoryStream> y,
              std::size_t at) -> asio::awaitable<void> {
             auto both = co_await run_both(
                 secure_outbound(std::move(x), Ed25519PrivateKey::generate(), std::nullopt),
                 secure_inbound(std::make_unique<TamperStream>(std::move(y), at),
                                Ed25519PrivateKey::generate()));
             EXPECT_TRUE(both.out && !*both.out);
             EXPECT_TRUE(both.in && !*both.in);
           }(std::move(a), std::move(b), flip));
}

INSTANTIATE_TEST_SUITE_P(NoiseHandshake, TamperedHandshake,
                         ::testing::Values(std::size_t{2}, std::size_t{40}, std::size_t{90},
                                           std::size_t{120}));

TEST(NoiseHandshake, TamperedMessage3IsRejectedByResponder) {
  asio::io_context io;
  auto [a, b] = MemoryStream::make_pair(io.get_executor());
  run_coro(io,
           [](std::unique_ptr<MemoryStream> x,
              std::unique_ptr<MemoryStream> y) -> asio::awaitable<void> {
             // The initiator writes message 1 (2 + 32 bytes) and then message 3; flip inside
             // message 3.
             auto both = co_await run_both(
                 secure_outbound(std::make_unique<TamperStream>(std::move(x), 34 + 10),
                                 Ed25519PrivateKey::generate(), std::nullopt),
                 secure_inbound(std::move(y), Ed25519PrivateKey::generate()));
             EXPECT_TRUE(both.in && !*both.in);
             if (both.in && !*both.in) {
               EXPECT_EQ(both.in->error(), make_error_code(Errc::kProtocolViolation));
             }
           }(std::move(a), std::move(b)));
}

TEST(NoiseHandshake, TamperedTransportFrameAfterHandshakeIsRejected) {
  asio::io_context io;
  auto [a, b] = MemoryStream::make_pair(io.get_executor());
  run_coro(io,
           [](std::unique_ptr<MemoryStream> x,
              std::unique_ptr<MemoryStream> y) -> asio::awaitable<void> {
             // The responder's message 2 frame is 2 + 32 + 48 + 104 (payload) + 16 = 202 bytes; its
             // first transport frame follows. Flip a ciphertext byte of that frame.
             auto both = co_await run_both(
                 secure_outbound(std::move(x), Ed25519PrivateKey::generate(), std::nullopt),
                 secure_inbound(std::make_unique<TamperStream>(std::move(y), 202 + 2 + 3),
                                Ed25519PrivateKey::generate()));
             EXPECT_TRUE(both.out && *both.out && both.in && *both.in);
             if (!both.out || !*both.out || !both.in || !*both.in) co_return;
             EXPECT_TRUE(co_await (*both.in)->stream->write(as_bytes("secret")));
             std::array<std::uint8_t, 16> buf{};
             auto n = co_await (*both.out)->stream->read_some(buf);
             EXPECT_EQ(n.error(), make_error_code(Errc::kProtocolViolation));
             // The initiator reset the connection, so the responder's read fails too.
             n = co_await (*both.in)->stream->read_some(buf);
             EXPECT_EQ(n.error(), make_error_code(Errc::kStreamReset));
           }(std::move(a), std::move(b)));
}

TEST(NoiseHandshake, TimesOutWhenTheRemoteSaysNothing) {
  asio::io_context io;
  auto [a, b] = MemoryStream::make_pair(io.get_executor());
  auto [c, d] = MemoryStream::make_pair(io.get_executor());
  run_coro(io,
           [](std::unique_ptr<MemoryStream> out_raw,
              std::unique_ptr<MemoryStream> in_raw) -> asio::awaitable<void> {
             Options opts;
             opts.timeout = 50ms;
             auto r = co_await secure_outbound(std::move(out_raw), Ed25519PrivateKey::generate(),
                                               std::nullopt, opts);
             EXPECT_EQ(r.error(), make_error_code(goop::Errc::kTimeout));
             r = co_await secure_inbound(std::move(in_raw), Ed25519PrivateKey::generate(), opts);
             EXPECT_EQ(r.error(), make_error_code(goop::Errc::kTimeout));
           }(std::move(a), std::move(d)));
  EXPECT_EQ(kHandshakeTimeout, 10s);
}

// A hand-driven responder that signs with a secp256k1-typed identity key.
asio::awaitable<void> fake_responder(std::unique_ptr<ByteStream> s) {
  HandshakeState hs(Role::kResponder, X25519KeyPair::generate());
  std::array<std::uint8_t, 2> len{};
  if (!co_await read_exact(*s, len)) co_return;
  Bytes m1(static_cast<std::size_t>(len[0]) << 8 | len[1]);
  if (!co_await read_exact(*s, m1) || !hs.read_message(m1)) co_return;
  HandshakePayload p;
  pb::Writer key;
  key.varint(1, 2);
  key.bytes(2, Bytes(33, 2));
  p.identity_key = key.take();
  p.identity_sig = Bytes(64, 1);
  auto m2 = hs.write_message(encode_payload(p)).value();
  Bytes frame{static_cast<std::uint8_t>(m2.size() >> 8), static_cast<std::uint8_t>(m2.size())};
  frame.insert(frame.end(), m2.begin(), m2.end());
  (void)co_await s->write(frame);
  std::array<std::uint8_t, 1> rest{};
  (void)co_await s->read_some(rest);  // until the initiator gives up
}

TEST(NoiseHandshake, NonEd25519RemoteIdentityIsUnsupported) {
  asio::io_context io;
  auto [a, b] = MemoryStream::make_pair(io.get_executor());
  run_coro(io,
           [](std::unique_ptr<MemoryStream> x,
              std::unique_ptr<MemoryStream> y) -> asio::awaitable<void> {
             auto ex = co_await asio::this_coro::executor;
             asio::co_spawn(ex, fake_responder(std::move(y)), [](std::exception_ptr) {});
             auto r = co_await secure_outbound(std::move(x), Ed25519PrivateKey::generate(),
                                               std::nullopt);
             EXPECT_EQ(r.error(), make_error_code(Errc::kUnsupportedKeyType));
           }(std::move(a), std::move(b)));
}

}  // namespace
}  // namespace goop::p2p::noise
