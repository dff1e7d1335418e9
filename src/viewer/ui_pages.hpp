#pragma once
// The viewer's HTML pages (spec/viewer.md §6.1-6.4, §6.10, §6.12) and their assets:
//   GET /            -> 302 /peers
//   GET /peers       peers list (live from /api/mq/events)
//   GET /peer/<id>   one peer
//   GET /self        identity card and every goop.json setting (#settings)
//   GET /settings    -> 302 /self#settings
//   GET /logs        live log tail
//   GET /view        embedded site tabs (-> 302 /peers when viewer.open_sites_external)
//   GET /assets/*    the embedded css/js/images (ui_assets.hpp)
//
// Every page is the same shell: <html data-theme> from viewer.theme (anything but "light" is
// dark), the token hand-over of management_guard.hpp (the HttpOnly cookie and
// <meta name="goop-token">), header, navigation and footer; the page's own script builds the
// rest from the JSON API. Pages carry a strict Content-Security-Policy (no inline script or
// style: data reaches the scripts through data-* attributes) and Cache-Control: no-store (the
// token is inside). Every value from the config or the network is HTML-escaped.
//
// Executor rule: register and serve on the viewer's executor; `self` and `settings` are called
// there, once per page render.

#include "viewer/peers_api.hpp"
#include "web/http.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace goop::config {
struct Config;
}
namespace goop::web {
class HttpServer;
}

namespace goop::viewer {

// The settings a page render reads (re-read on every render, so a saved change shows on the
// next page load).
struct UiSettings {
  std::string theme = "dark";  // "dark" | "light"
  std::string splash = "goop2-splash2.png";
  bool open_sites_external = false;
  bool hide_unverified = false;
};
UiSettings ui_settings_from(const config::Config& c);

struct UiPages {
  std::string token;       // the management token (management_guard.hpp)
  std::uint16_t port = 0;  // the viewer's port: peer-site origins are *.localhost:<port>
  std::function<SelfRow()> self;
  std::function<UiSettings()> settings;
};

// Registers the pages above and /assets/*.
void register_ui(web::HttpServer& server, UiPages pages);

// --- Exposed for tests. ---
// The Content-Security-Policy of every page for a viewer on `port`.
std::string page_csp(std::uint16_t port);
// True if `id` looks like a peer ID (base58, 1..128 characters).
bool plausible_peer_id(std::string_view id);
// The response for GET `req` (any page route above except /assets/*), or 404.
web::Response render_page(const UiPages& pages, const std::string& rid, const web::Request& req);

}  // namespace goop::viewer
