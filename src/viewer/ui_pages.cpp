#include "viewer/ui_pages.hpp"

#include "goop/config/config.hpp"
#include "viewer/management_guard.hpp"
#include "viewer/ui_assets.hpp"
#include "web/http_server.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <random>

namespace goop::viewer {
namespace {

using web::html_escape;

constexpr std::string_view kDefaultSplash = "goop2-splash2.png";

struct NavItem {
  std::string_view key;
  std::string_view href;
  std::string_view label;
};
constexpr NavItem kNav[] = {{"peers", "/peers", "Peers"},
                            {"self", "/self", "Me"},
                            {"logs", "/logs", "Logs"},
                            {"view", "/view", "View"}};

// What one page contributes to the shell.
struct Page {
  std::string_view key;     // the active nav item
  std::string_view script;  // "peers" -> /assets/js/pages/peers.js; also <body class="page-...">
  std::string title;        // already escaped
  std::string main_attrs;   // attributes of <main>, already escaped
  std::string body;         // inner HTML of <main>
};

std::string_view bool_attr(bool b) { return b ? "true" : "false"; }

std::string random_rid() {
  std::random_device rd;
  return fmt::format("{:08x}{:08x}", rd(), rd());
}

const char* kSunIcon =
    R"(<svg class="icon icon-sun" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><circle cx="12" cy="12" r="4.2" fill="currentColor"/><g stroke="currentColor" stroke-width="2" stroke-linecap="round"><path d="M12 2.5v2.2M12 19.3v2.2M2.5 12h2.2M19.3 12h2.2M5.3 5.3l1.6 1.6M17.1 17.1l1.6 1.6M5.3 18.7l1.6-1.6M17.1 6.9l1.6-1.6"/></g></svg>)";
const char* kMoonIcon =
    R"(<svg class="icon icon-moon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="currentColor" d="M20.4 14.6A8.5 8.5 0 0 1 9.4 3.6a8.5 8.5 0 1 0 11 11z"/></svg>)";

std::string shell(const UiPages& pages, const std::string& rid, const UiSettings& s,
                  const Page& p) {
  const SelfRow self = pages.self ? pages.self() : SelfRow{};
  const std::string theme = s.theme == "light" ? "light" : "dark";
  std::string nav;
  for (const auto& item : kNav) {
    const bool active = item.key == p.key;
    const bool is_view = item.key == "view";
    nav += fmt::format(R"(<a class="navitem{}" href="{}"{}{}{}>{}</a>)", active ? " active" : "",
                       item.href, is_view ? R"( id="nav-view")" : "",
                       active ? R"( aria-current="page")" : "",
                       is_view && s.open_sites_external ? " hidden" : "", item.label);
  }
  const std::string label = html_escape(self.label.empty() ? std::string("me") : self.label);
  std::string out;
  out.reserve(4096 + p.body.size());
  out += R"(<!doctype html>
<html lang="en" data-theme=")" +
         theme + R"(" data-rid=")" + rid + R"(">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="goop-token" content=")" +
         html_escape(pages.token) + R"(">
<meta name="color-scheme" content="dark light">
<title>)" +
         p.title + R"( · Goop²</title>
<link rel="icon" type="image/png" href="/assets/images/goop2-32.png">
<link rel="stylesheet" href="/assets/css/app.css">
<script type="module" src="/assets/js/pages/)" +
         std::string(p.script) + R"(.js"></script>
</head>
<body class="page-)" +
         std::string(p.script) + R"(" data-self-id=")" + html_escape(self.id) +
         R"(" data-self-label=")" + label + R"(" data-avatar-hash=")" +
         html_escape(self.avatar_hash) + R"(" data-open-sites-external=")" +
         std::string(bool_attr(s.open_sites_external)) + R"(" data-hide-unverified=")" +
         std::string(bool_attr(s.hide_unverified)) + R"(" data-rid=")" + rid + R"(">
<header class="topbar">
  <a class="brand" href="/peers" aria-label="Goop² home"><img class="brand-logo" src="/assets/images/goop2-64.png" alt="" width="28" height="28"><span class="brand-name">Goop²</span><span class="brand-tag">ephemeral web</span></a>
  <nav class="topnav" aria-label="Main">)" +
         nav + R"(</nav>
  <div class="topbar-right">
    <button id="theme-toggle" class="icon-btn theme-toggle" type="button" title="Switch theme" aria-label="Switch between dark and light theme">)" +
         kSunIcon + kMoonIcon + R"(</button>
    <a class="me" href="/self" title="Your profile"><span class="avatar avatar-sm" data-initials-of=")" +
         label + R"("><img class="avatar-img" src="/api/avatar?v=)" +
         html_escape(self.avatar_hash) + R"(" alt=""></span><span class="me-label">)" + label +
         R"(</span></a>
  </div>
