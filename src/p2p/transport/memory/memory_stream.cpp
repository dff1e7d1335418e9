#include "p2p/transport/memory/memory_stream.hpp"

#include "base/async_event.hpp"
#include "p2p/errors.hpp"

#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <cstring>
#include <deque>
#include <limits>
#include <optional>

namespace goop::p2p::memory {
namespace asio = boost::asio;

struct MemoryStream::Shared {
  struct Direction {
    std::deque<std::uint8_t> data;
    bool write_closed = false;
    std::size_t written = 0;
    AsyncEvent readable;
    AsyncEvent writable;
    explicit Direction(asio::any_io_executor ex) : readable(ex), writable(ex) {}
  };
  asio::any_io_executor ex;
  std::size_t capacity;
  Direction dir[2];
  bool reset = false;
  std::size_t break_budget = std::numeric_limits<std::size_t>::max();
  int alive = 2;

  Shared(asio::any_io_executor e, std::size_t cap)
      : ex(e), capacity(cap), dir{Direction(e), Direction(e)} {}

  void do_reset() {
    reset = true;
    for (auto& d : dir) {
      d.readable.notify();
      d.writable.notify();
    }
  }
};

std::pair<std::unique_ptr<MemoryStream>, std::unique_ptr<MemoryStream>> MemoryStream::make_pair(
    asio::any_io_executor ex, std::size_t capacity) {
  auto shared = std::make_shared<Shared>(ex, capacity);
  return {std::unique_ptr<MemoryStream>(new MemoryStream(shared, 0)),
          std::unique_ptr<MemoryStream>(new MemoryStream(shared, 1))};
}

MemoryStream::~MemoryStream() {
  // Dropping one end is like closing a socket: the other end sees the connection go away.
  if (--shared_->alive > 0 && !shared_->reset) shared_->do_reset();
}

asio::awaitable<Result<std::size_t>> MemoryStream::read_some(std::span<std::uint8_t> buf) {
  auto& d = shared_->dir[1 - side_];
  for (;;) {
    if (shared_->reset) co_return make_error_code(Errc::kStreamReset);
    if (!d.data.empty()) {
      const std::size_t n = std::min(buf.size(), d.data.size());
      std::copy_n(d.data.begin(), n, buf.begin());
      d.data.erase(d.data.begin(), d.data.begin() + static_cast<std::ptrdiff_t>(n));
      d.writable.notify();
      co_return n;
    }
    if (d.write_closed) co_return make_error_code(Errc::kEndOfStream);
    if (!co_await d.readable.wait()) co_return make_error_code(asio::error::operation_aborted);
  }
}

asio::awaitable<Result<void>> MemoryStream::write(BytesView data) {
  auto& d = shared_->dir[side_];
  while (!data.empty()) {
    if (shared_->reset) co_return make_error_code(Errc::kStreamReset);
    if (d.write_closed) co_return make_error_code(Errc::kEndOfStream);
    const std::size_t room =
        shared_->capacity > d.data.size() ? shared_->capacity - d.data.size() : 0;
    if (room == 0) {
      if (!co_await d.writable.wait()) co_return make_error_code(asio::error::operation_aborted);
      continue;
    }
    std::size_t n = std::min(room, data.size());
    if (shared_->break_budget <= n) {
      d.data.insert(d.data.end(), data.begin(),
                    data.begin() + static_cast<std::ptrdiff_t>(shared_->break_budget));
      shared_->do_reset();
      co_return make_error_code(Errc::kStreamReset);
    }
    if (shared_->break_budget != std::numeric_limits<std::size_t>::max())
      shared_->break_budget -= n;
    d.data.insert(d.data.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
    d.written += n;
    data = data.subspan(n);
    d.readable.notify();
  }
  co_return Result<void>{};
}

asio::awaitable<Result<void>> MemoryStream::close_write() {
  auto& d = shared_->dir[side_];
  if (shared_->reset) co_return make_error_code(Errc::kStreamReset);
  d.write_closed = true;
  d.readable.notify();
  co_return Result<void>{};
}

void MemoryStream::reset() {
  if (!shared_->reset) shared_->do_reset();
}

asio::any_io_executor MemoryStream::get_executor() { return shared_->ex; }

void MemoryStream::break_after(std::size_t n) { shared_->break_budget = n; }

std::size_t MemoryStream::bytes_written() const { return shared_->dir[side_].written; }

}  // namespace goop::p2p::memory
