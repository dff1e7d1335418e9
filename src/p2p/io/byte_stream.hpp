#pragma once
// ByteStream: a reliable, ordered, bidirectional byte stream. Implemented by the TCP transport,
// the Noise secure channel, yamux streams, the lazy multistream-select wrapper and the
// in-memory test pair; every protocol coroutine in p2p/ is written against this interface.
// Each implementation passes the conformance suite in p2p/testing/byte_stream_conformance.hpp,
// which checks the contract below.
//
// Executor rule: all calls on the stream's executor (the node thread). One reader and one
// writer at a time (they may run concurrently): a second concurrent read_some (or write) is a
// programming error.
//
// Cancellation: read_some and write honour per-operation cancellation (terminal; read_some
// also total) and then return boost::asio::error::operation_aborted; with_timeout() relies on
// this. A cancelled read_some consumes nothing: the stream stays usable (LazySelectStream:
// except while it checks the negotiation, see there). After a cancelled write the stream may
// have sent part of the data: reset it.

#include "base/bytes.hpp"
#include "base/result.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace goop::p2p {

class ByteStream {
 public:
  virtual ~ByteStream() = default;

  // Reads between 1 and buf.size() bytes (buf must not be empty). Errors:
  //  Errc::kEndOfStream     the remote closed its write side and every byte has been read
  //                         (later reads return it again);
  //  Errc::kStreamReset     the stream was reset (by either side);
  //  Errc::kConnectionClosed the underlying connection is gone;
  //  others                 I/O errors of the transport.
  virtual boost::asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> buf) = 0;

  // Writes all of `data`, suspending while the remote's window or a send buffer is full
  // (backpressure). `data` must stay valid until the write completes. An empty write completes
  // at once and sends nothing. Errors as read_some, and Errc::kEndOfStream after close_write().
  virtual boost::asio::awaitable<Result<void>> write(BytesView data) = 0;

  // Half-closes: sends end-of-stream after all written data; reads go on until the remote
  // closes too. Idempotent. Errors: kStreamReset or kConnectionClosed after a reset.
  virtual boost::asio::awaitable<Result<void>> close_write() = 0;

  // Aborts both directions at once (TCP: close with RST; yamux: RST), also after close_write().
  // Pending and later operations on both ends fail with Errc::kStreamReset or
  // kConnectionClosed (the remote's reads may first return bytes that arrived before the
  // reset). Idempotent; never blocks.
  virtual void reset() = 0;

  virtual boost::asio::any_io_executor get_executor() = 0;
};

}  // namespace goop::p2p
