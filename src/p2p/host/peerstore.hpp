#pragma once
// What the host knows about other peers: addresses to dial, and what identify told us.
// Node executor only; bounded (kMaxPeers, kMaxAddrsPerPeer).

#include "p2p/crypto/peer_id.hpp"
#include "p2p/multiformats/multiaddr.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace goop::p2p {

struct PeerInfo {
  std::vector<Multiaddr> addrs;                 // dialable addresses (most recent first)
  std::vector<std::string> protocols;           // from identify
  std::string agent_version;                    // from identify
  std::string protocol_version;                 // from identify
  std::optional<Multiaddr> observed_addr;       // how the peer sees us
  std::optional<std::chrono::nanoseconds> rtt;  // last ping
};

class Peerstore {
 public:
  static constexpr std::size_t kMaxPeers = 10000;
  static constexpr std::size_t kMaxAddrsPerPeer = 32;

  // Adds addresses (deduplicated, newest first, capped). Returns false if the store is full.
  bool add_addrs(const PeerId& peer, const std::vector<Multiaddr>& addrs);
  const PeerInfo* find(const PeerId& peer) const;
  PeerInfo& get(const PeerId& peer);  // creates the entry
  void erase(const PeerId& peer) { peers_.erase(peer); }
  std::size_t size() const noexcept { return peers_.size(); }

 private:
  std::unordered_map<PeerId, PeerInfo> peers_;
};

}  // namespace goop::p2p
