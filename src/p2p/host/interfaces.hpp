#pragma once
// The addresses a wildcard listener (0.0.0.0 or ::) is reachable on: one multiaddr per local
// interface address of the same family (loopback included; IPv6 link-local excluded, since it
// is unusable without a zone). Used for what we print and announce instead of 0.0.0.0.

#include "p2p/multiformats/multiaddr.hpp"

#include <vector>

namespace goop::p2p {

std::vector<Multiaddr> expand_wildcard(const Multiaddr& bound);

}  // namespace goop::p2p
