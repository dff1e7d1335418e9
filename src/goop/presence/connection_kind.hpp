#pragma once
// How we reach a peer, for the viewer's connection badge: "relay" through a circuit relay,
// "lan" to a loopback or private address (RFC 1918, RFC 6598 shared space, link-local, IPv6
// ULA), "direct" to any other address, "none" without a connection.

#include "p2p/multiformats/multiaddr.hpp"

#include <optional>
#include <string_view>

namespace goop::presence {

std::string_view connection_kind(const std::optional<p2p::Multiaddr>& remote);

}  // namespace goop::presence
