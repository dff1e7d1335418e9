// Dialer and listener of multistream-select over the in-memory stream pair, against each other
// and against hand-written peers that send exact bytes.
#include "base/errors.hpp"
#include "p2p/errors.hpp"
#include "p2p/io/framing.hpp"
#include "p2p/negotiation/dialer.hpp"
#include "p2p/negotiation/listener.hpp"
#include "p2p/negotiation/message_io.hpp"
#include "p2p/testing/memory_stream.hpp"
#include "testing/run_coro.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

namespace goop::p2p::multistream {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using goop::testing::run_coro;
using testing::MemoryStream;
using Strings = std::vector<std::string>;

// Runs `a` and `b` concurrently on `io` and returns both results.
template <class A, class B>
std::pair<A, B> run_both(asio::io_context& io, asio::awaitable<A> a, asio::awaitable<B> b) {
  auto both = [](asio::awaitable<A> x, asio::awaitable<B> y) -> asio::awaitable<std::pair<A, B>> {
    auto ex = co_await asio::this_coro::executor;
    auto [order, ex_a, ra, ex_b, rb] =
        co_await asio::experimental::make_parallel_group(
            asio::co_spawn(ex, std::move(x), asio::deferred),
            asio::co_spawn(ex, std::move(y), asio::deferred))
            .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    (void)order;
    if (ex_a) std::rethrow_exception(ex_a);
    if (ex_b) std::rethrow_exception(ex_b);
    co_return std::pair<A, B>{std::move(ra), std::move(rb)};
  };
  return run_coro(io, both(std::move(a), std::move(b)));
}

// The framed messages `texts`, concatenated. (Variadic: braced lists of string literals inside
// coroutine lambdas trip g++ 12.)
template <class... T>
Bytes messages(const T&... texts) {
  Bytes out;
  (append_message(out, std::string_view(texts)), ...);
  return out;
}

asio::awaitable<Result<std::string>> read_text(ByteStream& s, std::size_t n) {
  std::string out(n, '\0');
  auto r = co_await read_exact(s, std::span(reinterpret_cast<std::uint8_t*>(out.data()), n));
  if (!r) co_return r.error();
  co_return out;
}

struct MultistreamTest : ::testing::Test {
  asio::io_context io;
  std::unique_ptr<MemoryStream> dialer_end;
  std::unique_ptr<MemoryStream> listener_end;
  MultistreamTest() {
    std::tie(dialer_end, listener_end) = MemoryStream::make_pair(io.get_executor());
  }
};

TEST_F(MultistreamTest, SelectsTheCommonProtocolWithOneWriteOfExactBytes) {
  auto [d, l] = run_both(io, select_one(*dialer_end, {"/noise"}),
                         handle(*listener_end, {"/tls/1.0.0", "/noise"}));
  ASSERT_TRUE(d.has_value()) << d.error().message();
  ASSERT_TRUE(l.has_value()) << l.error().message();
  EXPECT_EQ(*d, "/noise");
  EXPECT_EQ(*l, "/noise");
  // header (20) + "/noise" (8) each way; nothing else.
  EXPECT_EQ(dialer_end->bytes_written(), 28u);
  EXPECT_EQ(listener_end->bytes_written(), 28u);
}

TEST_F(MultistreamTest, FallsBackToTheNextProposalAfterNa) {
  auto [d, l] = run_both(io, select_one(*dialer_end, {"/tls/1.0.0", "/noise"}),
                         handle(*listener_end, {"/noise"}));
  ASSERT_TRUE(d.has_value());
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(*d, "/noise");
  EXPECT_EQ(*l, "/noise");
  EXPECT_EQ(listener_end->bytes_written(), 20u + 4u + 8u);  // header, na, echo
}

TEST_F(MultistreamTest, NothingInCommonFailsTheDialerAndLeavesTheListenerNegotiating) {
  auto dialer = [](ByteStream& s) -> asio::awaitable<Result<std::string>> {
    Strings proposals{"/a", "/b"};
    auto r = co_await select_one(s, std::move(proposals));
    EXPECT_EQ(r.error(), make_error_code(Errc::kNegotiationFailed));
    // The stream is still framed: a further proposal by hand is understood.
    GOOP_CO_TRY_VOID(co_await write_message(s, "/c"));
    co_return co_await read_message(s);
  };
  auto [d, l] = run_both(io, dialer(*dialer_end), handle(*listener_end, {"/c"}));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, "/c");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(*l, "/c");
}

