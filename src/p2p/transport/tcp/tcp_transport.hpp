#pragma once
// The TCP transport (go-libp2p p2p/transport/tcp): dials and listens on /ip4|ip6/A/tcp/N. Every
// socket has TCP_NODELAY (libp2p handshakes are many small messages). Listeners on an IPv6
// address are IPv6-only (v6_only), so "/ip4/0.0.0.0/tcp/N" and "/ip6/::/tcp/N" can both be bound
// on the same port; SO_REUSEADDR lets a restarted node take its port back at once.
//
// Executor rule and cancellation: see transport.hpp. DNS names are not resolved: /dns*/ addresses
// are not dialable here.

#include "p2p/transport/transport.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>

namespace goop::p2p::tcp {

class TcpTransport final : public Transport {
 public:
  explicit TcpTransport(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}

  std::string_view name() const noexcept override { return "tcp"; }
  // /ip4|ip6/A/tcp/N, optionally followed by one /p2p/<id> as the last component; nothing else
  // (a relay address /ip4/.../tcp/N/p2p/R/p2p-circuit/p2p/X, or /tcp/N/ws, is refused).
  bool can_dial(const Multiaddr& addr) const override;
  // Exactly /ip4|ip6/A/tcp/N.
  bool can_listen(const Multiaddr& addr) const override;

  // Errors: Errc::kTimeout after `timeout`; the OS error (connection_refused, network_unreachable,
  // ...); Errc::kInvalidEncoding if !can_dial(addr).
  boost::asio::awaitable<Result<RawConnection>> dial(
      Multiaddr addr, std::chrono::steady_clock::duration timeout) override;

  // Errors: Errc::kInvalidEncoding if !can_listen(addr); the OS error of open/bind/listen, with
  // a hint when the port is in use; std::errc::address_family_not_supported for an IPv6
  // wildcard on a machine without IPv6.
  Expected<std::unique_ptr<Listener>> listen(const Multiaddr& addr) override;

 private:
  boost::asio::any_io_executor ex_;
};

inline std::unique_ptr<Transport> make_transport(boost::asio::any_io_executor ex) {
  return std::make_unique<TcpTransport>(std::move(ex));
}

}  // namespace goop::p2p::tcp