</header>
<main id="main" )" +
         p.main_attrs + R"(>
)" + p.body +
         R"(
</main>
<footer class="footer"><span>Goop² · ephemeral web</span><span class="footer-sep">·</span><code class="footer-id" title="Your peer ID">)" +
         html_escape(self.id) + R"(</code></footer>
<div class="toast-container" aria-live="polite"></div>
</body>
</html>
)";
  return out;
}

Page peers_page(const UiSettings& s) {
  std::string splash = s.splash;
  if (!find_asset("images/" + splash)) splash = kDefaultSplash;
  Page p{"peers", "peers", "Peers", R"(class="peers-page")", {}};
  p.body = R"(<div class="peers-layout">
  <section class="card peers-card" aria-labelledby="peers-title">
    <div class="card-head">
      <h1 id="peers-title">Peers <span id="peer-count" class="count-pill">0</span></h1>
      <label class="switch-row"><input type="checkbox" id="addressbook-toggle" class="switch"><span>Show favourites</span></label>
    </div>
    <div class="search-row">
      <select id="peer-search-mode-selector" class="select" aria-label="Search by">
        <option value="name">Search by name</option>
        <option value="id">Search by ID</option>
      </select>
      <input id="peer-search" class="input" type="search" placeholder="Search peers…" autocomplete="off" spellcheck="false">
    </div>
    <ul id="peers-list" class="peer-list" aria-live="polite"></ul>
    <div id="peers-empty" class="empty-state">
      <div class="empty-icon" aria-hidden="true"></div>
      <p class="empty-title">Looking for peers…</p>
      <p class="empty-text">Peers on your network show up here as soon as they announce themselves.</p>
    </div>
  </section>
  <aside class="splash-col" aria-hidden="true">
    <img class="splash" src="/assets/images/)" +
           html_escape(splash) + R"(" alt="" width="800" height="1000">
  </aside>
</div>
<div id="peer-ctx-menu" class="ctx-menu" role="menu" hidden>
  <button type="button" role="menuitem" data-action="favorite">★ Add to favourites</button>
  <button type="button" role="menuitem" data-action="unfavorite">✕ Remove from favourites</button>
  <button type="button" role="menuitem" data-action="open">Open site</button>
  <button type="button" role="menuitem" data-action="details">Details</button>
</div>)";
  return p;
}

Page peer_page(const std::string& id) {
  const std::string eid = html_escape(id);
  Page p{"peers",
         "peer",
         "Peer " + html_escape(id.substr(0, 8)),
         R"(class="peer-page" data-peer-id=")" + eid + "\"",
         {}};
  p.body = R"(<a class="back-link" href="/peers">← All peers</a>
<div class="banner warn peer-unreachable-banner" role="status" hidden>
  <strong>Peer unreachable.</strong> <span>Its site and avatar cannot be fetched right now; this page updates as soon as it is back.</span>
</div>
<section class="card peer-card">
  <span class="avatar avatar-xl" data-initials-of=""><img class="avatar-img" id="peer-avatar" src="/api/avatar/peer/)" +
           eid +
           R"(" alt=""></span>
  <div class="peer-card-main">
    <h1 id="peer-name" class="peer-title">)" +
           html_escape(id.substr(0, 8)) + R"(…</h1>
    <div class="peer-badges" id="peer-badges"></div>
    <p class="peer-email muted" id="peer-email"></p>
    <button type="button" class="peer-id copyable" id="peer-id" title="Click to copy the peer ID"><code>)" +
           eid +
           R"(</code><span class="copy-hint">copy</span></button>
  </div>
  <div class="peer-card-actions">
    <a class="btn btn-primary" id="peer-open-site" href="/p/)" +
           eid + R"(/" data-peer-action>Open site</a>
    <button type="button" class="btn" id="peer-fav-btn">☆ Favourite</button>
  </div>
