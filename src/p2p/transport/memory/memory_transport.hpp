#pragma once
// The memory transport (rust-libp2p core::transport::MemoryTransport): connections between
// nodes in one process, over MemoryStream pairs, addressed /memory/<u64>. Multi-node tests run
// on it without sockets or ports. A MemoryNetwork is the hub the transports of one test share
// (no global state: two networks never see each other).
//
//  * listen("/memory/0") takes a free number; listen("/memory/N") fails with address_in_use if
//    N is taken.
//  * dial() completes at once: connection_refused if nobody listens on the number (or the
//    listener was closed), otherwise a connection queued on the listener for accept(). The
//    dialer's end gets an ephemeral number of its own (its local_addr, which the listener sees
//    as remote_addr); nothing listens on it.
//  * Each listener queues at most kBacklog connections not yet accepted; further dials are
//    refused (connection_refused), like a full accept queue.
//
// Executor rule: a network and every transport, listener and stream on it share one executor
// (a test's io_context); not thread-safe. Lifetime: the network must outlive its transports and
// listeners; connections (MemoryStream pairs) do not need it.

#include "p2p/transport/memory/memory_stream.hpp"
#include "p2p/transport/transport.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <map>
#include <memory>

namespace goop::p2p::memory {

inline constexpr std::size_t kBacklog = 128;

class MemoryListener;

class MemoryNetwork {
 public:
  // `stream_capacity`: bytes each direction of each connection buffers (backpressure above).
  explicit MemoryNetwork(std::size_t stream_capacity = kDefaultStreamCapacity)
      : stream_capacity_(stream_capacity) {}
  MemoryNetwork(const MemoryNetwork&) = delete;
  MemoryNetwork& operator=(const MemoryNetwork&) = delete;

  // Connections dialled successfully so far (for tests: how many dials really happened).
  std::uint64_t connections_made() const noexcept { return connections_made_; }
  // Numbers currently listened on.
  std::size_t listeners() const noexcept { return listeners_.size(); }

 private:
  friend class MemoryTransport;
  friend class MemoryListener;
  std::uint64_t next_free_number();

  std::size_t stream_capacity_;
  std::map<std::uint64_t, MemoryListener*> listeners_;
  std::uint64_t next_number_ = 1;
  std::uint64_t connections_made_ = 0;
};

class MemoryTransport final : public Transport {
 public:
  MemoryTransport(boost::asio::any_io_executor ex, MemoryNetwork& network)
      : ex_(std::move(ex)), network_(network) {}

  std::string_view name() const noexcept override { return "memory"; }
  // /memory/N with N > 0, optionally followed by one /p2p/<id> as the last component.
  bool can_dial(const Multiaddr& addr) const override;
  // Exactly /memory/N (0 picks a free number).
  bool can_listen(const Multiaddr& addr) const override;

  // Errors: connection_refused (nobody listens, or the backlog is full);
  // Errc::kInvalidEncoding if !can_dial(addr). `timeout` is not needed: it never waits.
  boost::asio::awaitable<Result<RawConnection>> dial(
      Multiaddr addr, std::chrono::steady_clock::duration timeout) override;
  // Errors: address_in_use; Errc::kInvalidEncoding if !can_listen(addr).
  Expected<std::unique_ptr<Listener>> listen(const Multiaddr& addr) override;

 private:
  boost::asio::any_io_executor ex_;
  MemoryNetwork& network_;
};

inline std::unique_ptr<Transport> make_transport(boost::asio::any_io_executor ex,
                                                 MemoryNetwork& network) {
  return std::make_unique<MemoryTransport>(std::move(ex), network);
}

// "/memory/<n>".
Multiaddr memory_addr(std::uint64_t n);

}  // namespace goop::p2p::memory
