#include "app/peer_viewer.hpp"

#include "base/host_port.hpp"
#include "goop/config/service.hpp"
#include "goop/content/avatar_protocol.hpp"
#include "goop/content/content_protocol.hpp"
#include "goop/presence/identity_payload.hpp"
#include "goop/presence/peer_cache_sync.hpp"
#include "goop/presence/peer_table.hpp"
#include "goop/presence/presence_service.hpp"
#include "p2p/host/host.hpp"
#include "viewer/avatar_api.hpp"
#include "viewer/events_api.hpp"
#include "viewer/log_buffer.hpp"
#include "viewer/logs_api.hpp"
#include "viewer/management_guard.hpp"
#include "viewer/peers_api.hpp"
#include "viewer/settings_api.hpp"
#include "viewer/site_proxy.hpp"
#include "viewer/ui_pages.hpp"
#include "web/http_server.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace goop::app {
namespace asio = boost::asio;

PeerViewer::PeerViewer(asio::any_io_executor ex, PeerViewerParts parts)
    : ex_(std::move(ex)), p_(std::move(parts)), avatar_hash_(viewer::own_avatar_hash(p_.dir)) {}

PeerViewer::~PeerViewer() = default;

Expected<void> PeerViewer::start() {
  // Empty means a free port on loopback (seeds/configuration.txt).
  std::string addr = config::normalized_http_addr(p_.settings.current().viewer.http_addr);
  if (addr.empty()) addr = "127.0.0.1:0";
  auto hp = parse_host_port(addr);
  if (!hp) return Error{hp.error().code, "viewer.http_addr " + hp.error().message};
  if (hp->host == "localhost") hp->host = "127.0.0.1";
  web::HttpServer::Options opts;
  opts.bind = hp->host;
  opts.port = hp->port;
  server_ = std::make_unique<web::HttpServer>(ex_, opts);
  if (auto r = server_->listen(); !r) {
    return Error{r.error().code,
                 fmt::format("the viewer cannot listen on {}: {} (change viewer.http_addr in "
                             "goop.json, or stop what uses the port)",
                             addr, r.error().message)};
  }
  // The Host values the viewer answers to, and its origins: loopback, plus the bind address.
  auto hosts = web::loopback_hosts(server_->port());
  const std::string bound = format_host_port(hp->host, server_->port());
  if (std::find(hosts.begin(), hosts.end(), bound) == hosts.end()) hosts.push_back(bound);
  std::vector<std::string> origins;
  for (const auto& h : hosts) origins.push_back("http://" + h);
  const std::string token = viewer::new_session_token();
  server_->add_guard(web::host_allow_list_guard(std::move(hosts)));
  server_->add_guard(viewer::management_guard(token, server_->port(), origins));
  register_routes(token, std::move(origins));
  url_ = "http://" + bound;
  return {};
}

void PeerViewer::register_routes(const std::string& token, std::vector<std::string> origins) {
  web::HttpServer& server = *server_;
  const config::Config& cfg = p_.settings.current();  // live: changes show at once
  auto self_row = [this, &cfg] {
    return viewer::SelfRow{p_.host.id().to_base58(), cfg.profile.label, cfg.profile.email,
                           avatar_hash_};
  };
  // The pages and assets; each page hands over the management token.
  viewer::register_ui(server, viewer::UiPages{token, server.port(), self_row,
                                              [&cfg] { return viewer::ui_settings_from(cfg); }});
  viewer::register_events_api(
      server, viewer::EventsApi{p_.bus, [this] {
                                  std::vector<std::string> out;
                                  for (const auto& [peer, entry] : p_.table.entries()) {
                                    out.push_back(presence::identity_json(peer, entry,
                                                                          SystemClock::instance()));
                                  }
                                  return out;
                                }});
  viewer::register_peers_api(
      server, viewer::PeersApi{p_.table, self_row, [this] { return p_.presence.probe_all(); },
                               [this](const std::string& peer, bool favorite) {
                                 return p_.cache.set_favorite(peer, favorite);
                               },
                               SystemClock::instance()});
  viewer::register_settings_api(server, viewer::SettingsApi{p_.settings, p_.dir});
  viewer::register_avatar_api(
      server, viewer::AvatarApi{p_.host.id().to_base58(), p_.dir, self_row, p_.table,
                                [this](p2p::PeerId peer) {
                                  return content::fetch_avatar(p_.host, std::move(peer),
                                                               viewer::kRemoteFetchTimeout);
                                },
                                [this](p2p::PeerId peer) {
                                  return content::fetch_label(p_.host, std::move(peer),
                                                              viewer::kRemoteFetchTimeout);
                                },
                                [this](const std::string& hash) {
                                  // Our avatar is announced like the announced settings
                                  // (config/announced.hpp).
                                  avatar_hash_ = hash;
                                  p_.presence.announce_now();
                                }});
  p_.table.on_event([dir = p_.dir](const std::string& peer, presence::PeerEvent e) {
    if (e == presence::PeerEvent::kRemove) viewer::forget_cached_avatar(dir, peer);
  });
  logs_ = std::make_unique<viewer::LogsApi>(server, viewer::process_log_buffer(), ex_);
  // Every peer's site on http://<cid>.localhost:<port>/, ours from disk under the rules of
  // /goop/site/1.0.0; /p/<id> redirects there.
  viewer::SiteProxyOptions so(p_.host.id());
  so.site_root = p_.site.root;
  so.forbidden_prefixes = p_.site.forbidden_prefixes;
  so.port = server.port();
  so.viewer_origins = std::move(origins);
  so.peer_name = [this](const p2p::PeerId& peer) {
    const presence::PeerEntry* e = p_.table.find(peer.to_base58());
    return e ? e->identity.content : std::string();
  };
  viewer::register_site_proxy(server, p_.host, std::move(so));
}

asio::awaitable<void> PeerViewer::async_stop(Duration deadline) {
  if (!server_) co_return;
  (void)co_await server_->async_stop(deadline);
  if (logs_) logs_->stop();
}

}  // namespace goop::app
