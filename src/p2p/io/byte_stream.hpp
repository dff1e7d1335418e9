#pragma once
// ByteStream: a reliable, ordered, bidirectional byte stream. Implemented by the TCP transport,
// the Noise secure channel, yamux streams and the in-memory test pair; every protocol coroutine
// in p2p/ is written against this interface.
//
// Executor rule: all calls on the stream's executor (the node thread). One reader and one
// writer at a time: a second concurrent read_some (or write) is a programming error.
//
// Cancellation: read_some and write honour per-operation cancellation (terminal and total) and
// then return boost::asio::error::operation_aborted; with_timeout() relies on this. After a
// cancelled write the stream may have sent part of the data: reset it.

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
  //  Errc::kEndOfStream     the remote closed its write side and every byte has been read;
  //  Errc::kStreamReset     the stream was reset (by either side);
  //  Errc::kConnectionClosed the underlying connection is gone;
  //  others                 I/O errors of the transport.
  virtual boost::asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> buf) = 0;

  // Writes all of `data`, suspending while the remote's window or a send buffer is full
  // (backpressure). `data` must stay valid until the write completes. Errors as read_some, and
  // Errc::kClosed-like errors (kEndOfStream) after close_write().
  virtual boost::asio::awaitable<Result<void>> write(BytesView data) = 0;

  // Half-closes: sends end-of-stream after all written data; reads go on until the remote
  // closes too. Idempotent.
  virtual boost::asio::awaitable<Result<void>> close_write() = 0;

  // Aborts both directions at once (TCP: close; yamux: RST). Pending and later operations fail
  // with Errc::kStreamReset or kConnectionClosed. Idempotent; never blocks.
  virtual void reset() = 0;

  virtual boost::asio::any_io_executor get_executor() = 0;
};

}  // namespace goop::p2p
