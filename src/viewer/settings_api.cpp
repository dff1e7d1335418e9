#include "viewer/settings_api.hpp"

#include "base/ascii.hpp"
#include "web/http_server.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

#include <array>
#include <tuple>
#include <utility>

namespace goop::viewer {
namespace json = boost::json;
namespace fs = std::filesystem;
namespace {

json::array string_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

web::Response change_error(const config::ChangeError& e) {
  int status = 400;
  if (e.kind == config::ChangeError::Kind::kInvalid) status = 422;
  if (e.kind == config::ChangeError::Kind::kIo) status = 500;
  json::object o{{"error", e.message}, {"field", e.field}};
  return web::Response::json(status, json::serialize(o));
}

web::Response bad_body(std::string message) {
  json::object o{{"error", std::move(message)}, {"field", ""}};
  return web::Response::json(400, json::serialize(o));
}

// The request body as a JSON object, or why not.
std::optional<json::object> body_object(const web::Request& req, std::string& why) {
  boost::system::error_code ec;
  json::value v = json::parse(req.body, ec);
  if (ec) {
    why = fmt::format("the body is not valid JSON ({})", ec.message());
    return std::nullopt;
  }
  if (!v.is_object()) {
    why = "the body must be a JSON object";
    return std::nullopt;
  }
  return std::move(v.as_object());
}

std::string absolute_text(const fs::path& p) {
  std::error_code ec;
  const fs::path abs = fs::absolute(p, ec);
  return (ec ? p : abs).lexically_normal().string();
}

web::Response get_settings(const SettingsApi& api) {
  const config::Config& c = api.config.current();
  std::string body = "{\"config\":" + config::to_public_json(c);
  body += ",\"restart_fields\":" + json::serialize(string_array(config::restart_fields()));
  body += ",\"config_path\":" + json::serialize(json::string(absolute_text(api.config.file())));
  body += ",\"site_root\":" + json::serialize(json::string(
                                  absolute_text(config::resolve(api.peer_dir, c.paths.site_root))));
  body += "}";
  return web::Response::json(200, std::move(body));
}

web::Response post_settings(const SettingsApi& api, const web::Request& req) {
  std::string why;
  auto body = body_object(req, why);
  if (!body) return bad_body(why);
  const json::value* changes = body->if_contains("changes");
  if (!changes || !changes->is_object()) {
    return bad_body("the body must be {\"changes\": {\"section.field\": value, ...}}");
  }
  auto out = api.config.update(json::serialize(*changes));
  if (out.error) return change_error(*out.error);
  std::string reply = "{\"ok\":true,\"restart_needed\":" +
                      json::serialize(string_array(out.updated->restart_needed));
  reply += ",\"config\":" + config::to_public_json(api.config.current()) + "}";
  return web::Response::json(200, std::move(reply));
}

web::Response get_quick(const SettingsApi& api) {
  const config::Config& c = api.config.current();
  json::object o;
  o["label"] = c.profile.label;
  o["email"] = c.profile.email;
  o["verification_token"] = c.profile.verification_token;
  o["theme"] = c.viewer.theme;
  o["preferred_cam"] = c.viewer.preferred_cam;
  o["preferred_mic"] = c.viewer.preferred_mic;
  o["video_disabled"] = c.viewer.video_disabled;
  o["hide_unverified"] = c.viewer.hide_unverified;
  o["open_sites_external"] = c.viewer.open_sites_external;
  return web::Response::json(200, json::serialize(o));
}

web::Response post_quick(const SettingsApi& api, const web::Request& req) {
  std::string why;
  auto body = body_object(req, why);
  if (!body) return bad_body(why);
  // Quick key -> goop.json key, and whether a string value is trimmed (spec §2.4, §9.3).
  static constexpr std::array<std::tuple<std::string_view, std::string_view, bool>, 12> kMap = {{
      {"label", "profile.label", true},
      {"email", "profile.email", true},
      {"verification_token", "profile.verification_token", true},
      {"theme", "viewer.theme", false},
      {"preferred_cam", "viewer.preferred_cam", false},
      {"preferred_mic", "viewer.preferred_mic", false},
      {"video_disabled", "viewer.video_disabled", false},
      {"hide_unverified", "viewer.hide_unverified", false},
      {"open_sites_external", "viewer.open_sites_external", false},
      {"use_services", "presence.use_services", false},
      {"bridge_token", "profile.bridge_token", true},
      {"bridge_mode", "p2p.bridge_mode", false},
  }};
  json::object changes;
  for (const auto& [quick, dotted, trim] : kMap) {
    const json::value* v = body->if_contains(quick);
    if (!v) continue;
    if (quick == "theme" &&
        !(v->is_string() && (v->as_string() == "light" || v->as_string() == "dark"))) {
      continue;  // as Go: another theme is ignored
    }
    if (trim && v->is_string()) {
      changes[dotted] = std::string(ascii::trim(v->as_string()));
    } else {
      changes[dotted] = *v;
    }
  }
  auto out = api.config.update(json::serialize(changes));
  if (out.error) return change_error(*out.error);
  return web::Response::json(200, R"({"status":"ok"})");
}

}  // namespace

void register_settings_api(web::HttpServer& server, SettingsApi api) {
  auto shared = std::make_shared<SettingsApi>(std::move(api));
  server.route("GET", "/api/settings",
               web::SyncHandler([shared](const web::Request&) { return get_settings(*shared); }));
  server.route("POST", "/api/settings", web::SyncHandler([shared](const web::Request& req) {
                 return post_settings(*shared, req);
               }));
  server.route("GET", "/api/settings/quick/get",
               web::SyncHandler([shared](const web::Request&) { return get_quick(*shared); }));
  server.route("POST", "/api/settings/quick", web::SyncHandler([shared](const web::Request& req) {
                 return post_quick(*shared, req);
               }));
}

}  // namespace goop::viewer
