#pragma once
// Which NaCl key to seal to and which keys to open with, per peer (spec/net.md §7.3), plus the
// identity binding Goop2 adds on top of Go's rules. Pure logic: no I/O, no clock, no locking.
//
// Go's rules, kept for interop:
//  * seal only when the peer's public key AND its encryptionSupported flag are known;
//  * open with any known key, without looking at the flag (a responder may seal before the
//    requester has learned that the responder supports encryption);
//  * a peer we know no key for talks plaintext (the caller may first ask the rendezvous servers,
//    GET /api/encryption/keys/<id>, and offer what they answer as an unbound key).
//
// Identity binding: a key is "bound" when it arrived in a message authenticated by the peer's
// Ed25519 identity key (gossip presence signed by its author, or a rendezvous presence carrying
// our identity signature). Keys from Go peers, rendezvous look-ups and identity.response are
// unbound. The rules:
//  * an unbound key replaces an unbound key (Go's rule: the latest announcement wins);
//  * a bound key replaces any key (the peer itself proved it; it may have rotated its key);
//  * an unbound key never replaces a bound one: the same key is a no-op, a different key is
//    refused with crypto::Errc::kKeyConflict (a rendezvous or an impersonator substituting keys;
//    the caller logs the error, which names the peer and the source);
//  * after a replacement the previous key is still tried for open (messages already in flight),
//    except that an unbound key superseded by a different bound key is dropped (it was never the
//    peer's).
// Replay of an old signed announcement (an old bound key) is the caller's concern: offer a bound
// key only from a message that is newer than the last one accepted for the peer.
//
// Thread-safety: none; use one KeyBook from one executor (the presence/peer-table one).

#include "base/result.hpp"
#include "goop/crypto/nacl_box.hpp"
#include "p2p/crypto/peer_id.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

namespace goop::crypto {

enum class KeyBinding { kUnbound, kBound };

// What offer_key() did.
enum class KeyChange {
  kAdded,      // the first key known for the peer
  kUnchanged,  // the same key again (or an unbound copy of the bound key)
  kNowBound,   // the same key, now also bound
  kReplaced,   // a different key replaced the previous one
};

// What we know about a peer's NaCl key (e.g. for the peer page: "key bound to identity").
struct PeerKeyInfo {
  std::optional<NaclPublicKey> key;
  KeyBinding binding = KeyBinding::kUnbound;
  std::optional<bool> encryption_supported;  // empty: the peer has not said
};

class KeyBook {
 public:
  // Records a key `peer` is said to use; `source` names where it came from for the error message
  // ("gossip", "rv:https://rv.example", "rendezvous key look-up"). Errors:
  // crypto::Errc::kKeyConflict (a different unbound key for a peer whose key is bound; nothing
  // changes).
  Expected<KeyChange> offer_key(const p2p::PeerId& peer, const NaclPublicKey& key,
                                KeyBinding binding, std::string_view source);

  // Records the peer's encryptionSupported flag as announced (latest wins).
  void set_encryption_supported(const p2p::PeerId& peer, bool supported);

  // True iff a key and encryptionSupported == true are known for `peer`.
  bool can_seal_for(const p2p::PeerId& peer) const;
  // The key to seal to, when can_seal_for(peer).
  std::optional<NaclPublicKey> seal_key_for(const p2p::PeerId& peer) const;
  // The keys to open a message from `peer` with, most recent first (at most two; empty when none
  // is known). The flag is not consulted.
  std::vector<NaclPublicKey> keys_to_try_for_open(const p2p::PeerId& peer) const;

  PeerKeyInfo info(const p2p::PeerId& peer) const;
  // Forgets everything about `peer` (e.g. when it leaves the peer table for good).
  void forget(const p2p::PeerId& peer);
  std::size_t size() const noexcept { return peers_.size(); }

 private:
  struct Entry {
    std::optional<NaclPublicKey> key;
    KeyBinding binding = KeyBinding::kUnbound;
    std::optional<NaclPublicKey> previous;  // tried for open after `key`
    std::optional<bool> encryption_supported;
  };
  std::map<p2p::PeerId, Entry> peers_;
};

}  // namespace goop::crypto
