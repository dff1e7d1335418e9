#pragma once
// ByteStreamConformance<F>: the behaviour every ByteStream promises (p2p/io/byte_stream.hpp),
// as GoogleTest typed tests that each implementation instantiates with a factory for a
// connected pair, like go-libp2p's p2p/muxer/testsuite and rust-libp2p's muxers/test-harness.
//
// Adding an implementation takes a factory type and one line, in a *_test.cpp next to it:
//
//   struct MyPair {
//     static boost::asio::awaitable<p2p::testing::StreamPair> make(boost::asio::io_context& io);
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(My, ByteStreamConformance, MyPair);
//
// make() runs on `io` and returns two connected ends: what `a` writes `b` reads, and back. Every
// case waits on events with a deadline (goop::testing::wait_for); none sleeps. A case that
// needs an operation to be blocked (a pending read, a write held back by backpressure) runs
// the io_context until no handler is ready before it acts.

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/timeout.hpp"
#include "p2p/errors.hpp"
#include "p2p/io/byte_stream.hpp"
#include "p2p/io/framing.hpp"
#include "p2p/testing/spawned.hpp"
#include "testing/run_coro.hpp"
#include "testing/wait_for.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace goop::p2p::testing {

struct StreamPair {
  std::unique_ptr<ByteStream> a;
  std::unique_ptr<ByteStream> b;
  // Stops what carries the streams (a muxer session pair, ...) once both ends are destroyed;
  // may be empty.
  std::function<boost::asio::awaitable<void>()> stop;
};

namespace conformance {

inline constexpr std::size_t kLarge = 4 << 20;  // round trip, each way
// More than any implementation buffers without a reader (TCP on loopback takes a few MiB into
// its socket buffers; the others at most a window or a megabyte), so a write of this size
// with nobody reading is held back by backpressure.
inline constexpr std::size_t kBlocking = 48 << 20;

inline Bytes pattern(std::size_t n, std::uint32_t seed) {
  Bytes b(n);
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& c : b) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<std::uint8_t>(x);
  }
  return b;
}

inline bool is_reset(const error_code& ec) {
  return ec == make_error_code(Errc::kStreamReset) ||
         ec == make_error_code(Errc::kConnectionClosed);
}

// Writes `data` in pieces of varying size, then half-closes.
inline boost::asio::awaitable<Result<void>> write_and_close(ByteStream& s, Bytes data) {
  const std::size_t sizes[] = {1, 1000, 65536, 1 << 20, 7, 300000};
  std::size_t off = 0;
  for (std::size_t i = 0; off < data.size(); ++i) {
    const std::size_t n = std::min(sizes[i % std::size(sizes)], data.size() - off);
    GOOP_CO_TRY_VOID(co_await s.write(BytesView(data).subspan(off, n)));
    off += n;
  }
  co_return co_await s.close_write();
}

// Reads until the end of the stream with a buffer of `chunk` bytes; the bytes, or the error
// that ended the reading.
inline boost::asio::awaitable<Result<Bytes>> read_to_end(ByteStream& s, std::size_t chunk = 65536) {
  Bytes out;
  Bytes buf(chunk);
  for (;;) {
    auto n = co_await s.read_some(buf);
    if (!n) {
      if (n.error() == make_error_code(Errc::kEndOfStream)) co_return out;
      co_return n.error();
    }
    if (*n == 0 || *n > buf.size()) co_return make_error_code(Errc::kProtocolViolation);
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
  }
}

// Reads until an error; what it read and the error (the end of the stream included).
struct Drained {
  std::size_t bytes = 0;
  error_code error;
};
inline boost::asio::awaitable<Drained> drain(ByteStream& s) {
  Drained d;
  Bytes buf(65536);
  for (;;) {
    auto n = co_await s.read_some(buf);
    if (!n) {
      d.error = n.error();
      co_return d;
    }
    d.bytes += *n;
  }
}

}  // namespace conformance

template <class F>
class ByteStreamConformance : public ::testing::Test {
 protected:
  using Clock = std::chrono::steady_clock;

  void SetUp() override {
    pair_ = goop::testing::run_coro(io_, F::make(io_));
    ASSERT_NE(pair_.a, nullptr);
    ASSERT_NE(pair_.b, nullptr);
  }

