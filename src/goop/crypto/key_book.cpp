#include "goop/crypto/key_book.hpp"

#include "goop/crypto/errors.hpp"

#include <fmt/core.h>

namespace goop::crypto {

Expected<KeyChange> KeyBook::offer_key(const p2p::PeerId& peer, const NaclPublicKey& key,
                                       KeyBinding binding, std::string_view source) {
  Entry& e = peers_[peer];
  if (!e.key) {
    e.key = key;
    e.binding = binding;
    return KeyChange::kAdded;
  }
  if (*e.key == key) {
    if (binding == KeyBinding::kBound && e.binding == KeyBinding::kUnbound) {
      e.binding = KeyBinding::kBound;
      return KeyChange::kNowBound;
    }
    return KeyChange::kUnchanged;
  }
  if (binding == KeyBinding::kUnbound && e.binding == KeyBinding::kBound) {
    return Error{make_error_code(Errc::kKeyConflict),
                 fmt::format("refusing NaCl key {} for peer {} from {}: the peer's key {} is "
                             "bound to its identity and this one is not (a rendezvous or another "
                             "peer may be substituting keys)",
                             key.to_base64(), peer.to_base58(), source, e.key->to_base64())};
  }
  // An unbound key that a bound one supersedes was never shown to be the peer's: drop it.
  const bool keep_previous = !(binding == KeyBinding::kBound && e.binding == KeyBinding::kUnbound);
  e.previous = keep_previous ? e.key : std::nullopt;
  e.key = key;
  e.binding = binding;
  return KeyChange::kReplaced;
}

void KeyBook::set_encryption_supported(const p2p::PeerId& peer, bool supported) {
  peers_[peer].encryption_supported = supported;
}

bool KeyBook::can_seal_for(const p2p::PeerId& peer) const { return seal_key_for(peer).has_value(); }

std::optional<NaclPublicKey> KeyBook::seal_key_for(const p2p::PeerId& peer) const {
  const auto it = peers_.find(peer);
  if (it == peers_.end() || !it->second.key || it->second.encryption_supported != true) {
    return std::nullopt;
  }
  return it->second.key;
}

std::vector<NaclPublicKey> KeyBook::keys_to_try_for_open(const p2p::PeerId& peer) const {
  std::vector<NaclPublicKey> out;
  const auto it = peers_.find(peer);
  if (it == peers_.end()) return out;
  if (it->second.key) out.push_back(*it->second.key);
  if (it->second.previous) out.push_back(*it->second.previous);
  return out;
}

PeerKeyInfo KeyBook::info(const p2p::PeerId& peer) const {
  const auto it = peers_.find(peer);
  if (it == peers_.end()) return {};
  return PeerKeyInfo{it->second.key, it->second.binding, it->second.encryption_supported};
}

void KeyBook::forget(const p2p::PeerId& peer) { peers_.erase(peer); }

}  // namespace goop::crypto
