#pragma once
// How goop.json drives presence: the PresenceService's options, and what we announce about
// ourselves (which settings that is, and when a change to one is announced at once, is decided
// in goop/config/announced.hpp).

#include "goop/config/config.hpp"
#include "goop/presence/presence_service.hpp"

#include <string>
#include <vector>

namespace goop::presence {

// presence.topic, presence.heartbeat_seconds, presence.ttl_seconds and
// viewer.peer_offline_grace_min; the other options keep their defaults.
PresenceOptions presence_options(const config::Config& c);

// Our announcement (a PresenceService::SelfFn result) from the live config's announced profile,
// our avatar's hash ("" without one), the client version and our listen addresses. Encryption is
// announced as supported when we have a NaCl public key.
SelfAnnouncement self_announcement(const config::Config& live, std::string avatar_hash,
                                   std::string client_version, std::vector<std::string> addrs);

}  // namespace goop::presence