  void TearDown() override {
    // Whatever a case left running ends once both ends are reset: a hang here is a failure.
    if (pair_.a) pair_.a->reset();
    if (pair_.b) pair_.b->reset();
    EXPECT_TRUE(goop::testing::wait_for(io_, [this] { return all_done(); }))
        << "an operation did not end after both ends were reset";
    pair_.a.reset();
    pair_.b.reset();
    if (pair_.stop) goop::testing::run_coro(io_, pair_.stop());
    settle();
  }

  ByteStream& a() { return *pair_.a; }
  ByteStream& b() { return *pair_.b; }
  ByteStream& end(bool first) { return first ? a() : b(); }

  // Operations started alongside each other; each owns its buffer.
  Spawned<Result<std::size_t>> start_read(ByteStream& s, std::size_t size, bool total = false) {
    auto buf = std::make_shared<Bytes>(size);
    auto fn = [&s, buf]() { return s.read_some(*buf); };
    return track(total ? spawn_with_total_cancellation(io_.get_executor(), std::move(fn))
                       : spawn(io_.get_executor(), std::move(fn)));
  }
  Spawned<Result<void>> start_write(ByteStream& s, Bytes data) {
    auto d = std::make_shared<Bytes>(std::move(data));
    return track(spawn(io_.get_executor(), [&s, d]() { return s.write(*d); }));
  }
  Spawned<Result<void>> start_write_and_close(ByteStream& s, Bytes data) {
    return track(spawn(io_.get_executor(), [&s, data = std::move(data)]() {
      return conformance::write_and_close(s, data);
    }));
  }
  Spawned<Result<Bytes>> start_read_to_end(ByteStream& s, std::size_t chunk = 65536) {
    return track(
        spawn(io_.get_executor(), [&s, chunk]() { return conformance::read_to_end(s, chunk); }));
  }

  template <class T>
  Spawned<T> track(Spawned<T> op) {
    started_.push_back([op]() { return op.done(); });
    return op;
  }
  bool all_done() const {
    for (const auto& d : started_) {
      if (!d()) return false;
    }
    return true;
  }
  template <class T>
  bool finishes(const Spawned<T>& op, Clock::duration timeout = goop::testing::kDefaultWait) {
    return goop::testing::wait_for(
        io_, [&op] { return op.done(); }, timeout);
  }
  template <class T>
  T run(boost::asio::awaitable<T> task) {
    return goop::testing::run_coro(io_, std::move(task), std::chrono::seconds(60));
  }

  // Runs every ready handler until none is left: pending operations are then suspended in
  // their waits (for data, for window, for socket buffer space).
  void settle() {
    for (;;) {
      if (io_.stopped()) io_.restart();
      if (io_.poll() == 0) break;
    }
  }

  // Reads exactly `n` bytes from `s` as text.
  std::string read_text(ByteStream& s, std::size_t n) {
    Bytes buf(n);
    auto r = run(read_exact(s, buf));
    EXPECT_TRUE(r.has_value()) << r.error().message();
    return std::string(buf.begin(), buf.end());
  }
  void expect_read_error(ByteStream& s, const error_code& want) {
    std::uint8_t buf[16];
    auto r = run(s.read_some(buf));
    ASSERT_TRUE(r.has_error()) << "read " << r.value() << " bytes";
    EXPECT_EQ(r.error(), want) << r.error().message();
  }

  // After a reset: reading (once any bytes sent before it are drained), writing and
  // half-closing fail with kStreamReset or kConnectionClosed, at once, on `s`.
  void expect_broken(ByteStream& s, const char* which) {
    auto d = run(conformance::drain(s));
    EXPECT_TRUE(conformance::is_reset(d.error)) << which << " read: " << d.error.message();
    auto again = run(conformance::drain(s));
    EXPECT_EQ(again.bytes, 0u) << which;
    EXPECT_TRUE(conformance::is_reset(again.error)) << which << " read: " << again.error.message();
    auto w = run(s.write(as_bytes("late")));
    ASSERT_TRUE(w.has_error()) << which << " write after reset succeeded";
    EXPECT_TRUE(conformance::is_reset(w.error())) << which << " write: " << w.error().message();
    auto c = run(s.close_write());
    ASSERT_TRUE(c.has_error()) << which << " close_write after reset succeeded";
    EXPECT_TRUE(conformance::is_reset(c.error()))
        << which << " close_write: " << c.error().message();
  }

