#include "goop/presence/connection_badges.hpp"

#include "goop/presence/connection_kind.hpp"
#include "p2p/host/host.hpp"

namespace goop::presence {

ConnectionBadges::ConnectionBadges(p2p::Host& host, PeerTable& table) : host_(host), table_(table) {
  host_.on_connection_event(
      [this](const p2p::PeerId& peer, p2p::ConnectionEvent) { update(peer); });
}

void ConnectionBadges::heard(const std::string& peer) {
  const PeerEntry* e = table_.find(peer);
  if (!e || e->connection != "none") return;
  if (auto remote = p2p::PeerId::parse(peer)) update(*remote);
}

void ConnectionBadges::update(const p2p::PeerId& peer) {
  const std::string key = peer.to_base58();
  if (!table_.find(key)) return;
  table_.set_connection(key, connection_kind(host_.connection_addr(peer)));
}

}  // namespace goop::presence
