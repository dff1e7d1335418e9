#include "p2p/protocol/gossipsub/caches.hpp"

namespace goop::p2p::gossipsub {

bool SeenCache::add(const MessageId& id, TimePoint now) {
  sweep(now);
  auto [it, added] = ids_.emplace(id, now + ttl_);
  if (!added) return false;
  order_.emplace_back(now + ttl_, &it->first);
  return true;
}

void SeenCache::sweep(TimePoint now) {
  while (!order_.empty() && order_.front().first <= now) {
    ids_.erase(ids_.find(*order_.front().second));
    order_.pop_front();
  }
}

}  // namespace goop::p2p::gossipsub