  void reset_fails_pending_reads(bool a_resets) {
    auto ra = start_read(a(), 16);
    auto rb = start_read(b(), 16);
    settle();
    ASSERT_FALSE(ra.done() || rb.done()) << "a read completed with nothing sent";
    end(a_resets).reset();
    ASSERT_TRUE(finishes(ra));
    ASSERT_TRUE(finishes(rb));
    ASSERT_TRUE(ra.get().has_error());
    ASSERT_TRUE(rb.get().has_error());
    EXPECT_TRUE(conformance::is_reset(ra.get().error())) << ra.get().error().message();
    EXPECT_TRUE(conformance::is_reset(rb.get().error())) << rb.get().error().message();
    end(a_resets).reset();  // idempotent
    expect_broken(a(), "a");
    expect_broken(b(), "b");
  }

  void reset_fails_blocked_writes(bool a_resets) {
    auto wa = start_write(a(), Bytes(conformance::kBlocking, 1));
    auto wb = start_write(b(), Bytes(conformance::kBlocking, 2));
    settle();
    ASSERT_FALSE(wa.done() || wb.done())
        << "a write of " << conformance::kBlocking << " bytes completed with nobody reading";
    end(a_resets).reset();
    ASSERT_TRUE(finishes(wa));
    ASSERT_TRUE(finishes(wb));
    ASSERT_TRUE(wa.get().has_error());
    ASSERT_TRUE(wb.get().has_error());
    EXPECT_TRUE(conformance::is_reset(wa.get().error())) << wa.get().error().message();
    EXPECT_TRUE(conformance::is_reset(wb.get().error())) << wb.get().error().message();
    expect_broken(a(), "a");
    expect_broken(b(), "b");
  }

  // A round trip b -> a and a -> b: the stream works.
  void expect_usable() {
    EXPECT_TRUE(run(b().write(as_bytes("ping"))).has_value());
    EXPECT_EQ(read_text(a(), 4), "ping");
    EXPECT_TRUE(run(a().write(as_bytes("pong"))).has_value());
    EXPECT_EQ(read_text(b(), 4), "pong");
  }

  boost::asio::io_context io_;
  StreamPair pair_;
  std::vector<std::function<bool()>> started_;
};

TYPED_TEST_SUITE_P(ByteStreamConformance);

TYPED_TEST_P(ByteStreamConformance, SmallMessagesBothWays) {
  EXPECT_TRUE(this->run(this->a().write(as_bytes("hello"))).has_value());
  EXPECT_TRUE(this->run(this->b().write(as_bytes("world!"))).has_value());
  EXPECT_EQ(this->read_text(this->b(), 5), "hello");
  EXPECT_EQ(this->read_text(this->a(), 6), "world!");
  // A read returns at least one byte and at most the buffer's size.
  EXPECT_TRUE(this->run(this->a().write(as_bytes("xyz"))).has_value());
  std::string got;
  while (got.size() < 3) {
    std::uint8_t one[1];
    auto n = this->run(this->b().read_some(one));
    ASSERT_TRUE(n.has_value()) << n.error().message();
    ASSERT_EQ(*n, 1u);
    got.push_back(static_cast<char>(one[0]));
  }
  EXPECT_EQ(got, "xyz");
}

TYPED_TEST_P(ByteStreamConformance, LargeDataBothWaysAtOnce) {
  const Bytes to_b = conformance::pattern(conformance::kLarge, 1);
  const Bytes to_a = conformance::pattern(conformance::kLarge + 12345, 2);
  auto wa = this->start_write_and_close(this->a(), to_b);
  auto wb = this->start_write_and_close(this->b(), to_a);
  auto ra = this->start_read_to_end(this->a(), 100000);
  auto rb = this->start_read_to_end(this->b(), 4096);
  for (auto* op : {&ra, &rb}) ASSERT_TRUE(this->finishes(*op, std::chrono::seconds(60)));
  ASSERT_TRUE(this->finishes(wa));
  ASSERT_TRUE(this->finishes(wb));
  EXPECT_TRUE(wa.get().has_value()) << wa.get().error().message();
  EXPECT_TRUE(wb.get().has_value()) << wb.get().error().message();
  ASSERT_TRUE(ra.get().has_value()) << ra.get().error().message();
  ASSERT_TRUE(rb.get().has_value()) << rb.get().error().message();
  EXPECT_EQ(rb.get()->size(), to_b.size());
  EXPECT_TRUE(*rb.get() == to_b) << "a -> b arrived altered";
  EXPECT_EQ(ra.get()->size(), to_a.size());
  EXPECT_TRUE(*ra.get() == to_a) << "b -> a arrived altered";
}

