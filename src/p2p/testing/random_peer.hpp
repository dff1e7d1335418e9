#pragma once
// A fresh, valid peer ID from a newly generated Ed25519 key, for tests and benchmarks that need
// peers that exist nowhere else.

#include "p2p/crypto/keys.hpp"
#include "p2p/crypto/peer_id.hpp"

#include <string>

namespace goop::p2p::testing {

inline PeerId random_peer() {
  return PeerId::from_public_key(Ed25519PrivateKey::generate().public_key());
}
// The same in base58 ("12D3KooW...").
inline std::string random_peer_id() { return random_peer().to_base58(); }

}  // namespace goop::p2p::testing
