#include "p2p/transport/memory/memory_transport.hpp"

#include "base/async_event.hpp"
#include "p2p/errors.hpp"
#include "p2p/multiformats/varint.hpp"

#include <boost/asio/error.hpp>
#include <fmt/core.h>

#include <deque>

namespace goop::p2p::memory {
namespace asio = boost::asio;

namespace {

std::optional<std::uint64_t> number_of(const MultiaddrComponent& c) {
  if (c.code != ma::kMemory || c.value.size() != 8) return std::nullopt;
  std::uint64_t n = 0;
  for (std::uint8_t b : c.value) n = (n << 8) | b;
  return n;
}

}  // namespace

Multiaddr memory_addr(std::uint64_t n) {
  Bytes b;
  append_uvarint(b, ma::kMemory);
  for (int shift = 56; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(n >> shift));
  return Multiaddr::from_bytes(b).value();  // always valid: 8 bytes is the value's size
}

std::uint64_t MemoryNetwork::next_free_number() {
  while (next_number_ == 0 || listeners_.contains(next_number_)) ++next_number_;
  return next_number_++;
}

// Invariants:
//  1. While open, the network maps number_ to this listener; close() removes the entry.
//  2. queue_ holds at most kBacklog connections; after close() it is empty.
class MemoryListener final : public Listener {
 public:
  MemoryListener(asio::any_io_executor ex, MemoryNetwork& net, std::uint64_t number)
      : net_(net), number_(number), addr_(memory_addr(number)), arrived_(std::move(ex)) {
    net_.listeners_.emplace(number_, this);
  }
  ~MemoryListener() override { close(); }

  asio::awaitable<Result<RawConnection>> accept() override {
    for (;;) {
      if (closed_) co_return make_error_code(asio::error::operation_aborted);
      if (!queue_.empty()) {
        RawConnection c = std::move(queue_.front());
        queue_.pop_front();
        co_return std::move(c);
      }
      if (!co_await arrived_.wait()) co_return make_error_code(asio::error::operation_aborted);
    }
  }

  const Multiaddr& local_addr() const noexcept override { return addr_; }

  void close() override {
    if (closed_) return;
    closed_ = true;
    net_.listeners_.erase(number_);
    queue_.clear();  // the dialers' ends see their connections reset
    arrived_.notify();
  }

  // Queues an inbound connection; false if the backlog is full.
  bool offer(RawConnection c) {
    if (closed_ || queue_.size() >= kBacklog) return false;
    queue_.push_back(std::move(c));
    arrived_.notify();
    return true;
  }

 private:
  MemoryNetwork& net_;
  std::uint64_t number_;
  Multiaddr addr_;
  AsyncEvent arrived_;
  std::deque<RawConnection> queue_;
  bool closed_ = false;
};

bool MemoryTransport::can_dial(const Multiaddr& addr) const {
  const auto& c = addr.components();
  if (c.empty() || c.size() > 2) return false;
  const auto n = number_of(c[0]);
  return n && *n != 0 && (c.size() == 1 || c[1].code == ma::kP2p);
}

bool MemoryTransport::can_listen(const Multiaddr& addr) const {
  const auto& c = addr.components();
  return c.size() == 1 && number_of(c[0]).has_value();
}

asio::awaitable<Result<RawConnection>> MemoryTransport::dial(
    Multiaddr addr, std::chrono::steady_clock::duration timeout) {
  (void)timeout;
  if (!can_dial(addr)) co_return make_error_code(Errc::kInvalidEncoding);
  const std::uint64_t to = *number_of(addr.components()[0]);
  auto it = network_.listeners_.find(to);
  if (it == network_.listeners_.end()) co_return make_error_code(asio::error::connection_refused);
  auto [ours, theirs] = MemoryStream::make_pair(ex_, network_.stream_capacity_);
  const Multiaddr local = memory_addr(network_.next_free_number());
  const Multiaddr remote = memory_addr(to);
  RawConnection inbound{std::move(theirs), remote, local};
  if (!it->second->offer(std::move(inbound))) {
    co_return make_error_code(asio::error::connection_refused);
  }
  ++network_.connections_made_;
  RawConnection outbound{std::move(ours), local, remote};
  co_return std::move(outbound);
}

Expected<std::unique_ptr<Listener>> MemoryTransport::listen(const Multiaddr& addr) {
  if (!can_listen(addr)) {
    return Error{make_error_code(Errc::kInvalidEncoding),
                 fmt::format("listen address {} is not /memory/<number>", addr.to_string())};
  }
  std::uint64_t n = *number_of(addr.components()[0]);
  if (n == 0) {
    n = network_.next_free_number();
  } else if (network_.listeners_.contains(n)) {
    return Error{
        make_error_code(asio::error::address_in_use),
        fmt::format("cannot listen on {}: another listener has this number", addr.to_string())};
  }
  return std::unique_ptr<Listener>(std::make_unique<MemoryListener>(ex_, network_, n));
}

}  // namespace goop::p2p::memory
