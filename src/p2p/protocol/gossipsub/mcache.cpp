#include "p2p/protocol/gossipsub/caches.hpp"

namespace goop::p2p::gossipsub {

MessageCache::MessageCache(std::size_t gossip, std::size_t history)
    : gossip_(gossip), windows_(history < 1 ? 1 : history) {}

const Message& MessageCache::put(const MessageId& id, const MessageId& alias, Message m) {
  auto [it, added] = msgs_.try_emplace(id);
  if (!added) return it->second.msg;
  it->second.msg = std::move(m);
  it->second.alias = alias;
  if (!alias.empty()) aliases_.emplace(alias, &it->first);
  windows_.front().push_back(&*it);
  return it->second.msg;
}

const MessageId* MessageCache::resolve(const MessageId& id_or_alias) const {
  if (msgs_.count(id_or_alias)) return &id_or_alias;
  auto a = aliases_.find(id_or_alias);
  return a == aliases_.end() ? nullptr : a->second;
}

const Message* MessageCache::get(const MessageId& id_or_alias) const {
  const MessageId* id = resolve(id_or_alias);
  return id ? &msgs_.at(*id).msg : nullptr;
}

std::optional<MessageCache::IdKind> MessageCache::kind(const MessageId& id_or_alias) const {
  if (msgs_.count(id_or_alias)) return IdKind::kId;
  if (aliases_.count(id_or_alias)) return IdKind::kAlias;
  return std::nullopt;
}

std::vector<MessageCache::GossipId> MessageCache::gossip_ids(const std::string& topic) const {
  std::vector<GossipId> ids;
  for (std::size_t w = 0; w < gossip_ && w < windows_.size(); ++w) {
    for (const auto* e : windows_[w]) {
      if (e->second.msg.topic == topic) ids.push_back({e->first, e->second.alias});
    }
  }
  return ids;
}

std::size_t MessageCache::note_iwant(const MessageId& id_or_alias, const PeerId& peer) {
  const MessageId* id = resolve(id_or_alias);
  return id ? ++msgs_.at(*id).iwants[peer] : 0;
}

void MessageCache::shift() {
  for (const auto* e : windows_.back()) {
    if (!e->second.alias.empty()) aliases_.erase(e->second.alias);
    msgs_.erase(msgs_.find(e->first));
  }
  windows_.pop_back();
  windows_.emplace_front();
}

}  // namespace goop::p2p::gossipsub
