#pragma once
// An in-memory ByteStream pair for unit tests (the idea of beast::test::stream): what one end
// writes, the other reads. Each direction buffers at most `capacity` bytes, after which write()
// waits (so backpressure is observable). Fault injection: reset() from either end, and
// `break_after(n)`, which resets the pair once n more bytes have been written in total.
// Single executor, like everything in p2p/.

#include "p2p/io/byte_stream.hpp"

#include <cstddef>
#include <memory>
#include <utility>

namespace goop::p2p::testing {

class MemoryStream final : public ByteStream {
 public:
  static std::pair<std::unique_ptr<MemoryStream>, std::unique_ptr<MemoryStream>> make_pair(
      boost::asio::any_io_executor ex, std::size_t capacity = 1 << 20);

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

}  // namespace goop::p2p::testing
