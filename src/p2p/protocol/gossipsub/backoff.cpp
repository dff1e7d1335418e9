#include "p2p/protocol/gossipsub/caches.hpp"

namespace goop::p2p::gossipsub {

void BackoffTable::add(const std::string& topic, const PeerId& peer, TimePoint until) {
  auto [it, fresh] = until_.emplace(std::make_pair(topic, peer), until);
  if (!fresh && it->second < until) it->second = until;
}

bool BackoffTable::active(const std::string& topic, const PeerId& peer, TimePoint now) const {
  auto it = until_.find(std::make_pair(topic, peer));
  return it != until_.end() && it->second > now;
}

void BackoffTable::sweep(TimePoint now) {
  std::erase_if(until_, [now](const auto& kv) { return kv.second <= now; });
}

}  // namespace goop::p2p::gossipsub
