#include "p2p/protocol/gossipsub/caches.hpp"

namespace goop::p2p::gossipsub {

MessageCache::MessageCache(std::size_t gossip, std::size_t history)
    : gossip_(gossip), windows_(history < 1 ? 1 : history) {}

void MessageCache::put(const MessageId& id, const Message& m) {
  if (!msgs_.emplace(id, Entry{m, {}}).second) return;
  windows_.front().emplace_back(id, m.topic);
}

const Message* MessageCache::get(const MessageId& id) const {
  auto it = msgs_.find(id);
  return it == msgs_.end() ? nullptr : &it->second.msg;
}

std::vector<MessageId> MessageCache::gossip_ids(const std::string& topic) const {
  std::vector<MessageId> ids;
  for (std::size_t w = 0; w < gossip_ && w < windows_.size(); ++w) {
    for (const auto& [id, t] : windows_[w]) {
      if (t == topic) ids.push_back(id);
    }
  }
  return ids;
}

std::size_t MessageCache::note_iwant(const MessageId& id, const PeerId& peer) {
  auto it = msgs_.find(id);
  if (it == msgs_.end()) return 0;
  return ++it->second.iwants[peer];
}

void MessageCache::shift() {
  for (const auto& [id, t] : windows_.back()) msgs_.erase(id);
  windows_.pop_back();
  windows_.emplace_front();
}

}  // namespace goop::p2p::gossipsub
