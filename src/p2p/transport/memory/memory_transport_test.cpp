// The memory transport: numbers, refusal, isolation between networks, and the streams it makes
// (half-close, backpressure, reset, cancellation).

#include "p2p/transport/memory/memory_transport.hpp"

#include "p2p/errors.hpp"
#include "p2p/io/framing.hpp"
#include "testing/run_coro.hpp"
#include "testing/wait_for.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace goop::p2p::memory {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using goop::testing::run_coro;
using goop::testing::wait_for;

Multiaddr ma(std::string_view text) { return Multiaddr::parse(text).value(); }

// Runs every handler that is ready now (and those they make ready), without waiting.
void run_ready(asio::io_context& io) {
  io.restart();
  while (io.poll() > 0) {
  }
}

class MemoryTransportTest : public ::testing::Test {
 protected:
  std::unique_ptr<Listener> listen(std::string_view addr = "/memory/0") {
    auto l = transport_.listen(ma(addr));
    EXPECT_TRUE(l.has_value()) << (l ? "" : l.error().message);
    return l ? std::move(*l) : nullptr;
  }
  // Dials `to` and accepts on `l`: {dialer's connection, listener's connection}.
  std::pair<RawConnection, RawConnection> connect(Listener& l) {
    auto out = run_coro(io_, transport_.dial(l.local_addr(), 1s));
    EXPECT_TRUE(out.has_value());
    auto in = run_coro(io_, l.accept());
    EXPECT_TRUE(in.has_value());
    return {std::move(*out), std::move(*in)};
  }
  asio::io_context io_;
  MemoryNetwork net_;
  MemoryTransport transport_{io_.get_executor(), net_};
};

TEST_F(MemoryTransportTest, AddressRules) {
  const std::string p2p = "/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN";
  EXPECT_TRUE(transport_.can_dial(ma("/memory/5")));
  EXPECT_TRUE(transport_.can_dial(ma("/memory/5" + p2p)));
  EXPECT_FALSE(transport_.can_dial(ma("/memory/0")));
  EXPECT_FALSE(transport_.can_dial(ma("/memory/5" + p2p + "/p2p-circuit" + p2p)));
  EXPECT_FALSE(transport_.can_dial(ma("/ip4/127.0.0.1/tcp/5")));
  EXPECT_TRUE(transport_.can_listen(ma("/memory/0")));
  EXPECT_FALSE(transport_.can_listen(ma("/memory/5" + p2p)));
  EXPECT_EQ(memory_addr(77).to_string(), "/memory/77");
}

TEST_F(MemoryTransportTest, PortZeroPicksFreeNumbersAndATakenNumberIsRefused) {
  auto a = listen();
  auto b = listen();
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->local_addr(), b->local_addr());
  EXPECT_NE(a->local_addr(), ma("/memory/0"));
  auto again = transport_.listen(a->local_addr());
  ASSERT_TRUE(again.has_error());
  EXPECT_EQ(again.error().code, asio::error::address_in_use);
  auto fixed = listen("/memory/4242");
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->local_addr(), ma("/memory/4242"));
  EXPECT_EQ(net_.listeners(), 3u);
}

TEST_F(MemoryTransportTest, DialNobodyOrAClosedListenerIsRefusedAtOnce) {
  auto r = run_coro(io_, transport_.dial(ma("/memory/99"), 1s));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(asio::error::connection_refused));
  auto l = listen();
  const auto at = l->local_addr();
  l->close();
  r = run_coro(io_, transport_.dial(at, 1s));
  EXPECT_EQ(r.error(), make_error_code(asio::error::connection_refused));
  EXPECT_EQ(net_.connections_made(), 0u);
  // Closing also ends a later accept at once.
  EXPECT_EQ(run_coro(io_, l->accept()).error(), make_error_code(asio::error::operation_aborted));
}

TEST_F(MemoryTransportTest, NetworksAreIsolated) {
  auto l = listen("/memory/7");
  MemoryNetwork other;
  MemoryTransport elsewhere(io_.get_executor(), other);
  auto r = run_coro(io_, elsewhere.dial(ma("/memory/7"), 1s));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(asio::error::connection_refused));
}

TEST_F(MemoryTransportTest, ConnectionsNameBothEndsAndCarryBytesBothWays) {
  auto l = listen();
  auto [out, in] = connect(*l);
  EXPECT_EQ(out.remote_addr, l->local_addr());
  EXPECT_EQ(in.local_addr, l->local_addr());
  EXPECT_EQ(in.remote_addr, out.local_addr);
  EXPECT_NE(out.local_addr, l->local_addr());
  EXPECT_EQ(net_.connections_made(), 1u);
  auto got = run_coro(io_, [](ByteStream& a, ByteStream& b) -> asio::awaitable<Result<Bytes>> {
    const Bytes ping = {1, 2, 3};
    GOOP_CO_TRY_VOID(co_await a.write(ping));
    GOOP_CO_TRY_VOID(co_await a.close_write());
    Bytes back(3);
    GOOP_CO_TRY_VOID(co_await read_exact(b, back));
    std::uint8_t extra[1];
    auto eof = co_await b.read_some(extra);  // half-closed: end of stream after the data
    if (eof || eof.error() != make_error_code(Errc::kEndOfStream)) {
      co_return make_error_code(Errc::kProtocolViolation);
    }
    // The other direction still works after a's half-close.
    GOOP_CO_TRY_VOID(co_await b.write(back));
    Bytes echoed(3);
    GOOP_CO_TRY_VOID(co_await read_exact(a, echoed));
    co_return echoed;
  }(*out.stream, *in.stream));
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(*got, (Bytes{1, 2, 3}));
}

