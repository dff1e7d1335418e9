#pragma once
// The identity payload of a peer (spec/net.md §5.8): what `peer:announce` carries to the
// browser (and later identity.response). camelCase; `peerID`, `content` and `reachable` are
// always present, the rest only when set; `lastSeen` is Unix milliseconds.

#include "base/clock.hpp"
#include "goop/presence/peer_table.hpp"

#include <string>

namespace goop::mq {
class LocalBus;
}

namespace goop::presence {

std::string identity_json(const std::string& peer_id, const PeerEntry& e, const Clock& clock);

// {"peerID": "<id>"}: the payload of peer:gone.
std::string gone_json(const std::string& peer_id);

// Publishes every change of `table` on `bus` for the browser: `peer:announce` with identity_json
// for a new or changed peer, `peer:gone` with gone_json for a removed one. The table callback it
// registers cannot be removed: `bus` and `clock` must outlive the table. Node executor only.
void publish_peer_events(PeerTable& table, mq::LocalBus& bus, const Clock& clock);

}  // namespace goop::presence
