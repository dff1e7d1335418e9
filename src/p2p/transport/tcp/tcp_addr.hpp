#pragma once
// TCP endpoints <-> multiaddrs. Kept here, not in multiformats/, so that multiaddr.hpp stays free
// of Asio's socket headers.

#include "p2p/multiformats/multiaddr.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <optional>

namespace goop::p2p::tcp {

// "/ip4/a.b.c.d/tcp/N" or "/ip6/.../tcp/N" (an IPv4-mapped IPv6 address stays ip6).
Multiaddr to_multiaddr(const boost::asio::ip::tcp::endpoint& ep);

// The endpoint of an address that starts with /ip4/A/tcp/N or /ip6/A/tcp/N (anything may
// follow, e.g. /p2p/...); nullopt otherwise (dns names are not resolved here). To decide whether
// an address is plain TCP to dial, use TcpTransport::can_dial, which is stricter.
std::optional<boost::asio::ip::tcp::endpoint> to_endpoint(const Multiaddr& addr);

}  // namespace goop::p2p::tcp
