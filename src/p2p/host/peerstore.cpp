#include "p2p/host/peerstore.hpp"

#include <algorithm>

namespace goop::p2p {

bool Peerstore::add_addrs(const PeerId& peer, const std::vector<Multiaddr>& addrs) {
  if (!peers_.contains(peer) && peers_.size() >= kMaxPeers) return false;
  auto& known = peers_[peer].addrs;
  for (const auto& a : addrs) {
    std::erase(known, a);
    known.insert(known.begin(), a);
  }
  if (known.size() > kMaxAddrsPerPeer) known.resize(kMaxAddrsPerPeer);
  return true;
}

const PeerInfo* Peerstore::find(const PeerId& peer) const {
  auto it = peers_.find(peer);
  return it == peers_.end() ? nullptr : &it->second;
}

PeerInfo& Peerstore::get(const PeerId& peer) { return peers_[peer]; }

}  // namespace goop::p2p
