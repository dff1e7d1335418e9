#include "rendezvous/page_html.hpp"

#include <fmt/core.h>

namespace goop::rendezvous {
namespace {

using web::html_escape;

constexpr std::string_view kThemeIcons =
    R"(<svg class="icon icon-sun" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><circle cx="12" cy="12" r="4.5" fill="currentColor"/><path d="M12 1.8v2.6M12 19.6v2.6M1.8 12h2.6M19.6 12h2.6M4.8 4.8l1.8 1.8M17.4 17.4l1.8 1.8M4.8 19.2l1.8-1.8M17.4 6.6l1.8-1.8" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg>)"
    R"(<svg class="icon icon-moon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="currentColor" d="M19.8 15.2A8 8 0 0 1 8.8 4.2a8.2 8.2 0 1 0 11 11z"/></svg>)";

struct Link {
  std::string_view href;
  std::string_view label;
  bool current = false;
};

struct Shell {
  std::string_view kind;      // body class suffix: landing, docs, admin
  std::string title;          // plain text
  std::string_view subtitle;  // next to the brand
  std::vector<Link> links;
  std::vector<std::string_view> scripts;  // under /assets/js/, loaded with defer
  std::string footer;                     // inner HTML of <footer>, already escaped
};

std::string document(const Shell& s, std::string_view main_html) {
  std::string out;
  out.reserve(2048 + main_html.size());
  out += R"(<!doctype html>
<html lang="en" data-theme="dark">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark light">
<title>)";
  out += html_escape(s.title);
  out += R"(</title>
<link rel="icon" type="image/svg+xml" href="/assets/logo.svg">
<link rel="stylesheet" href="/assets/css/rendezvous.css">
<script src="/assets/js/theme.js"></script>
)";
  for (const auto js : s.scripts)
    out += fmt::format("<script src=\"/assets/js/{}\" defer></script>\n", js);
  out += fmt::format("</head>\n<body class=\"page-{}\">\n<header class=\"bar\">\n", s.kind);
  out +=
      R"(  <a class="brand" href="/"><img src="/assets/logo.svg" alt="" width="30" height="30"><span class="brand-name">Goop²</span>)";
  out += fmt::format(
      "<span class=\"brand-sub\">{}</span></a>\n  <nav class=\"bar-links\" aria-label=\"Site\">",
      html_escape(s.subtitle));
  for (const auto& l : s.links) {
    out += fmt::format(R"(<a href="{}"{}>{}</a>)", html_escape(l.href),
                       l.current ? R"( aria-current="page")" : "", html_escape(l.label));
  }
  out += R"(</nav>
  <button id="theme-toggle" class="icon-btn" type="button" aria-label="Switch between dark and light theme" title="Switch theme">)";
  out += kThemeIcons;
  out += "</button>\n</header>\n";
  out += main_html;
  out += "<footer class=\"foot\">";
  out += s.footer;
  out += "</footer>\n</body>\n</html>\n";
  return out;
}

std::string default_footer() {
  return R"(<span>Goop² is free software (GPLv2). Sites live on their owners' machines; this server only introduces peers.</span>)";
}

std::vector<Link> public_links(bool admin_enabled, std::string_view current) {
  std::vector<Link> links;
  links.push_back(Link{"/", "Home", current == "home"});
  links.push_back(Link{"/docs", "Docs", current == "docs"});
  if (admin_enabled) links.push_back(Link{"/admin", "Admin", false});
  return links;
}

std::string docs_nav(const DocsSite& site, const DocPage* current) {
  std::string out = R"(<nav class="docs-nav" aria-label="Documentation"><h2>User guide</h2><ul>)";
  for (const auto& p : site.pages()) {
    const bool is_current = &p == current;
    out += fmt::format(R"(<li><a href="/docs/{}"{}>{}</a></li>)", html_escape(p.slug),
                       is_current ? R"( class="current" aria-current="page")" : "",
                       html_escape(p.title));
  }
  out += "</ul></nav>\n";
  return out;
}

