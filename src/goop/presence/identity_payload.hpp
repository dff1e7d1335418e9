#pragma once
// The identity payload of a peer (spec/net.md §5.8): what `peer:announce` carries to the
// browser (and later identity.response). camelCase; `peerID`, `content` and `reachable` are
// always present, the rest only when set; `lastSeen` is Unix milliseconds.

#include "base/clock.hpp"
#include "goop/presence/peer_table.hpp"

#include <string>

namespace goop::presence {

std::string identity_json(const std::string& peer_id, const PeerEntry& e, const Clock& clock);

// {"peerID": "<id>"}: the payload of peer:gone.
std::string gone_json(const std::string& peer_id);

}  // namespace goop::presence
