#pragma once
// The one list of goop.json fields, in the seed's order. visit_fields(c, v) calls
// v(section, key, member) for every field; member is std::string&, std::int64_t& or bool&
// (const for a const Config). The JSON codec and the settings page both walk this list, so a
// field is declared exactly once here (plus its default in config.hpp).

#include "goop/config/config.hpp"

#include <array>
#include <string_view>

namespace goop::config {

inline constexpr std::array<std::string_view, 7> kSections = {
    "identity", "paths", "p2p", "presence", "profile", "viewer", "lua"};

template <class C, class V>
void visit_fields(C& c, V&& v) {
  v("identity", "key_file", c.identity.key_file);

  v("paths", "site_root", c.paths.site_root);
  v("paths", "site_source", c.paths.site_source);
  v("paths", "site_stage", c.paths.site_stage);

  v("p2p", "listen_port", c.p2p.listen_port);
  v("p2p", "mdns_tag", c.p2p.mdns_tag);
  v("p2p", "bridge_mode", c.p2p.bridge_mode);
  v("p2p", "nacl_public_key", c.p2p.nacl_public_key);
  v("p2p", "nacl_private_key", c.p2p.nacl_private_key);

  auto& pr = c.presence;
  v("presence", "topic", pr.topic);
  v("presence", "ttl_seconds", pr.ttl_seconds);
  v("presence", "heartbeat_seconds", pr.heartbeat_seconds);
  v("presence", "rendezvous_host", pr.rendezvous_host);
  v("presence", "rendezvous_port", pr.rendezvous_port);
  v("presence", "rendezvous_bind", pr.rendezvous_bind);
  v("presence", "rendezvous_wan", pr.rendezvous_wan);
  v("presence", "rendezvous_only", pr.rendezvous_only);
  v("presence", "admin_password", pr.admin_password);
  v("presence", "external_url", pr.external_url);
  v("presence", "peer_db_path", pr.peer_db_path);
  v("presence", "relay_port", pr.relay_port);
  v("presence", "relay_ws_port", pr.relay_ws_port);
  v("presence", "relay_key_file", pr.relay_key_file);
  v("presence", "relay_cleanup_delay_sec", pr.relay_cleanup_delay_sec);
  v("presence", "relay_poll_deadline_sec", pr.relay_poll_deadline_sec);
  v("presence", "relay_connect_timeout_sec", pr.relay_connect_timeout_sec);
  v("presence", "relay_refresh_interval_sec", pr.relay_refresh_interval_sec);
  v("presence", "relay_recovery_grace_sec", pr.relay_recovery_grace_sec);
  v("presence", "use_services", pr.use_services);
  v("presence", "credits_url", pr.credits_url);
  v("presence", "registration_url", pr.registration_url);
  v("presence", "email_url", pr.email_url);
  v("presence", "templates_url", pr.templates_url);
  v("presence", "bridge_url", pr.bridge_url);
  v("presence", "encryption_url", pr.encryption_url);
  v("presence", "templates_dir", pr.templates_dir);
  v("presence", "credits_admin_token", pr.credits_admin_token);
  v("presence", "registration_admin_token", pr.registration_admin_token);
  v("presence", "templates_admin_token", pr.templates_admin_token);
  v("presence", "bridge_admin_token", pr.bridge_admin_token);
  v("presence", "encryption_admin_token", pr.encryption_admin_token);

  v("profile", "label", c.profile.label);
  v("profile", "email", c.profile.email);
  v("profile", "verification_token", c.profile.verification_token);
  v("profile", "bridge_token", c.profile.bridge_token);

  auto& vw = c.viewer;
  v("viewer", "http_addr", vw.http_addr);
  v("viewer", "debug", vw.debug);
  v("viewer", "theme", vw.theme);
  v("viewer", "preferred_cam", vw.preferred_cam);
  v("viewer", "preferred_mic", vw.preferred_mic);
  v("viewer", "video_disabled", vw.video_disabled);
  v("viewer", "hide_unverified", vw.hide_unverified);
  v("viewer", "active_template", vw.active_template);
  v("viewer", "open_sites_external", vw.open_sites_external);
  v("viewer", "splash", vw.splash);
  v("viewer", "peer_offline_grace_min", vw.peer_offline_grace_min);
  v("viewer", "cluster_binary_path", vw.cluster_binary_path);
  v("viewer", "cluster_binary_mode", vw.cluster_binary_mode);

  v("lua", "enabled", c.lua.enabled);
  v("lua", "script_dir", c.lua.script_dir);
  v("lua", "timeout_seconds", c.lua.timeout_seconds);
  v("lua", "max_memory_mb", c.lua.max_memory_mb);
  v("lua", "rate_limit_per_peer", c.lua.rate_limit_per_peer);
  v("lua", "rate_limit_global", c.lua.rate_limit_global);
  v("lua", "http_enabled", c.lua.http_enabled);
  v("lua", "kv_enabled", c.lua.kv_enabled);
}

}  // namespace goop::config