std::string stat_card(std::string_view id, std::string_view label, std::uint64_t value) {
  return fmt::format(
      R"(<div class="stat"><span class="stat-label">{}</span><span class="stat-value" id="{}">{}</span></div>)",
      html_escape(label), id, value);
}

}  // namespace

web::Response html_page_response(int status, std::string html, std::string_view cache_control) {
  web::Response r;
  r.status = status;
  r.set_header("Content-Type", "text/html; charset=utf-8");
  r.set_header("Content-Security-Policy", std::string(kPageCsp));
  r.set_header("X-Content-Type-Options", "nosniff");
  r.set_header("X-Frame-Options", "DENY");
  r.set_header("Referrer-Policy", "no-referrer");
  r.set_header("Cache-Control", std::string(cache_control));
  r.body = std::move(html);
  return r;
}

std::string landing_html(const LandingView& v) {
  Shell s{"landing",      "Goop² Rendezvous",
          "rendezvous",   public_links(v.admin_enabled, "home"),
          {"landing.js"}, {}};
  s.footer = default_footer();
  if (!v.endpoint.empty()) {
    s.footer +=
        fmt::format(R"(<code class="chip" title="This server">{}</code>)", html_escape(v.endpoint));
  }
  const std::string first_url =
      v.connect_urls.empty() ? std::string("https://rendezvous.example") : v.connect_urls.front();

  std::string m = R"(<main class="landing">
<section class="hero">
  <div class="hero-text">
    <h1>Goop² Rendezvous</h1>
    <p class="lead">Welcome to the ephemeral web.</p>
    <p>Goop2 is a peer-to-peer web. Every site is served straight from its owner's machine while
    the owner is online, and disappears when they go offline: no hosting, no uploads, no
    platform in between. This rendezvous server helps peers on different networks find each
    other. It never sees or stores their sites.</p>
    <ul class="features">
      <li><strong>Your machine is the server.</strong> A peer is one folder: settings, an identity key, a <code>site/</code> directory and a small database.</li>
      <li><strong>Direct connections.</strong> Visitors fetch pages from you over encrypted libp2p streams.</li>
      <li><strong>Presence, not permanence.</strong> Peers announce themselves every few seconds; silence means offline.</li>
      <li><strong>No central control.</strong> Peers on one LAN find each other by mDNS; a rendezvous like this one joins networks together.</li>
    </ul>
  </div>
  <img class="hero-art" src="/assets/logo.svg" alt="" width="180" height="180">
</section>
<section class="panel join" aria-labelledby="join-title">
  <h2 id="join-title">Join this network</h2>
  <ol class="steps">
    <li><span class="step-title">Run a peer.</span> Build Goop2 and start it with <code>goop2 peer &lt;folder&gt;</code>; it opens a viewer on your machine.</li>
    <li><span class="step-title">Point it here.</span> Put this server's URL in <code>presence.rendezvous_wan</code> of the peer's <code>goop.json</code> (or in the viewer's settings) and restart the peer.</li>
    <li><span class="step-title">Browse.</span> Everyone connected to this server appears in your viewer's peer list; open their sites from there.</li>
  </ol>
)";
  if (!v.connect_urls.empty()) {
    m += R"(  <div class="connect"><h3>Server URL</h3><ul class="connect-urls">)";
    for (const auto& u : v.connect_urls) {
      m += fmt::format(
          R"(<li><button class="copy" type="button" data-copy="{0}" title="Copy to clipboard"><code>{0}</code><span class="copy-hint">Copy</span></button></li>)",
          html_escape(u));
    }
    m += "</ul></div>\n";
  }
  m += R"(  <pre class="snippet"><code>{
  "presence": {
    "rendezvous_wan": ")" +
       html_escape(first_url) + R"("
  }
}</code></pre>
</section>
<section class="panel about">
  <h2>What a rendezvous does</h2>
  <p>Peers publish a small presence message (label, addresses, a timestamp) and receive everyone
  else's in real time over a WebSocket or an event stream. Peers then connect to each other
  directly. Rows vanish when a peer stops announcing itself. Read the <a href="/docs">docs</a>
  to run your own.</p>
</section>
</main>
)";
  return document(s, m);
}

