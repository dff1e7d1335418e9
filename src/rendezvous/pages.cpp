#include "rendezvous/pages.hpp"

#include "rendezvous/admin_auth.hpp"
#include "rendezvous/connect_urls.hpp"
#include "rendezvous/docs.hpp"
#include "rendezvous/page_assets.hpp"
#include "rendezvous/page_html.hpp"
#include "web/http_server.hpp"

#include <fmt/core.h>

#include <memory>

namespace goop::rendezvous {
namespace {

constexpr std::string_view kAssetPrefix = "/assets/";
constexpr std::string_view kDocsPrefix = "/docs/";

// What the handlers share; immutable after register_pages().
struct State {
  PagesContext ctx;
  AdminAuth auth;
  DocsSite docs;

  explicit State(PagesContext c)
      : ctx(std::move(c)), auth(ctx.admin_password), docs(DocsSite::load()) {}

  std::string endpoint() const { return ctx.endpoint ? ctx.endpoint() : std::string(); }
  RendezvousStats stats() const { return ctx.stats ? ctx.stats() : RendezvousStats{}; }
};

web::Response json_no_store(std::string body) {
  auto r = web::Response::json(200, std::move(body));
  r.set_header("Cache-Control", "no-store");
  r.set_header("X-Content-Type-Options", "nosniff");
  return r;
}

web::Response landing(const State& st) {
  const std::string endpoint = st.endpoint();
  LandingView v;
  v.admin_enabled = st.auth.enabled();
  v.endpoint = st.ctx.external_url.empty() ? endpoint : st.ctx.external_url;
  // Interfaces are only looked up when the server listens on all of them (connect_urls).
  const bool wildcard = endpoint.find("://0.0.0.0") != std::string::npos ||
                        endpoint.find("://[::]") != std::string::npos;
  v.connect_urls =
      connect_urls(st.ctx.external_url, endpoint,
                   wildcard && st.ctx.external_url.empty() ? local_ipv4_addresses()
                                                           : std::vector<std::string>{});
  return html_page_response(200, landing_html(v));
}

// 302 to the first docs page.
web::Response docs_redirect(const State& st) {
  web::Response r;
  r.status = 302;
  const auto pages = st.docs.pages();
  r.set_header("Location", pages.empty() ? std::string("/") : "/docs/" + pages.front().slug);
  return r;
}

web::Response docs_page(const State& st, const web::Request& req) {
  std::string_view slug = req.path;
  slug.remove_prefix(kDocsPrefix.size());
  if (slug.ends_with('/')) slug.remove_suffix(1);
  const DocPage* page = st.docs.find(slug);
  if (!page) return html_page_response(404, docs_not_found_html(st.docs, slug, st.auth.enabled()));
  return html_page_response(200, docs_html(st.docs, st.docs.index_of(*page), st.auth.enabled()));
}

std::string stats_json(const RendezvousStats& s) {
  return fmt::format(
      R"({{"peers":{},"ws_clients":{},"sse_clients":{},"published":{},"refused":{}}})", s.peers,
      s.ws_clients, s.sse_clients, s.published, s.refused);
}

}  // namespace

void register_pages(web::HttpServer& server, PagesContext ctx) {
  auto st = std::make_shared<const State>(std::move(ctx));

  server.route("GET", "/", web::SyncHandler([st](const web::Request&) { return landing(*st); }));
  server.route("GET", "/assets/*", web::SyncHandler([](const web::Request& req) {
                 std::string_view path = req.path;
                 path.remove_prefix(kAssetPrefix.size());
                 return asset_response(find_embedded(page_assets(), path),
                                       req.header("If-None-Match"));
               }));
  server.route("GET", "/favicon.ico", web::SyncHandler([](const web::Request& req) {
                 return asset_response(find_embedded(page_assets(), "logo.svg"),
                                       req.header("If-None-Match"));
               }));

  server.route("GET", "/docs",
               web::SyncHandler([st](const web::Request&) { return docs_redirect(*st); }));
  server.route("GET", "/docs/*", web::SyncHandler([st](const web::Request& req) {
                 return req.path == kDocsPrefix ? docs_redirect(*st) : docs_page(*st, req);
               }));

  server.route("GET", "/admin", web::SyncHandler([st](const web::Request& req) {
                 if (auto refused = st->auth.refuse(req)) return std::move(*refused);
                 return html_page_response(200, admin_html(st->stats()), "no-store");
               }));
  server.route("GET", "/peers.json", web::SyncHandler([st](const web::Request& req) {
                 if (auto refused = st->auth.refuse(req)) return std::move(*refused);
                 std::string body = st->ctx.peers_json ? st->ctx.peers_json() : std::string();
                 return json_no_store(body.empty() ? std::string("[]") : std::move(body));
               }));
  server.route("GET", "/logs.json", web::SyncHandler([st](const web::Request& req) {
                 if (auto refused = st->auth.refuse(req)) return std::move(*refused);
                 std::string body = st->ctx.logs_json ? st->ctx.logs_json() : std::string();
                 return json_no_store(body.empty() ? std::string("[]") : std::move(body));
               }));
  server.route("GET", "/stats.json", web::SyncHandler([st](const web::Request& req) {
                 if (auto refused = st->auth.refuse(req)) return std::move(*refused);
                 return json_no_store(stats_json(st->stats()));
               }));
}

}  // namespace goop::rendezvous
