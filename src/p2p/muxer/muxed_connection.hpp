#pragma once
// MuxedConnection: a secured connection that carries many MuxedStreams (go-libp2p
// core/network/mux.go MuxedConn). What the Host needs of a muxer; yamux implements it (through
// the upgrader in p2p/network/noise_yamux.hpp).
//
// Executor rule: the connection, its streams and its tasks live on one executor (the node
// thread); every call is made there.
//
// Ownership: the owner of the MuxedConnection owns the underlying connection. Streams may
// outlive it: their operations then fail with Errc::kConnectionClosed. Destroying it without
// close() aborts it (no goodbye to the remote).

#include "base/result.hpp"
#include "p2p/muxer/muxed_stream.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace goop::p2p {

class MuxedConnection {
 public:
  using StreamHandler = std::function<void(std::unique_ptr<MuxedStream>)>;
  using ClosedHandler = std::function<void(error_code)>;

  virtual ~MuxedConnection() = default;

  // Inbound streams are handed to `h` as they open, on the executor; `h` must not block (it
  // typically spawns a coroutine that owns the stream). Without a handler they are reset. Set
  // before start().
  virtual void set_stream_handler(StreamHandler h) = 0;
  // Called once when the connection ends: {} after close() or the remote's orderly goodbye,
  // otherwise the reason (Errc::kProtocolViolation, goop::Errc::kTimeout, kConnectionClosed). Set
  // before start(); it must not destroy the connection synchronously.
  virtual void set_on_closed(ClosedHandler h) = 0;
  // Starts reading and writing. Call once.
  virtual void start() = 0;

  // Opens an outbound stream; data may be written at once. Errors: Errc::kConnectionClosed once
  // the connection is closing or closed; Errc::kResourceLimit when no more streams can be
  // opened; operation_aborted on cancellation.
  virtual boost::asio::awaitable<Result<std::unique_ptr<MuxedStream>>> open_stream() = 0;

  // Says goodbye to the remote, fails open streams with Errc::kConnectionClosed and waits at
  // most `deadline` for the connection's tasks to end. Idempotent; never throws.
  virtual boost::asio::awaitable<void> close(std::chrono::steady_clock::duration deadline) = 0;

  virtual bool is_closed() const noexcept = 0;
};

}  // namespace goop::p2p
