// The 0-RTT LazySelectStream against the real listener and against hand-written listeners.
#include "p2p/negotiation/lazy_select_stream.hpp"

#include "base/errors.hpp"
#include "p2p/errors.hpp"
#include "p2p/io/framing.hpp"
#include "p2p/negotiation/listener.hpp"
#include "p2p/testing/memory_stream.hpp"
#include "p2p/testing/spawned.hpp"
#include "testing/run_coro.hpp"
#include "testing/wait_for.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace goop::p2p::multistream {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using goop::testing::run_coro;
using goop::testing::wait_for;
using testing::MemoryStream;
using testing::Spawned;
using Strings = std::vector<std::string>;

// Test-only MuxedStream over one end of a MemoryStream pair.
class TestMuxedStream final : public MuxedStream {
 public:
  explicit TestMuxedStream(std::unique_ptr<MemoryStream> s) : s_(std::move(s)) {}
  asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> buf) override {
    return s_->read_some(buf);
  }
  asio::awaitable<Result<void>> write(BytesView data) override { return s_->write(data); }
  asio::awaitable<Result<void>> close_write() override { return s_->close_write(); }
  void reset() override { s_->reset(); }
  asio::any_io_executor get_executor() override { return s_->get_executor(); }
  std::uint32_t id() const noexcept override { return 3; }

 private:
  std::unique_ptr<MemoryStream> s_;
};

asio::awaitable<Result<std::string>> read_text(ByteStream& s, std::size_t n) {
  std::string out(n, '\0');
  auto r = co_await read_exact(s, std::span(reinterpret_cast<std::uint8_t*>(out.data()), n));
  if (!r) co_return r.error();
  co_return out;
}

// Runs the real listener for `supported`, then reads `n` bytes and writes `reply`.
asio::awaitable<Result<std::string>> serve(ByteStream& s, std::string supported, std::size_t n,
                                           std::string reply) {
  Strings list;
  list.push_back(std::move(supported));
  GOOP_CO_TRY(auto p, co_await handle(s, std::move(list)));
  GOOP_CO_TRY(auto got, co_await read_text(s, n));
  GOOP_CO_TRY_VOID(co_await s.write(as_bytes(reply)));
  co_return p + ":" + got;
}

struct MultistreamLazyTest : ::testing::Test {
  asio::io_context io;
  std::unique_ptr<MemoryStream> remote;
  MemoryStream* local_raw = nullptr;
  std::unique_ptr<MuxedStream> lazy;

  void make(std::string protocol, std::chrono::milliseconds timeout = 10000ms) {
    auto [a, b] = MemoryStream::make_pair(io.get_executor());
    local_raw = a.get();
    remote = std::move(b);
    lazy = make_lazy_select(std::make_unique<TestMuxedStream>(std::move(a)), std::move(protocol),
                            timeout);
  }
  // Runs the real listener on `remote` alongside the test (see serve()).
  Spawned<Result<std::string>> start_serving(std::string supported, std::size_t n,
                                             std::string reply) {
    return testing::spawn(io.get_executor(), [this, supported, n, reply] {
      return serve(*remote, supported, n, reply);
    });
  }
};

TEST_F(MultistreamLazyTest, SendsHeaderProposalAndDataInOneWriteBeforeTheEcho) {
  make("/echo/1.0.0");
  EXPECT_EQ(lazy->protocol(), "/echo/1.0.0");
  EXPECT_EQ(lazy->id(), 3u);
  // Nothing answers yet: the write completes without waiting for an echo.
  auto w = run_coro(io, lazy->write(as_bytes("hello")));
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(local_raw->bytes_written(), 20u + 13u + 5u);
  // Exact bytes on the wire.
  auto wire = run_coro(io, read_text(*remote, 38));
  ASSERT_TRUE(wire.has_value());
  EXPECT_EQ(*wire, "\x13/multistream/1.0.0\n\x0c/echo/1.0.0\nhello");
}

TEST_F(MultistreamLazyTest, DataFlowsBothWaysAfterTheEchoIsChecked) {
  make("/echo/1.0.0");
  auto served = start_serving("/echo/1.0.0", 5, "world");
  auto w = run_coro(io, lazy->write(as_bytes("hello")));
  ASSERT_TRUE(w.has_value());
  auto got = run_coro(io, read_text(*lazy, 5));
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(*got, "world");
  ASSERT_TRUE(served.done());
  ASSERT_TRUE(served.get().has_value());
  EXPECT_EQ(*served.get(), "/echo/1.0.0:hello");
  // Later writes go straight through.
  ASSERT_TRUE(run_coro(io, lazy->write(as_bytes("again"))).has_value());
  EXPECT_EQ(*run_coro(io, read_text(*remote, 5)), "again");
}

TEST_F(MultistreamLazyTest, ReadFirstSendsTheProposalAlone) {
  make("/id/1.0.0");
  auto served = start_serving("/id/1.0.0", 0, "identify");
  auto got = run_coro(io, read_text(*lazy, 8));
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(*got, "identify");
  EXPECT_EQ(local_raw->bytes_written(), 20u + 11u);
  ASSERT_TRUE(served.done());
  ASSERT_TRUE(served.get().has_value());
  EXPECT_EQ(*served.get(), "/id/1.0.0:");
}