std::string docs_html(const DocsSite& site, std::size_t index, bool admin_enabled) {
  const auto pages = site.pages();
  const DocPage& page = pages[index];
  Shell s{"docs",
          page.title + " · Goop² Documentation",
          "documentation",
          public_links(admin_enabled, "docs"),
          {},
          default_footer()};
  std::string m = "<main class=\"docs\">\n" + docs_nav(site, &page);
  m += "<div class=\"docs-body\"><article class=\"doc\">\n" + page.html +
       "</article>\n<nav class=\"pager\" aria-label=\"Pages\">";
  if (index > 0) {
    const auto& prev = pages[index - 1];
    m += fmt::format(R"(<a class="prev" href="/docs/{}" rel="prev"><span>Previous</span>{}</a>)",
                     html_escape(prev.slug), html_escape(prev.title));
  }
  if (index + 1 < pages.size()) {
    const auto& next = pages[index + 1];
    m += fmt::format(R"(<a class="next" href="/docs/{}" rel="next"><span>Next</span>{}</a>)",
                     html_escape(next.slug), html_escape(next.title));
  }
  m += "</nav></div>\n</main>\n";
  return document(s, m);
}

std::string docs_not_found_html(const DocsSite& site, std::string_view slug, bool admin_enabled) {
  Shell s{"docs",
          "Not found · Goop² Documentation",
          "documentation",
          public_links(admin_enabled, "docs"),
          {},
          default_footer()};
  std::string m = "<main class=\"docs\">\n" + docs_nav(site, nullptr);
  m += fmt::format(
      R"(<div class="docs-body"><article class="doc"><h1>Page not found</h1><p>There is no page called <code>{}</code>. Pick one from the list.</p></article></div>)",
      html_escape(slug));
  m += "\n</main>\n";
  return document(s, m);
}

std::string admin_html(const RendezvousStats& stats) {
  Shell s{"admin",      "Goop² Admin",
          "admin",      {Link{"/docs", "Docs", false}, Link{"/", "Public", false}},
          {"admin.js"}, {}};
  s.footer =
      R"(<span class="live-status"><span class="live" id="live-dot" aria-hidden="true"></span><span id="live-text">live</span></span><span>Refreshes every 2 s while this tab is visible.</span>)";
  std::string m = R"(<main class="admin">
<nav class="side" aria-label="Dashboard sections">
  <button class="side-item active" type="button" data-section="overview" aria-current="page">Overview</button>
  <button class="side-item" type="button" data-section="peers">Peers <span class="count" id="nav-peer-count">)" +
                  std::to_string(stats.peers) + R"(</span></button>
  <button class="side-item" type="button" data-section="logs">Logs</button>
</nav>
<div class="sections">
<section class="section" id="section-overview" aria-labelledby="overview-title">
  <h1 id="overview-title">Overview</h1>
  <div class="stats">)";
  m += stat_card("stat-peers", "Connected peers", stats.peers);
  m += stat_card("stat-ws", "WS clients", stats.ws_clients);
  m += stat_card("stat-sse", "SSE clients", stats.sse_clients);
  m += stat_card("stat-published", "Published", stats.published);
  m += stat_card("stat-refused", "Refused", stats.refused);
  m +=
      R"(<div class="stat"><span class="stat-label">Server time</span><span class="stat-value" id="stat-clock">--:--:--</span></div>)";
  m += R"(</div>
</section>
<section class="section" id="section-peers" aria-labelledby="peers-title" hidden>
  <div class="section-head"><h1 id="peers-title">Peers</h1>
  <input id="peer-filter" type="search" placeholder="Filter by label, email, ID, address" aria-label="Filter peers" autocomplete="off"></div>
  <p class="empty" id="peers-empty">No peers are connected.</p>
  <ul class="peer-list" id="peer-list"></ul>
</section>
<section class="section" id="section-logs" aria-labelledby="logs-title" hidden>
  <h1 id="logs-title">Logs</h1>
  <p class="hint">Newest first.</p>
  <pre class="log" id="log-lines"></pre>
</section>
</div>
</main>
)";
  return document(s, m);
}

}  // namespace goop::rendezvous