TEST_F(MultistreamTest, DialerClosingAfterFailureEndsTheListener) {
  auto dialer = [](ByteStream& s) -> asio::awaitable<Result<std::string>> {
    Strings proposals{"/a"};
    auto r = co_await select_one(s, std::move(proposals));
    GOOP_CO_TRY_VOID(co_await s.close_write());
    co_return r;
  };
  auto [d, l] = run_both(io, dialer(*dialer_end), handle(*listener_end, {"/c"}));
  EXPECT_EQ(d.error(), make_error_code(Errc::kNegotiationFailed));
  EXPECT_EQ(l.error(), make_error_code(Errc::kEndOfStream));
}

TEST_F(MultistreamTest, LsListsTheListenersProtocols) {
  auto dialer = [](ByteStream& s) -> asio::awaitable<Result<std::string>> {
    const Strings expected{"/ipfs/ping/1.0.0", "/ipfs/id/1.0.0"};
    auto list = co_await list_protocols(s);
    EXPECT_TRUE(list.has_value());
    if (list) {
      EXPECT_EQ(*list, expected);
    }
    GOOP_CO_TRY_VOID(co_await write_message(s, "/ipfs/id/1.0.0"));
    co_return co_await read_message(s);
  };
  auto [d, l] = run_both(io, dialer(*dialer_end),
                         handle(*listener_end, {"/ipfs/ping/1.0.0", "/ipfs/id/1.0.0"}));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, "/ipfs/id/1.0.0");
  EXPECT_EQ(*l, "/ipfs/id/1.0.0");
}

TEST_F(MultistreamTest, RefusesOverlongProtocolNames) {
  const std::string too_long(kMaxProtocolLength + 1, 'x');
  // Our dialer does not send one.
  auto r = run_coro(io, select_one(*dialer_end, {too_long}));
  EXPECT_EQ(r.error(), make_error_code(goop::Errc::kInvalidArgument));
  EXPECT_EQ(dialer_end->bytes_written(), 0u);
  // The listener refuses one sent by hand.
  auto raw = [](ByteStream& s, std::string name) -> asio::awaitable<Result<void>> {
    co_return co_await s.write(messages(kProtocolId, name));
  };
  auto [w, l] = run_both(io, raw(*dialer_end, too_long), handle(*listener_end, {"/x"}));
  EXPECT_TRUE(w.has_value());
  EXPECT_EQ(l.error(), make_error_code(Errc::kTooLarge));
}

TEST_F(MultistreamTest, DialerRefusesAnOverlongAnswer) {
  auto raw = [](ByteStream& s) -> asio::awaitable<Result<void>> {
    co_return co_await s.write(messages(kProtocolId, std::string(2000, 'y')));
  };
  auto [d, w] = run_both(io, select_one(*dialer_end, {"/x"}), raw(*listener_end));
  EXPECT_EQ(d.error(), make_error_code(Errc::kTooLarge));
}

TEST_F(MultistreamTest, ListenerRejectsAFirstMessageOtherThanTheHeader) {
  auto raw = [](ByteStream& s) -> asio::awaitable<Result<void>> {
    co_return co_await s.write(messages("/noise"));
  };
  auto [w, l] = run_both(io, raw(*dialer_end), handle(*listener_end, {"/noise"}));
  EXPECT_EQ(l.error(), make_error_code(Errc::kProtocolViolation));
}

TEST_F(MultistreamTest, ListenerRejectsGarbage) {
  auto raw = [](ByteStream& s) -> asio::awaitable<Result<void>> {
    GOOP_CO_TRY_VOID(co_await s.write(*from_hex("03616263")));  // "abc" without '\n'
    co_return co_await s.close_write();
  };
  auto [w, l] = run_both(io, raw(*dialer_end), handle(*listener_end, {"/noise"}));
  EXPECT_EQ(l.error(), make_error_code(Errc::kInvalidEncoding));
}

