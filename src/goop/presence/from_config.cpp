#include "goop/presence/from_config.hpp"

#include "goop/config/announced.hpp"

namespace goop::presence {

PresenceOptions presence_options(const config::Config& c) {
  PresenceOptions o;
  o.topic = c.presence.topic;
  o.heartbeat = std::chrono::seconds(c.presence.heartbeat_seconds);
  o.ttl = std::chrono::seconds(c.presence.ttl_seconds);
  o.grace = std::chrono::minutes(c.viewer.peer_offline_grace_min);
  return o;
}

SelfAnnouncement self_announcement(const config::Config& live, std::string avatar_hash,
                                   std::string client_version, std::vector<std::string> addrs) {
  config::AnnouncedProfile p = config::announced_profile(live);
  SelfAnnouncement s;
  s.identity.content = std::move(p.label);
  s.identity.email = std::move(p.email);
  s.identity.video_disabled = p.video_disabled;
  s.identity.active_template = std::move(p.active_template);
  s.identity.avatar_hash = std::move(avatar_hash);
  s.identity.encryption_supported = !p.public_key.empty();
  s.identity.public_key = std::move(p.public_key);  // rendezvous copy only
  s.identity.goop_client_version = std::move(client_version);
  s.verification_token = std::move(p.verification_token);  // rendezvous copy only
  s.addrs = std::move(addrs);
  return s;
}

}  // namespace goop::presence
