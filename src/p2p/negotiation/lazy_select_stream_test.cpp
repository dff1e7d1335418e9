// The 0-RTT LazySelectStream against the real listener and against hand-written listeners.
#include "p2p/negotiation/lazy_select_stream.hpp"

#include "base/errors.hpp"
#include "p2p/errors.hpp"
#include "p2p/io/framing.hpp"
#include "p2p/negotiation/listener.hpp"
#include "p2p/testing/memory_stream.hpp"
#include "testing/run_coro.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
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
  // Spawns `task` on the io_context; its result lands in `out`.
  template <class T>
  void spawn(asio::awaitable<T> task, std::optional<T>& out) {
    asio::co_spawn(io, std::move(task),
                   [&out](std::exception_ptr, T v) { out.emplace(std::move(v)); });
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
  std::optional<Result<std::string>> served;
  spawn(serve(*remote, "/echo/1.0.0", 5, "world"), served);
  auto w = run_coro(io, lazy->write(as_bytes("hello")));
  ASSERT_TRUE(w.has_value());
  auto got = run_coro(io, read_text(*lazy, 5));
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(*got, "world");
  ASSERT_TRUE(served.has_value());
  ASSERT_TRUE(served->has_value());
  EXPECT_EQ(**served, "/echo/1.0.0:hello");
  // Later writes go straight through.
  ASSERT_TRUE(run_coro(io, lazy->write(as_bytes("again"))).has_value());
  EXPECT_EQ(*run_coro(io, read_text(*remote, 5)), "again");
}

TEST_F(MultistreamLazyTest, ReadFirstSendsTheProposalAlone) {
  make("/id/1.0.0");
  std::optional<Result<std::string>> served;
  spawn(serve(*remote, "/id/1.0.0", 0, "identify"), served);
  auto got = run_coro(io, read_text(*lazy, 8));
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(*got, "identify");
  EXPECT_EQ(local_raw->bytes_written(), 20u + 11u);
  ASSERT_TRUE(served.has_value());
  EXPECT_EQ(**served, "/id/1.0.0:");
}

TEST_F(MultistreamLazyTest, NaSurfacesOnTheFirstRead) {
  make("/echo/1.0.0");
  std::optional<Result<std::string>> served;
  spawn(serve(*remote, "/other/1.0.0", 0, ""), served);
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
  run_coro(io, [](std::optional<Result<std::string>>& s) -> asio::awaitable<void> {
    while (!s) co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  }(served));
  EXPECT_FALSE(served->has_value());
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
  std::optional<Result<std::string>> served;
  spawn(serve(*remote, "/echo/1.0.0", 0, ""), served);
  ASSERT_TRUE(run_coro(io, lazy->close_write()).has_value());
  ASSERT_TRUE(served.has_value());
  ASSERT_TRUE(served->has_value()) << (*served).error().message();
  std::uint8_t buf[1];
  EXPECT_EQ(run_coro(io, remote->read_some(buf)).error(), make_error_code(Errc::kEndOfStream));
}

TEST_F(MultistreamLazyTest, CloseWriteSendsNoEndOfStreamBeforeTheEcho) {
  make("/echo/1.0.0");
  bool closed = false;
  asio::co_spawn(io, lazy->close_write(), [&](std::exception_ptr, Result<void>) { closed = true; });
  auto wire = run_coro(io, read_text(*remote, 33));  // header + proposal arrive at once
  ASSERT_TRUE(wire.has_value());
  EXPECT_FALSE(closed);  // still waiting for the listener's answer
}

TEST_F(MultistreamLazyTest, InvalidProtocolNameFailsEveryOperation) {
  make("na");
  EXPECT_EQ(run_coro(io, lazy->write(as_bytes("x"))).error(),
            make_error_code(goop::Errc::kInvalidArgument));
  EXPECT_EQ(local_raw->bytes_written(), 0u);
}

}  // namespace
}  // namespace goop::p2p::multistream
