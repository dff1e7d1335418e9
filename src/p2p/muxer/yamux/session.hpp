#pragma once
// yamux::Session: multiplexes many MuxedStreams over one secured connection (`/yamux/1.0.0`,
// specs: yamux/README.md). The dialer of the connection is the client (odd stream ids), the
// listener the server (even ids).
//
// Executor rule: the session, its streams and its tasks live on the executor of `conn`; every
// call must be made there. There are no locks.
//
// Structure: start() spawns three tasks in the session's TaskGroup: the read loop (decodes
// frames, dispatches them to streams), the writer (the only code that writes `conn`; it drains
// a bounded frame queue, batching many frames into one write) and the keep-alive (pings, RTT,
// ping timeout, close linger).
//
// Ownership: the Session owns the connection. Streams share the session's state, so streams
// and session may be destroyed in any order: once the session is gone, stream operations fail
// with Errc::kConnectionClosed. Destroying the Session without close() aborts it (no GoAway);
// its tasks then finish on the executor shortly after, so keep the executor running.
//
// Errors that end the session are reported once through set_on_closed():
//   {} (success)              close() or the remote's GoAway(0) followed by EOF;
//   Errc::kProtocolViolation  a malformed frame, a window overflow, an unrequested ping
//                             (we send GoAway(1) first);
//   goop::Errc::kTimeout            a keep-alive ping was not answered within ping_timeout;
//   Errc::kConnectionClosed   the connection failed or ended without GoAway, or the remote
//                             sent GoAway with an error code.

#include "base/result.hpp"
#include "p2p/io/byte_stream.hpp"
#include "p2p/muxer/muxed_stream.hpp"
#include "p2p/muxer/yamux/config.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace goop::p2p::yamux {

enum class Role { kClient, kServer };

namespace detail {
struct SessionCore;
}

class Session {
 public:
  using StreamHandler = std::function<void(std::unique_ptr<MuxedStream>)>;
  using ClosedHandler = std::function<void(error_code)>;

  Session(std::unique_ptr<ByteStream> conn, Role role, Config cfg = {});
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  // Aborts the session if it is still open (see class comment).
  ~Session();

  // Inbound streams are handed to `h` as soon as their SYN arrives (and has been ACKed), on the
  // session's executor, from inside the read loop: `h` must not block; it takes ownership and
  // typically spawns a coroutine to serve the stream. Without a handler inbound streams are
  // reset. Set before start().
  void set_stream_handler(StreamHandler h);
  // Called once, on the executor, when the session ends (see class comment for the codes). Set
  // before start(). The callback must not destroy the Session synchronously.
  void set_on_closed(ClosedHandler h);

  // Spawns the read loop, writer and keep-alive. Call once.
  void start();

  // Opens an outbound stream: sends a WindowUpdate with SYN (delta advertises a window above
  // 256 KiB, if configured). Data may be written at once; the remote's ACK is not awaited.
  // Waits while max_ack_backlog of our streams are unacknowledged; honours cancellation then
  // (returns operation_aborted). Errors: Errc::kConnectionClosed once the session is closing or
  // closed or the remote sent GoAway; Errc::kResourceLimit when stream ids are exhausted.
  boost::asio::awaitable<Result<std::unique_ptr<MuxedStream>>> open_stream();

  // Sends one ping and returns the round-trip time. Errors: kConnectionClosed; cancellation.
  boost::asio::awaitable<Result<std::chrono::steady_clock::duration>> ping();

  // Sends GoAway(0), refuses new streams, fails open streams with kConnectionClosed, half-closes
  // the connection after the GoAway and waits (at most `deadline`) for the tasks to end.
  // Idempotent; never throws.
  boost::asio::awaitable<void> close(
      std::chrono::steady_clock::duration deadline = std::chrono::seconds(5));

  bool is_closed() const noexcept;
  // The latest measured round-trip time (zero until the first ping answer).
  std::chrono::steady_clock::duration rtt() const noexcept;
  // Number of streams the session still tracks (open in at least one direction).
  std::size_t num_streams() const noexcept;

 private:
  std::shared_ptr<detail::SessionCore> core_;
};

}  // namespace goop::p2p::yamux
