#pragma once
// STUB in branch rv-server: the interface of the rendezvous pages (landing page, docs, admin
// dashboard) agreed in the issue-6 brief, so the server builds before helper "rv-pages" lands.
// At merge the lead takes rv-pages' pages.hpp/pages.cpp instead of this pair.

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
  std::string admin_password;                // "" = no admin at all (403 "admin panel disabled")
  std::string external_url;                  // "" if unset, trailing '/' stripped
  std::function<std::string()> endpoint;     // "http://<bind>:<port>" once listening
  std::function<std::string()> peers_json;   // /peers.json body (spec §4.2 rows, §4.6 order)
  std::function<std::string()> logs_json;    // /logs.json body (JSON array of "[HH:MM:SS] msg")
  std::function<RendezvousStats()> stats;    // counts for the dashboard
};

// Registers GET / (landing), /assets/*, /favicon.ico, /docs, /docs/<slug>, /admin,
// /peers.json, /logs.json (admin: Basic auth user "admin", constant-time compare).
void register_pages(web::HttpServer& server, PagesContext ctx);

}  // namespace goop::rendezvous
