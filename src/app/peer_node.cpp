// The composition root of a peer: every part is built here, in the order it depends on the
// others, then connected to the others' events; the Lifecycle starts them in order.

#include "app/peer_node.hpp"

#include "app/peer_viewer.hpp"
#include "app/rendezvous_clients.hpp"
#include "app/version.hpp"
#include "base/log.hpp"
#include "goop/config/announced.hpp"
#include "goop/config/service.hpp"
#include "goop/content/avatar_protocol.hpp"
#include "goop/content/content_protocol.hpp"
#include "goop/content/site_protocol.hpp"
#include "goop/mq/local_bus.hpp"
#include "goop/presence/background_dialer.hpp"
#include "goop/presence/connection_badges.hpp"
#include "goop/presence/from_config.hpp"
#include "goop/presence/identity_payload.hpp"
#include "goop/presence/lan_discovery.hpp"
#include "goop/presence/peer_cache_sync.hpp"
#include "goop/presence/peer_table.hpp"
#include "goop/presence/presence_service.hpp"
#include "p2p/host/host.hpp"
#include "p2p/protocol/gossipsub/gossipsub.hpp"
#include "p2p/transport/tcp/tcp_transport.hpp"

#include <fmt/core.h>

namespace goop::app {
namespace asio = boost::asio;
namespace {

log::Logger lg("app");

std::vector<std::string> to_strings(const std::vector<p2p::Multiaddr>& addrs) {
  std::vector<std::string> out;
  out.reserve(addrs.size());
  for (const auto& a : addrs) out.push_back(a.to_string());
  return out;
}

// The libp2p host's settings: p2p.listen_port on every IPv4 and IPv6 interface.
p2p::HostConfig host_config(const config::Config& cfg) {
  p2p::HostConfig hc;
  hc.listen = {fmt::format("/ip4/0.0.0.0/tcp/{}", cfg.p2p.listen_port),
               fmt::format("/ip6/::/tcp/{}", cfg.p2p.listen_port)};
  hc.agent_version = std::string(kAgentPrefix) + kVersion;
  return hc;
}

// Our site/ for /goop/site/1.0.0 and the viewer's own origin: never the Lua scripts (spec §4.2,
// stricter).
content::SiteOptions our_site(const std::filesystem::path& dir, const config::Config& cfg) {
  content::SiteOptions site;
  const auto scripts = config::resolve(dir, cfg.lua.script_dir);
  site.root = config::resolve(dir, cfg.paths.site_root);
  site.forbidden_prefixes = content::site_forbidden_prefixes_for(site.root, scripts);
  std::error_code ec;
  if (std::filesystem::equivalent(site.root, scripts, ec)) {
    GOOP_LOG_WARN(lg,
                  "lua.script_dir is the site folder itself: the site is served, scripts "
                  "included; move the scripts to a subfolder such as site/lua");
  }
  return site;
}

}  // namespace

struct PeerNode::Impl {
  Impl(asio::any_io_executor ex, const config::Config& c, std::filesystem::path folder,
       identity::Identity identity, storage::Db& db)
      : dir(std::move(folder)),
        // identity and settings: the one owner of goop.json while the peer runs; `cfg` is its
        // live view (settings changed in the viewer show up here at once).
        settings(dir / config::kFileName, c),
        cfg(settings.current()),
        id(std::move(identity)),
        // transports → host (the one line that builds the Host)
        host(std::make_unique<p2p::Host>(ex, id.key, host_config(cfg),
                                         p2p::transports(p2p::tcp::make_transport(ex)))),
        // protocols
        gossip(ex, *host, id.key),
        site(our_site(dir, cfg)),
        // domain
        table(SystemClock::instance()),
        dials(ex, *host),
        cache(*host, table, db, dials),
        badges(*host, table),
        presence(ex, *host, gossip, table, presence::presence_options(cfg),
                 [this] {
                   return presence::self_announcement(cfg, viewer.avatar_hash(), kVersion,
                                                      to_strings(host->listen_addrs()));
                 }),
        rendezvous(ex, rendezvous_urls(cfg), host->id().to_base58(), presence),
        lan(ex, *host, cfg.p2p.mdns_tag, dials),
        // viewer
        viewer(ex, PeerViewerParts{settings, dir, *host, table, bus, presence, cache, site}) {
    connect();
  }

  // How the parts hear of each other.
  void connect() {
    content::serve_content(*host, [this] { return cfg.profile.label; });  // live label
    (void)content::serve_site(*host, site);  // its counters: for a diagnostics page later
    content::serve_avatar(*host, dir / "avatar.png");
    presence::publish_peer_events(table, bus, SystemClock::instance());  // peer:announce/gone
    presence.on_heard([this](const std::string& peer, const presence::PresenceMsg&) {
      badges.heard(peer);
      cache.heard(peer);
    });
    settings.on_change([this](const config::Config& now, const std::vector<std::string>& changed) {
      const config::LiveEffects fx = config::live_effects(now, changed);
      if (fx.offline_grace) presence.set_grace(*fx.offline_grace);
      if (fx.announce) presence.announce_now();
    });
  }

  std::filesystem::path dir;  // the peer folder
  config::ConfigService settings;
  const config::Config& cfg;
  identity::Identity id;
  std::unique_ptr<p2p::Host> host;
  p2p::gossipsub::GossipSub gossip;
  content::SiteOptions site;
  presence::PeerTable table;
  mq::LocalBus bus;
  presence::BackgroundDialer dials;  // mDNS finds, remembered peers
  presence::PeerCacheSync cache;     // data.db's _peer_cache and _favorites
  presence::ConnectionBadges badges;
  presence::PresenceService presence;
  RendezvousClients rendezvous;
  presence::LanDiscovery lan;
  PeerViewer viewer;
};

PeerNode::PeerNode(asio::any_io_executor ex, const config::Config& cfg, std::filesystem::path dir,
                   identity::Identity id, storage::Db& db)
    : impl_(std::make_unique<Impl>(std::move(ex), cfg, std::move(dir), std::move(id), db)) {}

PeerNode::~PeerNode() = default;

void PeerNode::add_to(Lifecycle& lifecycle) {
  Impl& s = *impl_;
  lifecycle.add("p2p host", *s.host);
  lifecycle.add("background dials", s.dials);
  lifecycle.add("peer cache", s.cache);
  lifecycle.add("gossipsub", s.gossip);
  lifecycle.add("rendezvous clients", s.rendezvous);  // stop after presence: its offline
  lifecycle.add("presence", s.presence);
  lifecycle.add("mDNS", s.lan);
  lifecycle.add("viewer", s.viewer);
}

PeerNodeInfo PeerNode::info() const {
  const Impl& s = *impl_;
  PeerNodeInfo info;
  for (const auto& a : s.host->listen_addrs())
    info.listen.push_back(a.to_string() + "/p2p/" + s.id.peer_id.to_base58());
  info.viewer_url = s.viewer.url();
  info.cached_peers = s.cache.remembered();
  info.mdns = s.lan.status();
  info.rendezvous = s.rendezvous.urls();
  return info;
}

}  // namespace goop::app
