#include "goop/presence/peer_cache_sync.hpp"

#include "base/errors.hpp"
#include "base/log.hpp"
#include "goop/presence/background_dialer.hpp"
#include "p2p/host/host.hpp"

#include <fmt/core.h>

namespace goop::presence {
namespace {

log::Logger lg("goop.presence");

// What a row holds besides last_seen: a change of any of it is written at once.
std::string fingerprint_of(const PeerEntry& e) {
  const PeerIdentity& who = e.identity;
  std::string f =
      fmt::format("{}\n{}\n{}\n{}\n{}\n{}\n{}", who.content, who.email, who.avatar_hash,
                  who.video_disabled, who.active_template, who.verified, who.public_key);
  for (const auto& a : e.addrs) f += "\n" + a;
  return f;
}

void warn_if_failed(const Expected<void>& r) {
  if (!r) GOOP_LOG_WARN(lg, "peer cache: {}", r.error().message);
}

}  // namespace

PeerCacheSync::PeerCacheSync(p2p::Host& host, PeerTable& table, storage::Db& db,
                             BackgroundDialer& dialer, Clock& clock)
    : host_(host), table_(table), db_(db), dialer_(dialer), clock_(clock) {}

Expected<void> PeerCacheSync::start() {
  GOOP_TRY(auto cache, PeerCache::open(db_, clock_));
  cache_.emplace(std::move(cache));
  GOOP_TRY(auto boot, cache_->boot_list());
  for (const auto& p : boot) seed(p);
  table_.on_event([this](const std::string& peer, PeerEvent e) {
    if (e == PeerEvent::kRemove) removed(peer);
  });
  host_.on_identified([this](const p2p::PeerId& peer) { identified(peer); });
  return {};
}

void PeerCacheSync::seed(const CachedPeer& p) {
  auto peer = p2p::PeerId::parse(p.peer_id);
  if (!peer || *peer == host_.id()) return;
  ++remembered_;
  table_.seed(p.peer_id, p.identity, p.addrs, p.favorite);
  std::vector<p2p::Multiaddr> addrs;
  for (const auto& a : p.addrs) {
    if (auto m = p2p::Multiaddr::parse(a)) addrs.push_back(m->without_peer_id());
  }
  host_.peerstore().add_addrs(*peer, addrs);
  if (!p.protocols.empty()) host_.peerstore().get(*peer).protocols = p.protocols;
  dialer_.dial(std::move(*peer), std::move(addrs), "remembered");
}

void PeerCacheSync::heard(const std::string& peer) {
  if (!active()) return;
  const PeerEntry* e = table_.find(peer);
  if (!e) return;
  std::string fingerprint = fingerprint_of(*e);
  const auto now = clock_.now();
  auto known = written_.find(peer);
  if (known != written_.end() && known->second.fingerprint == fingerprint &&
      now - known->second.at < kCacheRefresh) {
    return;
  }
  if (auto r = cache_->upsert(peer, e->identity, e->addrs, e->identity.verified); !r) {
    warn_if_failed(r);
    return;
  }
  written_[peer] = Written{std::move(fingerprint), now};
}

void PeerCacheSync::removed(const std::string& peer) {
  if (!active()) return;
  written_.erase(peer);
  warn_if_failed(cache_->remove(peer));
}

void PeerCacheSync::identified(const p2p::PeerId& peer) {
  if (!active()) return;
  const std::string key = peer.to_base58();
  const p2p::PeerInfo* info = host_.peerstore().find(peer);
  if (!info || !table_.find(key)) return;
  warn_if_failed(cache_->set_protocols(key, info->protocols));
}

Expected<void> PeerCacheSync::set_favorite(const std::string& peer, bool favorite) {
  if (!active()) {
    return Error{make_error_code(Errc::kClosed),
                 "the peer cache is not open (the peer is starting or stopping); try again"};
  }
  GOOP_TRY_VOID(cache_->set_favorite(peer, favorite));
  table_.set_favorite(peer, favorite);
  return {};
}

boost::asio::awaitable<void> PeerCacheSync::async_stop(std::chrono::steady_clock::duration) {
  stopped_ = true;
  co_return;
}

}  // namespace goop::presence