TYPED_TEST_P(ByteStreamConformance, EndOfStreamAfterBufferedDataIsRead) {
  EXPECT_TRUE(this->run(this->a().write(as_bytes("abc"))).has_value());
  EXPECT_TRUE(this->run(this->a().close_write()).has_value());
  this->settle();  // the data and the end of the stream arrive before anyone reads
  auto got = this->run(conformance::read_to_end(this->b(), 2));
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(as_chars(*got), "abc");
  // The end of the stream stays.
  this->expect_read_error(this->b(), make_error_code(Errc::kEndOfStream));
  // Writing after close_write fails with kEndOfStream.
  auto w = this->run(this->a().write(as_bytes("more")));
  ASSERT_TRUE(w.has_error());
  EXPECT_EQ(w.error(), make_error_code(Errc::kEndOfStream)) << w.error().message();
}

TYPED_TEST_P(ByteStreamConformance, PendingReadEndsWithEndOfStream) {
  auto rb = this->start_read(this->b(), 16);
  this->settle();
  ASSERT_FALSE(rb.done());
  EXPECT_TRUE(this->run(this->a().close_write()).has_value());
  ASSERT_TRUE(this->finishes(rb));
  ASSERT_TRUE(rb.get().has_error());
  EXPECT_EQ(rb.get().error(), make_error_code(Errc::kEndOfStream)) << rb.get().error().message();
}

TYPED_TEST_P(ByteStreamConformance, HalfCloseLeavesTheOtherDirectionOpen) {
  EXPECT_TRUE(this->run(this->a().write(as_bytes("ping"))).has_value());
  EXPECT_TRUE(this->run(this->a().close_write()).has_value());
  auto got = this->run(conformance::read_to_end(this->b()));
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(as_chars(*got), "ping");
  // b can still write, a can still read.
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(this->run(this->b().write(as_bytes("pong"))).has_value());
    EXPECT_EQ(this->read_text(this->a(), 4), "pong");
  }
  EXPECT_TRUE(this->run(this->b().close_write()).has_value());
  this->expect_read_error(this->a(), make_error_code(Errc::kEndOfStream));
}

TYPED_TEST_P(ByteStreamConformance, CloseWriteIsIdempotent) {
  EXPECT_TRUE(this->run(this->a().write(as_bytes("x"))).has_value());
  EXPECT_TRUE(this->run(this->a().close_write()).has_value());
  EXPECT_TRUE(this->run(this->a().close_write()).has_value());
  auto got = this->run(conformance::read_to_end(this->b()));
  ASSERT_TRUE(got.has_value()) << got.error().message();
  EXPECT_EQ(as_chars(*got), "x");
  EXPECT_TRUE(this->run(this->b().close_write()).has_value());
  EXPECT_TRUE(this->run(this->b().close_write()).has_value());
  this->expect_read_error(this->a(), make_error_code(Errc::kEndOfStream));
  EXPECT_TRUE(this->run(this->a().close_write()).has_value());
}

TYPED_TEST_P(ByteStreamConformance, EmptyWriteSendsNothing) {
  EXPECT_TRUE(this->run(this->a().write(BytesView())).has_value());
  auto rb = this->start_read(this->b(), 16);
  this->settle();
  EXPECT_FALSE(rb.done()) << "an empty write was seen by the reader";
  EXPECT_TRUE(this->run(this->a().write(as_bytes("x"))).has_value());
  ASSERT_TRUE(this->finishes(rb));
  ASSERT_TRUE(rb.get().has_value()) << rb.get().error().message();
  EXPECT_EQ(*rb.get(), 1u);
}

TYPED_TEST_P(ByteStreamConformance, ResetByAFailsPendingReadsOnBothEnds) {
  this->reset_fails_pending_reads(true);
}

TYPED_TEST_P(ByteStreamConformance, ResetByBFailsPendingReadsOnBothEnds) {
  this->reset_fails_pending_reads(false);
}

TYPED_TEST_P(ByteStreamConformance, ResetByAFailsBlockedWritesOnBothEnds) {
  this->reset_fails_blocked_writes(true);
}