</section>
<section class="card">
  <h2 class="card-title">Details</h2>
  <dl class="details" id="peer-details">
    <dt>Status</dt><dd id="peer-status">—</dd>
    <dt>Connection</dt><dd id="peer-connection">—</dd>
    <dt>Last seen</dt><dd id="peer-lastseen">—</dd>
    <dt>Verified</dt><dd id="peer-verified">—</dd>
    <dt>Active template</dt><dd id="peer-template">—</dd>
  </dl>
</section>)";
  return p;
}

Page self_page() {
  Page p{"self", "self", "Me", R"(class="page-self")", {}};
  p.body = R"(<section class="card identity-card">
  <div class="identity-avatar">
    <span class="avatar avatar-xl" data-initials-of=""><img class="avatar-img" id="avatar-preview" src="/api/avatar" alt="Your avatar"></span>
    <div class="identity-avatar-actions">
      <button type="button" class="btn btn-sm" id="avatar-choose-btn">Change avatar</button>
      <button type="button" class="btn btn-sm btn-ghost" id="avatar-remove-btn" hidden>Remove</button>
      <input type="file" id="avatar-file-input" accept="image/*" hidden>
    </div>
  </div>
  <div class="identity-main">
    <h1 class="identity-label" id="self-label">…</h1>
    <p class="identity-email muted" id="self-email"></p>
    <button type="button" class="peer-id copyable" id="self-id" title="Click to copy your peer ID"><code></code><span class="copy-hint">copy</span></button>
  </div>
  <div class="identity-aside">
    <a class="btn btn-primary" id="open-my-site" href="/p/">Open my site</a>
    <dl class="details details-compact">
      <dt>Config</dt><dd><code id="self-config-path">—</code></dd>
      <dt>Site root</dt><dd><code id="self-site-root">—</code></dd>
    </dl>
  </div>
</section>
<section class="card settings-card" id="settings" aria-labelledby="settings-title">
  <div class="card-head">
    <h2 class="card-title" id="settings-title">Settings</h2>
    <span class="muted small" id="settings-file"></span>
  </div>
  <div id="settings-banners"></div>
  <div class="settings-layout">
    <nav class="settings-nav" id="settings-nav" aria-label="Settings sections"></nav>
    <form class="settings-form" id="settings-form" novalidate>
      <div id="settings-sections"><p class="muted loading-line">Loading settings…</p></div>
    </form>
  </div>
  <div class="save-bar" id="settings-save-bar">
    <span class="save-status" id="settings-dirty">No unsaved changes</span>
    <button type="button" class="btn btn-ghost" id="settings-undo" disabled>Undo changes</button>
    <button type="submit" form="settings-form" class="btn btn-primary" id="settings-save" disabled>Save</button>
  </div>
</section>)";
  return p;
}

Page logs_page() {
  Page p{"logs", "logs", "Logs", R"(class="logs-page")", {}};
  p.body = R"(<section class="card logs-card">
  <div class="logs-toolbar">
    <div class="tabs" role="tablist" aria-label="Level">
      <button type="button" class="log-tab active" data-tab="all" role="tab" aria-selected="true">All</button>
      <button type="button" class="log-tab" data-tab="debug" role="tab">Debug</button>
      <button type="button" class="log-tab" data-tab="info" role="tab">Info</button>
      <button type="button" class="log-tab" data-tab="warn" role="tab">Warn</button>
      <button type="button" class="log-tab" data-tab="error" role="tab">Error</button>
    </div>
    <input id="log-filter" class="input input-sm" type="search" placeholder="Filter lines…" autocomplete="off" spellcheck="false">
    <label class="switch-row small"><input type="checkbox" id="log-autoscroll" class="switch" checked><span>Auto-scroll</span></label>
    <button type="button" class="btn btn-sm" id="log-pause">Pause</button>
    <button type="button" class="btn btn-sm" id="copyLogsBtn">Copy</button>
  </div>
  <div id="logbox" class="logbox" data-tab="all" role="log" aria-live="off" tabindex="0"></div>
  <div class="logs-status"><span id="log-count">0 lines</span><span class="live-dot" id="log-live">connecting…</span></div>
</section>)";
  return p;
}

