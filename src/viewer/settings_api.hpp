#pragma once
// The viewer's settings routes (spec/viewer.md §2.4, §9), over the peer's ConfigService:
//   GET  /api/settings            {"config": {every goop.json field by section, without
//                                 p2p.nacl_private_key}, "restart_fields": [dotted keys that
//                                 apply only after a restart], "config_path", "site_root"}.
//                                 The management guard asks for the token header here.
//   POST /api/settings            {"changes": {"section.field": value, ...}} -> 200
//                                 {"ok":true,"restart_needed":[...],"config":{...}};
//                                 400 (malformed, unknown key, wrong type, read-only key) or
//                                 422 (a validation rule) or 500 (not written) with
//                                 {"error":"<sentence>","field":"<dotted key or empty>"}.
//   GET  /api/settings/quick/get  the Go quick-settings object (label, email,
//                                 verification_token, theme, preferred_cam, preferred_mic,
//                                 video_disabled, hide_unverified, open_sites_external).
//   POST /api/settings/quick      any subset of label, email, verification_token, theme,
//                                 preferred_cam, preferred_mic, video_disabled, hide_unverified,
//                                 open_sites_external, use_services, bridge_token, bridge_mode
//                                 (label/email/tokens trimmed; a theme other than "light" or
//                                 "dark" ignored; other keys ignored, as in Go) ->
//                                 {"status":"ok"}; errors as POST /api/settings (Go answers 500).
// Nothing is written when a request is refused.
//
// Executor rule: register and serve on the node executor (the ConfigService's).

#include "goop/config/service.hpp"

#include <filesystem>

namespace goop::web {
class HttpServer;
}

namespace goop::viewer {

struct SettingsApi {
  config::ConfigService& config;
  std::filesystem::path peer_dir;  // relative paths of goop.json are resolved against it
};

void register_settings_api(web::HttpServer& server, SettingsApi api);

}  // namespace goop::viewer
