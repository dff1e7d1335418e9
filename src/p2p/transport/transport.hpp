#pragma once
// Transport: how raw byte streams to other nodes are made and accepted (go-libp2p
// core/transport, rust-libp2p core::Transport). A transport knows one family of addresses (TCP:
// /ip4|ip6/A/tcp/N; memory: /memory/N) and nothing of security or multiplexing: the Host runs
// the upgrader (Noise, yamux) over what dial() and accept() return.
//
// Executor rule: a transport, its listeners and the streams they make live on the executor they
// were created with (the node thread); every call is made there. Not thread-safe.
//
// Cancellation: dial() and accept() honour per-operation cancellation (terminal and total) and
// then return boost::asio::error::operation_aborted, so with_timeout() and TaskGroup::async_stop
// can end them.

#include "base/result.hpp"
#include "p2p/io/byte_stream.hpp"
#include "p2p/multiformats/multiaddr.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace goop::p2p {

// A connection as a transport hands it over: not yet secured or multiplexed.
struct RawConnection {
  std::unique_ptr<ByteStream> stream;
  Multiaddr local_addr;   // our end, as this transport names it (/ip4/.../tcp/N, /memory/N)
  Multiaddr remote_addr;  // the other end, without /p2p
};

// Accepts inbound connections on one bound address. Destroying a Listener closes it.
class Listener {
 public:
  virtual ~Listener() = default;

  // Waits for the next inbound connection. Errors: operation_aborted after close() or on
  // cancellation (the listener is done then); other errors are transient (a failed accept, such
  // as the process running out of file descriptors) and the caller may accept again.
  virtual boost::asio::awaitable<Result<RawConnection>> accept() = 0;

  // The bound address, with the real port when 0 was asked for (/ip4/127.0.0.1/tcp/40123).
  virtual const Multiaddr& local_addr() const noexcept = 0;

  // Stops accepting: a pending accept() completes with operation_aborted, later dials to the
  // address are refused. Connections already accepted are not affected. Idempotent.
  virtual void close() = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;

  // A short name for logs ("tcp", "memory").
  virtual std::string_view name() const noexcept = 0;

  // Whether dial() would try `addr`. True only for addresses this transport can reach in full:
  // an address with anything after the transport's own components other than a trailing
  // /p2p/<id> (for example /p2p-circuit, /ws) is somebody else's and gets false.
  virtual bool can_dial(const Multiaddr& addr) const = 0;
  // Whether listen() takes `addr` (the transport's own components only, no /p2p).
  virtual bool can_listen(const Multiaddr& addr) const = 0;

  // Connects to `addr` (a trailing /p2p/<id> is ignored here: the upgrader checks identities)
  // within `timeout`. Errors: Errc::kTimeout; the transport's refusal (connection_refused for an
  // address nobody listens on, other OS errors); Errc::kInvalidEncoding if !can_dial(addr);
  // operation_aborted on cancellation.
  virtual boost::asio::awaitable<Result<RawConnection>> dial(
      Multiaddr addr, std::chrono::steady_clock::duration timeout) = 0;

  // Binds `addr` (port 0 picks a free one) and starts listening. The Error names the address
  // and the reason in words a user can act on (e.g. the port is in use). Its code is
  // std::errc::address_family_not_supported when the address cannot exist on this machine (an
  // IPv6 wildcard without IPv6): callers may skip such an address with a warning.
  virtual Expected<std::unique_ptr<Listener>> listen(const Multiaddr& addr) = 0;
};

using Transports = std::vector<std::unique_ptr<Transport>>;

// Builds a transport list in one expression: transports(tcp::make_transport(ex), ...).
template <class... T>
Transports transports(std::unique_ptr<T>... t) {
  Transports out;
  (out.push_back(std::move(t)), ...);
  return out;
}

}  // namespace goop::p2p
