#pragma once
// Our side of NaCl sealing, per peer: our key pair plus the KeyBook (spec/net.md §7.3). This is
// what the site, avatar (and later data, MQ, docs, listen) protocols call:
//
//   if (auto sealed = sealer.seal_for(peer, bytes)) ... send EOK / ENC: ...
//   else if (sealed.error().code == crypto::Errc::kNoKey) ... send plaintext ...
//
// Thread-safety: none (the KeyBook is plain data); use it from one executor. Build it only from a
// usable key pair (key_pair_from_config); without one, run without a Sealer and never announce
// encryptionSupported.

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "goop/crypto/key_book.hpp"
#include "goop/crypto/nacl_box.hpp"
#include "p2p/crypto/peer_id.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace goop::crypto {

class Sealer {
 public:
  explicit Sealer(NaclKeyPair ours) : ours_(std::move(ours)) {}

  const NaclPublicKey& public_key() const noexcept { return ours_.public_key; }
  KeyBook& keys() noexcept { return keys_; }
  const KeyBook& keys() const noexcept { return keys_; }

  bool can_seal_for(const p2p::PeerId& peer) const { return keys_.can_seal_for(peer); }

  // seal() to `peer`'s key when keys().can_seal_for(peer). Errors: crypto::Errc::kNoKey (no key
  // or no encryptionSupported known: send plaintext), crypto::Errc::kBadKey (the peer's key is
  // unusable), both naming the peer.
  Expected<std::string> seal_for(const p2p::PeerId& peer, BytesView plaintext) const;

  // Opens `sealed_b64` from `peer` with each key keys_to_try_for_open() gives, until one works.
  // Errors name the peer: crypto::Errc::kNoKey (no key known: the caller may ask the rendezvous
  // and retry), and open()'s errors (kTooLarge, kMalformed, kDecryptFailed: "cannot open sealed
  // message from <peer>: wrong key or tampered").
  Expected<Bytes> open_from(const p2p::PeerId& peer, std::string_view sealed_b64,
                            std::size_t max_sealed_size) const;

 private:
  NaclKeyPair ours_;
  KeyBook keys_;
};

}  // namespace goop::crypto
