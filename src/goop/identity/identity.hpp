#pragma once
// The peer's persistent identities: the libp2p Ed25519 key (identity.key_file) and the NaCl
// X25519 key pair kept in goop.json (p2p.nacl_*). Blocking file I/O: call at start-up.

#include "base/result.hpp"
#include "goop/config/config.hpp"
#include "p2p/crypto/keys.hpp"
#include "p2p/crypto/peer_id.hpp"

#include <filesystem>

namespace goop::identity {

struct Identity {
  p2p::Ed25519PrivateKey key;
  p2p::PeerId peer_id;
  bool created = false;  // true if this call generated the key
};

// Largest identity file we read (a 68-byte key, or an RSA key we will refuse with a message).
inline constexpr std::size_t kMaxKeyFileBytes = 16 * 1024;

// Loads the key at `key_file`, or creates it (directory mode 0700, file mode 0600, written
// atomically) if the file does not exist. The format is go-libp2p's: protobuf PrivateKey,
// Ed25519, 64-byte seed||public key; the legacy 96-byte form is also read. A file that exists
// but cannot be read or decoded is an error naming the file and the reason; it is never
// replaced, since that would change the peer ID for good.
Expected<Identity> load_or_create(const std::filesystem::path& key_file);

// Fills p2p.nacl_public_key / nacl_private_key with a fresh X25519 key pair (base64) if either
// is empty, as the Go peer does at start-up. Returns true if it changed `c`.
bool ensure_nacl_keys(config::Config& c);

}  // namespace goop::identity