Page view_page() {
  Page p{"view", "view", "View", R"(class="view-page")", {}};
  p.body = R"(<div class="view-bar">
  <div id="view-tabs" class="view-tabs" role="tablist" aria-label="Open sites"></div>
  <span class="view-hint muted small">right-click a tab for options</span>
</div>
<div class="view-body" id="view-body">
  <div id="view-empty" class="empty-state view-empty" hidden>
    <div class="empty-icon" aria-hidden="true"></div>
    <p class="empty-title">No sites open</p>
    <p class="empty-text">Go to <a href="/peers">Peers</a> and click “Open Site”.</p>
  </div>
</div>
<div id="view-ctx-menu" class="ctx-menu" role="menu" hidden>
  <button type="button" role="menuitem" data-action="refresh">Refresh</button>
  <button type="button" role="menuitem" data-action="external">Open in new window</button>
  <button type="button" role="menuitem" data-action="close-others">Close other tabs</button>
  <button type="button" role="menuitem" data-action="close">Close</button>
</div>)";
  return p;
}

web::Response redirect(std::string location) {
  web::Response r;
  r.status = 302;
  r.set_header("Location", std::move(location));
  r.set_header("Cache-Control", "no-store");
  return r;
}

}  // namespace

UiSettings ui_settings_from(const config::Config& c) {
  UiSettings s;
  s.theme = c.viewer.theme == "light" ? "light" : "dark";
  s.splash = c.viewer.splash.empty() ? std::string(kDefaultSplash) : c.viewer.splash;
  s.open_sites_external = c.viewer.open_sites_external;
  s.hide_unverified = c.viewer.hide_unverified;
  return s;
}

std::string page_csp(std::uint16_t port) {
  return fmt::format(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
      "connect-src 'self'; "
      "frame-src 'self' http://*.localhost:{}; frame-ancestors 'none'; base-uri 'none'; "
      "form-action 'self'",
      port);
}

bool plausible_peer_id(std::string_view id) {
  static constexpr std::string_view kBase58 =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char ch) {
    return kBase58.find(ch) != std::string_view::npos;
  });
}

web::Response render_page(const UiPages& pages, const std::string& rid, const web::Request& req) {
  const std::string_view path = req.path;
  if (path == "/") return redirect("/peers");
  if (path == "/settings") return redirect("/self#settings");
  const UiSettings s = pages.settings ? pages.settings() : UiSettings{};
  Page page;
  if (path == "/peers") {
    page = peers_page(s);
  } else if (path == "/self") {
    page = self_page();
  } else if (path == "/logs") {
    page = logs_page();
  } else if (path == "/view") {
    if (s.open_sites_external) return redirect("/peers");
    page = view_page();
  } else if (path.starts_with("/peer/") && plausible_peer_id(path.substr(6))) {
    page = peer_page(std::string(path.substr(6)));
  } else {
    return web::Response::error(404, "no such page");
  }
  web::Response r;
  r.status = 200;
  r.body = shell(pages, rid, s, page);
  r.set_header("Content-Type", "text/html; charset=utf-8");
  r.set_header("Cache-Control", "no-store");
  r.set_header("Set-Cookie", token_cookie(pages.token, pages.port));
  r.set_header("Content-Security-Policy", page_csp(pages.port));
  r.set_header("X-Content-Type-Options", "nosniff");
  r.set_header("Referrer-Policy", "same-origin");
  return r;
}

void register_ui(web::HttpServer& server, UiPages pages) {
  register_assets(server);
  auto shared = std::make_shared<const UiPages>(std::move(pages));
  auto handler = web::SyncHandler([shared, rid = random_rid()](const web::Request& req) {
    return render_page(*shared, rid, req);
  });
  for (const char* path : {"/", "/peers", "/self", "/settings", "/logs", "/view", "/peer/*"}) {
    server.route("GET", path, handler);
  }
}

}  // namespace goop::viewer