TYPED_TEST_P(ByteStreamConformance, ResetByBFailsBlockedWritesOnBothEnds) {
  this->reset_fails_blocked_writes(false);
}

TYPED_TEST_P(ByteStreamConformance, ResetAfterCloseWriteStillResets) {
  EXPECT_TRUE(this->run(this->a().close_write()).has_value());
  auto rb = this->start_read(this->b(), 16);
  auto ra = this->start_read(this->a(), 16);
  ASSERT_TRUE(this->finishes(rb));
  EXPECT_EQ(rb.get().error(), make_error_code(Errc::kEndOfStream));
  this->settle();
  ASSERT_FALSE(ra.done());
  this->a().reset();
  ASSERT_TRUE(this->finishes(ra));
  ASSERT_TRUE(ra.get().has_error());
  EXPECT_TRUE(conformance::is_reset(ra.get().error())) << ra.get().error().message();
  this->settle();  // the reset reaches b
  auto w = this->run(this->b().write(as_bytes("late")));
  ASSERT_TRUE(w.has_error()) << "b wrote after a reset the stream";
  EXPECT_TRUE(conformance::is_reset(w.error())) << w.error().message();
  auto c = this->run(this->b().close_write());
  ASSERT_TRUE(c.has_error()) << "b half-closed after a reset the stream";
  EXPECT_TRUE(conformance::is_reset(c.error())) << c.error().message();
}

TYPED_TEST_P(ByteStreamConformance, CancelledReadReturnsOperationAbortedAndLosesNothing) {
  for (auto type :
       {boost::asio::cancellation_type::terminal, boost::asio::cancellation_type::total}) {
    auto ra = this->start_read(this->a(), 16, type == boost::asio::cancellation_type::total);
    this->settle();
    ASSERT_FALSE(ra.done());
    ra.cancel(type);
    ASSERT_TRUE(this->finishes(ra));
    ASSERT_TRUE(ra.get().has_error());
    EXPECT_EQ(ra.get().error(), boost::asio::error::operation_aborted)
        << ra.get().error().message();
    this->expect_usable();
  }
}

TYPED_TEST_P(ByteStreamConformance, ReadWithTimeoutGivesUpAndTheStreamGoesOn) {
  auto r = this->run([](ByteStream& s) -> boost::asio::awaitable<Result<std::size_t>> {
    std::uint8_t buf[8];
    co_return co_await with_timeout(s.read_some(buf), std::chrono::milliseconds(20));
  }(this->a()));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(goop::Errc::kTimeout));
  this->expect_usable();
}

TYPED_TEST_P(ByteStreamConformance, CancelledBlockedWriteReturnsOperationAbortedThenResets) {
  auto wa = this->start_write(this->a(), Bytes(conformance::kBlocking, 3));
  this->settle();
  ASSERT_FALSE(wa.done()) << "a write of " << conformance::kBlocking
                          << " bytes completed with nobody reading";
  wa.cancel();
  ASSERT_TRUE(this->finishes(wa));
  ASSERT_TRUE(wa.get().has_error());
  EXPECT_EQ(wa.get().error(), boost::asio::error::operation_aborted) << wa.get().error().message();
  // Part of the data may have gone out: reset is what is left, and it works.
  this->a().reset();
  this->expect_broken(this->b(), "b");
  this->expect_broken(this->a(), "a");
}

REGISTER_TYPED_TEST_SUITE_P(ByteStreamConformance, SmallMessagesBothWays, LargeDataBothWaysAtOnce,
                            EndOfStreamAfterBufferedDataIsRead, PendingReadEndsWithEndOfStream,
                            HalfCloseLeavesTheOtherDirectionOpen, CloseWriteIsIdempotent,
                            EmptyWriteSendsNothing, ResetByAFailsPendingReadsOnBothEnds,
                            ResetByBFailsPendingReadsOnBothEnds,
                            ResetByAFailsBlockedWritesOnBothEnds,
                            ResetByBFailsBlockedWritesOnBothEnds, ResetAfterCloseWriteStillResets,
                            CancelledReadReturnsOperationAbortedAndLosesNothing,
                            ReadWithTimeoutGivesUpAndTheStreamGoesOn,
                            CancelledBlockedWriteReturnsOperationAbortedThenResets);

}  // namespace goop::p2p::testing