TEST_F(MemoryTransportTest, WritesWaitForTheReaderBeyondTheBufferCapacity) {
  MemoryNetwork small(16);
  MemoryTransport t(io_.get_executor(), small);
  auto l = t.listen(ma("/memory/0")).value();
  auto out = run_coro(io_, t.dial(l->local_addr(), 1s)).value();
  auto in = run_coro(io_, l->accept()).value();
  bool written = false;
  const Bytes big(64, 0x42);
  asio::co_spawn(
      io_, [](ByteStream& s, const Bytes& data) { return s.write(data); }(*out.stream, big),
      [&](std::exception_ptr, Result<void> r) { written = r.has_value(); });
  // The writer fills the buffer and waits: nothing completes until the reader reads.
  run_ready(io_);
  EXPECT_FALSE(written);
  Bytes got(64);
  ASSERT_TRUE(run_coro(io_, read_exact(*in.stream, got)).has_value());
  ASSERT_TRUE(wait_for(io_, [&] { return written; }));
  EXPECT_EQ(got, big);
}

TEST_F(MemoryTransportTest, ResetAndDroppingEitherEndFailTheOther) {
  auto l = listen();
  auto [out, in] = connect(*l);
  out.stream->reset();
  std::uint8_t buf[4];
  EXPECT_EQ(run_coro(io_, in.stream->read_some(buf)).error(), make_error_code(Errc::kStreamReset));
  EXPECT_EQ(run_coro(io_, in.stream->write(BytesView(buf, 4))).error(),
            make_error_code(Errc::kStreamReset));

  auto [out2, in2] = connect(*l);
  in2.stream.reset();  // like closing a socket
  EXPECT_EQ(run_coro(io_, out2.stream->read_some(buf)).error(),
            make_error_code(Errc::kStreamReset));
}

TEST_F(MemoryTransportTest, CancelledReadsAndAcceptsReturnOperationAborted) {
  auto l = listen();
  auto [out, in] = connect(*l);
  asio::cancellation_signal cancel_read, cancel_accept;
  std::optional<Result<std::size_t>> read;
  std::optional<Result<RawConnection>> accepted;
  std::uint8_t buf[4];
  asio::co_spawn(io_, in.stream->read_some(buf),
                 asio::bind_cancellation_slot(
                     cancel_read.slot(),
                     [&](std::exception_ptr, Result<std::size_t> r) { read = std::move(r); }));
  asio::co_spawn(io_, l->accept(),
                 asio::bind_cancellation_slot(cancel_accept.slot(),
                                              [&](std::exception_ptr, Result<RawConnection> r) {
                                                accepted = std::move(r);
                                              }));
  run_ready(io_);
  EXPECT_FALSE(read || accepted);  // both wait
  cancel_read.emit(asio::cancellation_type::terminal);
  cancel_accept.emit(asio::cancellation_type::terminal);
  ASSERT_TRUE(wait_for(io_, [&] { return read && accepted; }));
  EXPECT_EQ(read->error(), make_error_code(asio::error::operation_aborted));
  EXPECT_EQ(accepted->error(), make_error_code(asio::error::operation_aborted));
  // The stream and the listener stay usable.
  auto [out2, in2] = connect(*l);
  EXPECT_TRUE(in2.stream != nullptr);
}

TEST_F(MemoryTransportTest, ACancelledWriteWaitingForRoomReturnsOperationAborted) {
  MemoryNetwork small(8);
  MemoryTransport t(io_.get_executor(), small);
  auto l = t.listen(ma("/memory/0")).value();
  auto out = run_coro(io_, t.dial(l->local_addr(), 1s)).value();
  auto in = run_coro(io_, l->accept()).value();
  asio::cancellation_signal cancel;
  std::optional<Result<void>> written;
  const Bytes big(32, 7);
  asio::co_spawn(
      io_, [](ByteStream& s, const Bytes& data) { return s.write(data); }(*out.stream, big),
      asio::bind_cancellation_slot(cancel.slot(),
                                   [&](std::exception_ptr, Result<void> r) { written = r; }));
  run_ready(io_);
  EXPECT_FALSE(written);  // 8 bytes buffered, the rest waits for room
  cancel.emit(asio::cancellation_type::terminal);
  ASSERT_TRUE(wait_for(io_, [&] { return written.has_value(); }));
  EXPECT_EQ(written->error(), make_error_code(asio::error::operation_aborted));
  Bytes head(8);
  ASSERT_TRUE(run_coro(io_, read_exact(*in.stream, head)).has_value());  // what got through
  EXPECT_EQ(head, Bytes(8, 7));
}

TEST_F(MemoryTransportTest, AFullBacklogRefusesFurtherDials) {
  auto l = listen();
  for (std::size_t i = 0; i < kBacklog; ++i) {
    ASSERT_TRUE(run_coro(io_, transport_.dial(l->local_addr(), 1s)).has_value()) << i;
  }
  auto r = run_coro(io_, transport_.dial(l->local_addr(), 1s));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(asio::error::connection_refused));
  ASSERT_TRUE(run_coro(io_, l->accept()).has_value());
  EXPECT_TRUE(run_coro(io_, transport_.dial(l->local_addr(), 1s)).has_value());
}

}  // namespace
}  // namespace goop::p2p::memory
