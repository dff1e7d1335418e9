#pragma once
// ConnectionBadges: keeps the connection badge of every peer in the table ("none", "lan",
// "direct", "relay"; see connection_kind.hpp) current, from the Host's connect and disconnect
// events; and, through heard(), for a peer whose connection opened before its first presence put
// it in the table.
//
// Executor rule: the Host's executor. Lifetime: the constructor registers a Host callback that
// cannot be removed: the Host must be stopped before this object is destroyed, and the table
// must outlive it.

#include "goop/presence/peer_table.hpp"

#include <string>

namespace goop::p2p {
class Host;
class PeerId;
}  // namespace goop::p2p

namespace goop::presence {

class ConnectionBadges {
 public:
  ConnectionBadges(p2p::Host& host, PeerTable& table);
  ConnectionBadges(const ConnectionBadges&) = delete;
  ConnectionBadges& operator=(const ConnectionBadges&) = delete;

  // A presence from `peer` was applied (PresenceService::on_heard): records its connection if
  // the table still shows none.
  void heard(const std::string& peer);

 private:
  void update(const p2p::PeerId& peer);

  p2p::Host& host_;
  PeerTable& table_;
};

}  // namespace goop::presence
