#include "goop/presence/identity_payload.hpp"

#include "goop/mq/local_bus.hpp"

#include <boost/json.hpp>

namespace goop::presence {
namespace json = boost::json;

std::string identity_json(const std::string& peer_id, const PeerEntry& e, const Clock& clock) {
  const PeerIdentity& id = e.identity;
  json::object o{{"peerID", peer_id}, {"content", id.content}};
  auto put = [&](const char* key, const std::string& v) {
    if (!v.empty()) o[key] = v;
  };
  put("email", id.email);
  put("avatarHash", id.avatar_hash);
  if (id.video_disabled) o["videoDisabled"] = true;
  put("activeTemplate", id.active_template);
  put("publicKey", id.public_key);
  if (id.encryption_supported) o["encryptionSupported"] = true;
  if (id.verified) o["verified"] = true;
  put("goopClientVersion", id.goop_client_version);
  o["reachable"] = e.reachable;
  if (!e.online()) o["offline"] = true;
  if (e.last_seen != Clock::time_point{}) {
    const auto wall =
        clock.wall_now() -
        std::chrono::duration_cast<std::chrono::system_clock::duration>(clock.now() - e.last_seen);
    o["lastSeen"] =
        std::chrono::duration_cast<std::chrono::milliseconds>(wall.time_since_epoch()).count();
  }
  if (e.favorite) o["favorite"] = true;
  o["connection"] = e.connection;
  return json::serialize(o);
}

std::string gone_json(const std::string& peer_id) {
  return json::serialize(json::object{{"peerID", peer_id}});
}

void publish_peer_events(PeerTable& table, mq::LocalBus& bus, const Clock& clock) {
  table.on_event([&table, &bus, &clock](const std::string& peer, PeerEvent e) {
    if (e == PeerEvent::kRemove) {
      bus.publish_local("peer:gone", gone_json(peer));
    } else if (const PeerEntry* entry = table.find(peer)) {
      bus.publish_local("peer:announce", identity_json(peer, *entry, clock));
    }
  });
}

}  // namespace goop::presence