TEST_F(MultistreamLazyTest, NaSurfacesOnTheFirstRead) {
  make("/echo/1.0.0");
  auto served = start_serving("/other/1.0.0", 0, "");
  ASSERT_TRUE(run_coro(io, lazy->write(as_bytes("hi"))).has_value());
  std::uint8_t buf[4];
  auto r = run_coro(io, lazy->read_some(buf));
  EXPECT_EQ(r.error(), make_error_code(Errc::kNegotiationFailed));
  // Sticky for reads and writes.
  EXPECT_EQ(run_coro(io, lazy->read_some(buf)).error(), make_error_code(Errc::kNegotiationFailed));
  EXPECT_EQ(run_coro(io, lazy->write(as_bytes("x"))).error(),
            make_error_code(Errc::kNegotiationFailed));
  // The listener took "hi" for a (truncated) proposal; resetting ends it.
  lazy->reset();
  ASSERT_TRUE(wait_for(io, [&] { return served.done(); }));
  EXPECT_FALSE(served.get().has_value());
}

TEST_F(MultistreamLazyTest, WrongEchoIsAProtocolViolation) {
  make("/echo/1.0.0");
  auto raw = [](ByteStream& s) -> asio::awaitable<Result<void>> {
    Bytes out;
    append_message(out, kProtocolId);
    append_message(out, "/something/else");
    co_return co_await s.write(out);
  };
  ASSERT_TRUE(run_coro(io, raw(*remote)).has_value());
  std::uint8_t buf[4];
  EXPECT_EQ(run_coro(io, lazy->read_some(buf)).error(), make_error_code(Errc::kProtocolViolation));
}

TEST_F(MultistreamLazyTest, SilentRemoteTimesOutTheFirstRead) {
  make("/echo/1.0.0", 20ms);
  std::uint8_t buf[4];
  EXPECT_EQ(run_coro(io, lazy->read_some(buf)).error(), make_error_code(goop::Errc::kTimeout));
}

TEST_F(MultistreamLazyTest, CloseWriteWaitsForTheEchoThenEndsTheStream) {
  // As go-multistream's lazy client: the FIN goes out only after the listener answered, so a
  // listener still negotiating never sees the end of the stream mixed into the proposal.
  make("/echo/1.0.0");
  auto served = start_serving("/echo/1.0.0", 0, "");
  ASSERT_TRUE(run_coro(io, lazy->close_write()).has_value());
  ASSERT_TRUE(served.done());
  ASSERT_TRUE(served.get().has_value()) << served.get().error().message();
  std::uint8_t buf[1];
  EXPECT_EQ(run_coro(io, remote->read_some(buf)).error(), make_error_code(Errc::kEndOfStream));
}

TEST_F(MultistreamLazyTest, CloseWriteSendsNoEndOfStreamBeforeTheEcho) {
  make("/echo/1.0.0");
  auto closed = testing::spawn(io.get_executor(), [this] { return lazy->close_write(); });
  auto wire = run_coro(io, read_text(*remote, 33));  // header + proposal arrive at once
  ASSERT_TRUE(wire.has_value());
  EXPECT_FALSE(closed.done());  // still waiting for the listener's answer
  // The listener's answer lets it finish.
  Bytes answer;
  append_message(answer, kProtocolId);
  append_message(answer, "/echo/1.0.0");
  ASSERT_TRUE(run_coro(io, remote->write(answer)).has_value());
  ASSERT_TRUE(wait_for(io, [&] { return closed.done(); }));
  EXPECT_TRUE(closed.get().has_value()) << closed.get().error().message();
  std::uint8_t buf[1];
  EXPECT_EQ(run_coro(io, remote->read_some(buf)).error(), make_error_code(Errc::kEndOfStream));
}

TEST_F(MultistreamLazyTest, ReadCancelledWhileCheckingTheEchoReturnsOperationAborted) {
  make("/echo/1.0.0");
  auto buf = std::make_shared<std::array<std::uint8_t, 4>>();
  auto read = testing::spawn(io.get_executor(), [this, buf] { return lazy->read_some(*buf); });
  // The read sends the proposal, then waits for the listener's answer.
  auto wire = run_coro(io, read_text(*remote, 33));
  ASSERT_TRUE(wire.has_value());
  while (io.poll() > 0) {
  }
  ASSERT_FALSE(read.done());
  read.cancel();
  ASSERT_TRUE(wait_for(io, [&] { return read.done(); }));
  ASSERT_TRUE(read.get().has_error());
  EXPECT_EQ(read.get().error(), asio::error::operation_aborted) << read.get().error().message();
  // The negotiation was left half done: the stream fails from now on; reset it.
  std::uint8_t more[4];
  EXPECT_EQ(run_coro(io, lazy->read_some(more)).error(), asio::error::operation_aborted);
  EXPECT_EQ(run_coro(io, lazy->write(as_bytes("x"))).error(), asio::error::operation_aborted);
  lazy->reset();
  EXPECT_EQ(run_coro(io, remote->read_some(more)).error(), make_error_code(Errc::kStreamReset));
}

TEST_F(MultistreamLazyTest, InvalidProtocolNameFailsEveryOperation) {
  make("na");
  EXPECT_EQ(run_coro(io, lazy->write(as_bytes("x"))).error(),
            make_error_code(goop::Errc::kInvalidArgument));
  EXPECT_EQ(local_raw->bytes_written(), 0u);
}

}  // namespace
}  // namespace goop::p2p::multistream
