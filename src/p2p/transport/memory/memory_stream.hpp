#pragma once
// MemoryStream: an in-process ByteStream pair (the idea of beast::test::stream): what one end
// writes, the other reads. The memory transport's connections are such pairs, and unit tests use
// them directly for protocol logic without sockets.
//
// Semantics (those of a TCP connection, see byte_stream.hpp):
//  * Each direction buffers at most `capacity` bytes; write() then waits until the reader
//    makes room (backpressure).
//  * close_write() half-closes: the other end reads the buffered bytes, then Errc::kEndOfStream;
//    writing after it is Errc::kEndOfStream. Reading on goes on.
//  * reset() from either end, or destroying either end, resets the pair: pending and later
//    operations on both ends fail with Errc::kStreamReset (buffered bytes are dropped).
//  * read_some and write honour per-operation cancellation and then return operation_aborted
//    (a cancelled write may have delivered part of its data).
//  * Fault injection for tests: break_after(n) resets the pair once n more bytes have been
//    written by either end (the first n are delivered).
//
// Executor rule: both ends live on the executor given to make_pair; every call is made there.

#include "p2p/io/byte_stream.hpp"

#include <cstddef>
#include <memory>
#include <utility>

namespace goop::p2p::memory {

inline constexpr std::size_t kDefaultStreamCapacity = 1 << 20;

class MemoryStream final : public ByteStream {
 public:
  static std::pair<std::unique_ptr<MemoryStream>, std::unique_ptr<MemoryStream>> make_pair(
      boost::asio::any_io_executor ex, std::size_t capacity = kDefaultStreamCapacity);

  ~MemoryStream() override;

  boost::asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> buf) override;
  boost::asio::awaitable<Result<void>> write(BytesView data) override;
  boost::asio::awaitable<Result<void>> close_write() override;
  void reset() override;
  boost::asio::any_io_executor get_executor() override;

  // Resets the pair after `n` further bytes have been written by either end.
  void break_after(std::size_t n);
  // Bytes written by this end so far.
  std::size_t bytes_written() const;

  struct Shared;

 private:
  MemoryStream(std::shared_ptr<Shared> shared, int side)
      : shared_(std::move(shared)), side_(side) {}
  std::shared_ptr<Shared> shared_;
  int side_;  // 0 or 1: this end writes into direction side_, reads from 1 - side_
};

}  // namespace goop::p2p::memory