TEST_F(MultistreamTest, DialerRejectsAWrongHeaderOrAnswer) {
  auto raw = [](ByteStream& s, Bytes b) -> asio::awaitable<Result<void>> {
    co_return co_await s.write(b);
  };
  {
    auto [d, w] = run_both(io, select_one(*dialer_end, {"/x"}),
                           raw(*listener_end, messages("/multistream/2.0.0", "/x")));
    EXPECT_EQ(d.error(), make_error_code(Errc::kProtocolViolation));
  }
  std::tie(dialer_end, listener_end) = MemoryStream::make_pair(io.get_executor());
  {
    auto [d, w] = run_both(io, select_one(*dialer_end, {"/x"}),
                           raw(*listener_end, messages(kProtocolId, "/y")));
    EXPECT_EQ(d.error(), make_error_code(Errc::kProtocolViolation));
  }
}

TEST_F(MultistreamTest, ListenerGivesUpAfterTooManyProposals) {
  auto raw = [](ByteStream& s) -> asio::awaitable<Result<void>> {
    Bytes out = messages(kProtocolId);
    for (std::size_t i = 0; i <= kMaxProposals; ++i) append_message(out, "/p" + std::to_string(i));
    co_return co_await s.write(out);
  };
  auto [w, l] = run_both(io, raw(*dialer_end), handle(*listener_end, {"/noise"}));
  EXPECT_EQ(l.error(), make_error_code(Errc::kProtocolViolation));
}

TEST_F(MultistreamTest, TimesOutWhenTheRemoteIsSilent) {
  auto d = run_coro(io, select_one(*dialer_end, {"/x"}, 20ms));
  EXPECT_EQ(d.error(), make_error_code(goop::Errc::kTimeout));
  std::tie(dialer_end, listener_end) = MemoryStream::make_pair(io.get_executor());
  auto l = run_coro(io, handle(*listener_end, {"/x"}, 20ms));
  EXPECT_EQ(l.error(), make_error_code(goop::Errc::kTimeout));
}

TEST_F(MultistreamTest, DialerLeavesTheBytesAfterTheEchoForTheNextLayer) {
  auto dialer = [](ByteStream& s) -> asio::awaitable<Result<std::string>> {
    Strings proposals{"/noise"};
    GOOP_CO_TRY(auto p, co_await select_one(s, std::move(proposals)));
    EXPECT_EQ(p, "/noise");
    co_return co_await read_text(s, 9);
  };
  auto raw = [](ByteStream& s) -> asio::awaitable<Result<void>> {
    Bytes out = messages(kProtocolId, "/noise");
    for (char c : std::string_view("handshake")) out.push_back(static_cast<std::uint8_t>(c));
    co_return co_await s.write(out);  // echo and the next protocol's bytes in one write
  };
  auto [d, w] = run_both(io, dialer(*dialer_end), raw(*listener_end));
  ASSERT_TRUE(d.has_value()) << d.error().message();
  EXPECT_EQ(*d, "handshake");
}

TEST_F(MultistreamTest, ListenerLeavesZeroRttDataForTheHandler) {
  auto raw = [](ByteStream& s) -> asio::awaitable<Result<void>> {
    Bytes out = messages(kProtocolId, "/ipfs/ping/1.0.0");
    out.insert(out.end(), 32, 0xab);  // a ping payload right behind the proposal
    co_return co_await s.write(out);
  };
  auto listener = [](ByteStream& s) -> asio::awaitable<Result<std::string>> {
    Strings supported{"/ipfs/ping/1.0.0"};
    GOOP_CO_TRY(auto p, co_await handle(s, std::move(supported)));
    EXPECT_EQ(p, "/ipfs/ping/1.0.0");
    co_return co_await read_text(s, 32);
  };
  auto [w, l] = run_both(io, raw(*dialer_end), listener(*listener_end));
  ASSERT_TRUE(l.has_value()) << l.error().message();
  EXPECT_EQ(*l, std::string(32, '\xab'));
}

}  // namespace
}  // namespace goop::p2p::multistream
