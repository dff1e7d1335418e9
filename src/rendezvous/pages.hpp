#pragma once
// The rendezvous server's web pages (spec/rendezvous.md §9 admin dashboard, §13 landing page and
// docs site), registered on the server's HttpServer by register_pages().
//
// Routes (HEAD falls back to GET):
//   GET /               landing page: what Goop2 is, how to join, this server's connect URL
//   GET /assets/*       embedded css/js/svg (page_assets.hpp), ETag + 304
//   GET /favicon.ico    the logo (SVG)
//   GET /docs, /docs/   302 to /docs/overview
//   GET /docs/<slug>    a docs page (docs.hpp); unknown slug -> 404 page
//   GET /admin          the admin dashboard (admin, see admin_auth.hpp)
//   GET /peers.json     ctx.peers_json() (admin)
//   GET /logs.json      ctx.logs_json() (admin)
//   GET /stats.json     ctx.stats() as {"peers","ws_clients","sse_clients","published","refused"}
//                       (admin; the dashboard's live cards)
// Admin routes answer 403 `admin panel disabled` when ctx.admin_password is empty and 401
// `unauthorized` (with WWW-Authenticate) for missing or wrong credentials, both text/plain.
//
// Every HTML page carries `Content-Security-Policy: default-src 'self'; img-src 'self' data:;
// frame-ancestors 'none'` and has no inline script or style; every value from the context or
// from peers is HTML-escaped on the server, and the dashboard's script inserts peer data with
// textContent only (spec §17.5). JSON answers carry Cache-Control: no-store.
//
// Executor rule: register on the server's executor; the context's functions are called from
// request handlers on that executor, never after the server has stopped.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace goop::web {
class HttpServer;
}

namespace goop::rendezvous {

struct RendezvousStats {
  std::size_t peers = 0, ws_clients = 0, sse_clients = 0;
  std::uint64_t published = 0, refused = 0;
};

struct PagesContext {
  std::string admin_password;               // "" = no admin at all (403 "admin panel disabled")
  std::string external_url;                 // "" if unset, trailing '/' stripped
  std::function<std::string()> endpoint;    // "http://<bind>:<port>" once listening
  std::function<std::string()> peers_json;  // /peers.json body (spec §4.2 rows, §4.6 order)
  std::function<std::string()> logs_json;   // /logs.json body (JSON array of "[HH:MM:SS] msg")
  std::function<RendezvousStats()> stats;   // counts for the dashboard
};

// Registers the routes above. Renders the docs once, here. A missing function in `ctx` is treated
// as returning "" / "[]" / zero counts.
void register_pages(web::HttpServer& server, PagesContext ctx);

}  // namespace goop::rendezvous
