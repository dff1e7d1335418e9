#include "goop/presence/peer_table.hpp"

#include <algorithm>

namespace goop::presence {

void PeerTable::emit(const std::string& peer, PeerEvent e) {
  for (auto& fn : listeners_) fn(peer, e);
}

void PeerTable::upsert(const std::string& peer, const PeerIdentity& id,
                       const std::vector<std::string>& addrs, bool keep_verified,
                       std::string_view channel) {
  auto [it, fresh] = peers_.try_emplace(peer);
  PeerEntry& e = it->second;
  const PeerIdentity old = e.identity;
  e.identity = id;
  if (id.public_key.empty()) e.identity.public_key = old.public_key;
  e.identity.encryption_supported = id.encryption_supported || old.encryption_supported;
  if (id.goop_client_version.empty()) e.identity.goop_client_version = old.goop_client_version;
  if (keep_verified && !fresh) e.identity.verified = old.verified;
  for (auto a = addrs.rbegin(); a != addrs.rend(); ++a) {
    std::erase(e.addrs, *a);
    e.addrs.insert(e.addrs.begin(), *a);
  }
  e.last_seen = clock_.now();
  if (auto c = e.channels.find(channel); c != e.channels.end()) {
    c->second = e.last_seen;
  } else {
    e.channels.emplace(std::string(channel), e.last_seen);
  }
  e.offline_since.reset();
  emit(peer, PeerEvent::kUpdate);
}

void PeerTable::seed(const std::string& peer, const PeerIdentity& id,
                     const std::vector<std::string>& addrs, bool favorite) {
  if (peers_.contains(peer)) return;
  PeerEntry e;
  e.identity = id;
  e.addrs = addrs;
  e.favorite = favorite;
  e.offline_since = clock_.now();
  peers_.emplace(peer, std::move(e));
  emit(peer, PeerEvent::kUpdate);
}

void PeerTable::mark_offline(const std::string& peer, std::string_view channel) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return;
  PeerEntry& e = it->second;
  if (auto c = e.channels.find(channel); c != e.channels.end()) e.channels.erase(c);
  if (e.channels.empty()) mark_offline(peer);
}

void PeerTable::mark_offline(const std::string& peer) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return;
  PeerEntry& e = it->second;
  e.channels.clear();
  e.reachable = false;
  e.fail_streak = 0;
  if (e.online()) {
    e.offline_since = clock_.now();
    emit(peer, PeerEvent::kUpdate);
  }
}

void PeerTable::set_reachable(const std::string& peer, bool ok) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return;
  PeerEntry& e = it->second;
  if (ok) {
    e.fail_streak = 0;
    if (!e.reachable) {
      e.reachable = true;
      emit(peer, PeerEvent::kUpdate);
    }
    return;
  }
  const auto now = clock_.now();
  if (e.fail_streak > 0 && now - e.last_fail <= kFailureDebounce) return;  // same burst
  ++e.fail_streak;
  e.last_fail = now;
  if (e.fail_streak >= 2 && e.reachable) {
    e.reachable = false;
    emit(peer, PeerEvent::kUpdate);
  }
}

void PeerTable::set_favorite(const std::string& peer, bool favorite) {
  auto it = peers_.find(peer);
  if (it == peers_.end() || it->second.favorite == favorite) return;
  it->second.favorite = favorite;
  emit(peer, PeerEvent::kUpdate);
}

void PeerTable::set_connection(const std::string& peer, std::string_view kind) {
  auto it = peers_.find(peer);
  if (it == peers_.end() || it->second.connection == kind) return;
  it->second.connection = std::string(kind);
  emit(peer, PeerEvent::kUpdate);
}

void PeerTable::remove(const std::string& peer) {
  if (peers_.erase(peer) > 0) emit(peer, PeerEvent::kRemove);
}

void PeerTable::prune(std::chrono::seconds ttl, std::chrono::minutes grace) {
  const auto now = clock_.now();
  std::vector<std::string> gone;
  for (auto& [peer, e] : peers_) {
    std::erase_if(e.channels, [&](const auto& c) { return now - c.second > ttl; });
    if (e.online() && e.channels.empty()) {
      e.offline_since = now;
      e.reachable = false;
      e.fail_streak = 0;
      emit(peer, PeerEvent::kUpdate);
    } else if (!e.online() && !e.favorite && now - *e.offline_since > grace) {
      gone.push_back(peer);
    }
  }
  for (const auto& peer : gone) remove(peer);
}

const PeerEntry* PeerTable::find(const std::string& peer) const {
  auto it = peers_.find(peer);
  return it == peers_.end() ? nullptr : &it->second;
}

}  // namespace goop::presence
