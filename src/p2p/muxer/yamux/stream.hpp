#pragma once
// yamux::Stream: one stream of a yamux Session; semantics as in p2p/muxer/muxed_stream.hpp.
//
// Executor rule: the session's executor. One reader and one writer at a time.
//
// Flow control (yamux spec: Flow Control): write() never sends more than the remote's window
// for this stream and waits for its WindowUpdate (backpressure). Bytes the remote sends are
// buffered up to the window we granted; we grant more (WindowUpdate) once the reader has
// consumed about half of it, so a slow reader caps the memory used.
//
// write() returns once every byte has been handed to the session's writer (copied into its
// batch buffer); it does not wait for the remote's ACK. Cancellation of read_some/write (and
// their window waits) is per operation and returns operation_aborted; after a cancelled write
// only reset() is meaningful.

#include "p2p/muxer/muxed_stream.hpp"

#include <cstdint>
#include <memory>

namespace goop::p2p::yamux {

namespace detail {
struct SessionCore;
struct StreamState;
}  // namespace detail

class Stream final : public MuxedStream {
 public:
  Stream(std::shared_ptr<detail::SessionCore> core, std::shared_ptr<detail::StreamState> st);
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  // Resets the stream unless both directions are closed.
  ~Stream() override;

  std::uint32_t id() const noexcept override;
  boost::asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> buf) override;
  boost::asio::awaitable<Result<void>> write(BytesView data) override;
  // Queues a FIN after the written data. Idempotent. Errors: kStreamReset, kConnectionClosed.
  boost::asio::awaitable<Result<void>> close_write() override;
  // Queues a RST (unless the stream is already closed) and fails pending operations.
  void reset() override;
  boost::asio::any_io_executor get_executor() override;

 private:
  std::shared_ptr<detail::SessionCore> core_;
  std::shared_ptr<detail::StreamState> st_;
};

}  // namespace goop::p2p::yamux
