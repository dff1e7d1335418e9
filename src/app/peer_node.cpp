#include "app/peer_node.hpp"

#include "app/version.hpp"
#include "base/log.hpp"
#include "base/task_group.hpp"
#include "base/timeout.hpp"
#include "goop/config/service.hpp"
#include "goop/content/avatar_protocol.hpp"
#include "goop/content/content_protocol.hpp"
#include "goop/content/site_protocol.hpp"
#include "goop/mq/local_bus.hpp"
#include "goop/presence/connection_kind.hpp"
#include "goop/presence/identity_payload.hpp"
#include "goop/presence/peer_cache.hpp"
#include "goop/presence/peer_table.hpp"
#include "goop/presence/presence_service.hpp"
#include "p2p/discovery/mdns/mdns.hpp"
#include "p2p/host/host.hpp"
#include "p2p/protocol/gossipsub/gossipsub.hpp"
#include "p2p/transport/tcp/tcp_transport.hpp"
#include "rendezvous/client.hpp"
#include "rendezvous/client_policy.hpp"
#include "storage/db.hpp"
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

#include <boost/asio/co_spawn.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <optional>

namespace goop::app {
namespace asio = boost::asio;
namespace {

log::Logger lg("app");

// DefaultConnectTimeout of the Go peer: background dials (mDNS, cached peers).
constexpr auto kBackgroundDialTimeout = std::chrono::seconds(3);
// An unchanged peer's cache row (its last_seen) is refreshed at most this often.
constexpr auto kCacheRefresh = std::chrono::minutes(5);

std::vector<std::string> to_strings(const std::vector<p2p::Multiaddr>& addrs) {
  std::vector<std::string> out;
  out.reserve(addrs.size());
  for (const auto& a : addrs) out.push_back(a.to_string());
  return out;
}

// "host:port" -> bind address and port. The config validation already checked the form.
Expected<std::pair<std::string, std::uint16_t>> split_host_port(const std::string& addr) {
  const auto colon = addr.rfind(':');
  if (colon == std::string::npos) {
    return Error{make_error_code(Errc::kInvalidArgument),
                 fmt::format("viewer.http_addr \"{}\" has no port", addr)};
  }
  std::string host = addr.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  const int port = std::stoi(addr.substr(colon + 1));
  return std::pair{host, static_cast<std::uint16_t>(port)};
}

}  // namespace

struct PeerNode::Impl {
  Impl(asio::any_io_executor e, const config::Config& c, std::filesystem::path folder,
       identity::Identity i, storage::Db& d)
      : ex(e),
        dir(std::move(folder)),
        settings(dir / config::kFileName, c),
        cfg(settings.current()),
        id(std::move(i)),
        db(d),
        table(SystemClock::instance()),
        dials(e, "dials") {}

  asio::any_io_executor ex;
  std::filesystem::path dir;  // the peer folder
  // The one owner of goop.json while the peer runs; `cfg` is its live view (settings changed
  // in the viewer show up here at once, so pages can read theme etc. from `cfg`).
  config::ConfigService settings;
  const config::Config& cfg;
  identity::Identity id;
  storage::Db& db;
  presence::PeerTable table;
  mq::LocalBus bus;
  TaskGroup dials;  // background connects (mDNS finds, cached peers)
  std::unique_ptr<p2p::Host> host;
  std::unique_ptr<p2p::gossipsub::GossipSub> gossip;
  std::unique_ptr<presence::PresenceService> presence;
  std::vector<std::unique_ptr<rendezvous::RendezvousClient>> rendezvous;
  std::unique_ptr<p2p::mdns::MdnsService> mdns;
  std::unique_ptr<web::HttpServer> viewer;
  // Our site folder and what in it is never served: for /goop/site and the viewer's own origin.
  content::SiteOptions site;
  std::optional<presence::PeerCache> cache;
  std::map<std::string, std::pair<std::string, std::chrono::steady_clock::time_point>>
      cache_written;

  presence::SelfAnnouncement self_announcement() const {
    presence::SelfAnnouncement s;
    s.identity.content = cfg.profile.label;
    s.identity.email = cfg.profile.email;
    s.identity.video_disabled = cfg.viewer.video_disabled;
    s.identity.active_template = cfg.viewer.active_template;
    s.identity.avatar_hash = avatar_hash;
    s.identity.encryption_supported = !cfg.p2p.nacl_public_key.empty();
    s.identity.public_key = cfg.p2p.nacl_public_key;  // rendezvous copy only
    s.identity.goop_client_version = kVersion;
    s.verification_token = cfg.profile.verification_token;  // live: re-read with every publish
    s.addrs = to_strings(host->listen_addrs());
    return s;
  }

  void dial_in_background(p2p::PeerId peer, std::vector<p2p::Multiaddr> addrs, std::string why) {
    if (peer == host->id() || host->is_connected(peer)) return;
    dials.spawn(
        [](p2p::Host& h, p2p::PeerId p, std::vector<p2p::Multiaddr> a,
           std::string reason) -> asio::awaitable<void> {
          auto r = co_await with_timeout(h.connect(p, std::move(a)), kBackgroundDialTimeout);
          if (!r)
            GOOP_LOG_DEBUG(lg, "peer={} ({}) not connected: {}", p.short_string(), reason,
                           r.error().message());
        }(*host, std::move(peer), std::move(addrs), std::move(why)),
        "dial");
  }

  // /goop/site/1.0.0: our site/ to other peers, never the Lua scripts (spec §4.2, stricter).
  void serve_site_files() {
    const auto scripts = config::resolve(dir, cfg.lua.script_dir);
    site.root = config::resolve(dir, cfg.paths.site_root);
    site.forbidden_prefixes = content::site_forbidden_prefixes_for(site.root, scripts);
    std::error_code ec;
    if (std::filesystem::equivalent(site.root, scripts, ec)) {
      GOOP_LOG_WARN(
          lg,
          "lua.script_dir is the site folder itself: the site is served, scripts included; "
          "move the scripts to a subfolder such as site/lua");
    }
    (void)content::serve_site(*host, site);  // its counters: for a diagnostics page later
  }

  Expected<void> start_host(Lifecycle& lifecycle) {
    p2p::HostConfig hc;
    hc.listen = {fmt::format("/ip4/0.0.0.0/tcp/{}", cfg.p2p.listen_port),
                 fmt::format("/ip6/::/tcp/{}", cfg.p2p.listen_port)};
    hc.agent_version = std::string(kAgentPrefix) + kVersion;
    host =
        std::make_unique<p2p::Host>(ex, id.key, hc, p2p::transports(p2p::tcp::make_transport(ex)));
    if (auto started = host->start(); !started) {
      return Error{started.error().code,
                   fmt::format("the p2p host cannot start: {}", started.error().message)};
    }
    lifecycle.add("p2p host", [this](Lifecycle::Duration d) -> asio::awaitable<void> {
      co_await host->async_stop(d);
    });
    lifecycle.add("background dials", [this](Lifecycle::Duration d) -> asio::awaitable<void> {
      co_await dials.async_stop(d);
    });
    content::serve_content(*host, [this] { return cfg.profile.label; });  // live label
    serve_site_files();
    content::serve_avatar(*host, dir / "avatar.png");
    return {};
  }

  // Seeds the table from data.db (offline, unreachable), re-dials those peers, and keeps the
  // cache in step with presence, pruning and identify. Returns how many peers were remembered.
  Expected<std::size_t> start_peer_cache() {
    auto opened = presence::PeerCache::open(db, SystemClock::instance());
    if (!opened) return opened.error();
    cache.emplace(std::move(*opened));
    auto boot = cache->boot_list();
    if (!boot) return boot.error();
    for (auto& p : *boot) {
      auto peer = p2p::PeerId::parse(p.peer_id);
      if (!peer || *peer == host->id()) continue;
      table.seed(p.peer_id, p.identity, p.addrs, p.favorite);
      std::vector<p2p::Multiaddr> addrs;
      for (const auto& a : p.addrs) {
        if (auto m = p2p::Multiaddr::parse(a)) addrs.push_back(m->without_peer_id());
      }
      host->peerstore().add_addrs(*peer, addrs);
      if (!p.protocols.empty()) host->peerstore().get(*peer).protocols = p.protocols;
      dial_in_background(*peer, std::move(addrs), "remembered");
    }
    table.on_event([this](const std::string& peer, presence::PeerEvent e) {
      if (e != presence::PeerEvent::kRemove) return;
      cache_written.erase(peer);
      if (auto r = cache->remove(peer); !r) GOOP_LOG_WARN(lg, "peer cache: {}", r.error().message);
    });
    host->on_identified([this](const p2p::PeerId& peer) {
      const p2p::PeerInfo* info = host->peerstore().find(peer);
      if (!info || !table.find(peer.to_base58())) return;
      if (auto r = cache->set_protocols(peer.to_base58(), info->protocols); !r) {
        GOOP_LOG_WARN(lg, "peer cache: {}", r.error().message);
      }
    });
    return boot->size();
  }

  // Writes the peer's row when what we know of it changed, else at most every
  // kCacheRefresh: a heartbeat from every peer every few seconds must not become a disk write
  // each (SQLite commits block the node thread).
  void remember(const std::string& peer) {
    const presence::PeerEntry* e = table.find(peer);
    if (!e) return;
    const auto& who = e->identity;
    std::string fingerprint =
        fmt::format("{}\n{}\n{}\n{}\n{}\n{}\n{}", who.content, who.email, who.avatar_hash,
                    who.video_disabled, who.active_template, who.verified, who.public_key);
    for (const auto& a : e->addrs) fingerprint += "\n" + a;
    const auto now = std::chrono::steady_clock::now();
    auto& [written, at] = cache_written[peer];
    if (written == fingerprint && now - at < kCacheRefresh) return;
    if (auto r = cache->upsert(peer, who, e->addrs, who.verified); !r) {
      GOOP_LOG_WARN(lg, "peer cache: {}", r.error().message);
      return;
    }
    written = std::move(fingerprint);
    at = now;
  }

  Expected<void> set_favorite(const std::string& peer, bool favorite) {
    GOOP_TRY_VOID(cache->set_favorite(peer, favorite));
    table.set_favorite(peer, favorite);
    return {};
  }

  // Every table change becomes a local peer:announce / peer:gone for the browser (§5.8).
  void bridge_table_to_bus() {
    table.on_event([this](const std::string& peer, presence::PeerEvent e) {
      if (e == presence::PeerEvent::kRemove) {
        bus.publish_local("peer:gone", presence::gone_json(peer));
      } else if (const presence::PeerEntry* entry = table.find(peer)) {
        bus.publish_local("peer:announce",
                          presence::identity_json(peer, *entry, SystemClock::instance()));
      }
    });
  }

  // Keeps the table's connection badge (LAN, direct, relayed, none) current.
  void note_connection(const p2p::PeerId& peer) {
    const std::string key = peer.to_base58();
    if (!table.find(key)) return;
    table.set_connection(key, presence::connection_kind(host->connection_addr(peer)));
  }

  // ---- settings, avatars, logs, live identity ----
  std::string avatar_hash = viewer::own_avatar_hash(dir);  // of <dir>/avatar.png, "" without one
  std::unique_ptr<viewer::LogsApi> logs;

  // A settings change that other peers see (label, email, ...) is announced at once; the
  // offline grace applies from the next prune. Everything else is read from `cfg` when used.
  void apply_live_settings(const config::Config& now, const std::vector<std::string>& changed) {
    bool announce = false;
    for (const auto& key : changed) {
      if (key == "profile.label" || key == "profile.email" || key == "viewer.video_disabled" ||
          key == "viewer.active_template") {
        announce = true;
      }
      if (key == "viewer.peer_offline_grace_min" && presence) {
        presence->set_grace(std::chrono::minutes(now.viewer.peer_offline_grace_min));
      }
    }
    if (announce && presence) presence->announce_now();
  }

  void start_settings_api(Lifecycle& lifecycle) {
    settings.on_change([this](const config::Config& now, const std::vector<std::string>& changed) {
      apply_live_settings(now, changed);
    });
    viewer::register_settings_api(*viewer, viewer::SettingsApi{settings, dir});
    viewer::register_avatar_api(
        *viewer,
        viewer::AvatarApi{
            host->id().to_base58(), dir, [this] { return self_row(); }, table,
            [this](p2p::PeerId peer) {
              return content::fetch_avatar(*host, std::move(peer), viewer::kRemoteFetchTimeout);
            },
            [this](p2p::PeerId peer) {
              return content::fetch_label(*host, std::move(peer), viewer::kRemoteFetchTimeout);
            },
            [this](const std::string& hash) {
              avatar_hash = hash;
              if (presence) presence->announce_now();
            }});
    table.on_event([this](const std::string& peer, presence::PeerEvent e) {
      if (e == presence::PeerEvent::kRemove) viewer::forget_cached_avatar(dir, peer);
    });
    logs = std::make_unique<viewer::LogsApi>(*viewer, viewer::process_log_buffer(), ex);
    lifecycle.add("log streams", [this](Lifecycle::Duration) -> asio::awaitable<void> {
      logs->stop();
      co_return;
    });
  }

  viewer::SelfRow self_row() const {
    return viewer::SelfRow{host->id().to_base58(), cfg.profile.label, cfg.profile.email,
                           avatar_hash};
  }

  std::vector<std::string> peer_snapshot() const {
    std::vector<std::string> out;
    for (const auto& [peer, entry] : table.entries()) {
      out.push_back(presence::identity_json(peer, entry, SystemClock::instance()));
    }
    return out;
  }

  void start_presence(Lifecycle& lifecycle) {
    gossip = std::make_unique<p2p::gossipsub::GossipSub>(ex, *host, id.key);
    gossip->start();
    lifecycle.add("gossipsub", [this](Lifecycle::Duration d) -> asio::awaitable<void> {
      co_await gossip->async_stop(d);
    });

    presence::PresenceOptions o;
    o.topic = cfg.presence.topic;
    o.heartbeat = std::chrono::seconds(cfg.presence.heartbeat_seconds);
    o.ttl = std::chrono::seconds(cfg.presence.ttl_seconds);
    o.grace = std::chrono::minutes(cfg.viewer.peer_offline_grace_min);
    presence = std::make_unique<presence::PresenceService>(ex, *host, *gossip, table, o,
                                                           [this] { return self_announcement(); });
    presence->on_heard([this](const std::string& peer, const presence::PresenceMsg&) {
      // A connection that opened before the peer's first presence was not recorded then.
      if (const presence::PeerEntry* e = table.find(peer); e && e->connection == "none") {
        if (auto remote = p2p::PeerId::parse(peer)) note_connection(*remote);
      }
      remember(peer);
    });
    host->on_connection_event(
        [this](const p2p::PeerId& peer, p2p::ConnectionEvent) { note_connection(peer); });
    start_rendezvous_clients(lifecycle);
    presence->start();
    lifecycle.add("presence", [this](Lifecycle::Duration d) -> asio::awaitable<void> {
      co_await presence->async_stop(d);
    });
  }

  // The rendezvous we publish to and hear from (spec/rendezvous.md §15.1): the one this peer
  // hosts, at its bind address (§17.10b), and presence.rendezvous_wan.
  std::vector<std::string> rendezvous_urls() const {
    std::vector<std::string> urls;
    if (cfg.presence.rendezvous_host) {
      urls.push_back(rendezvous::local_rendezvous_url(
          cfg.presence.rendezvous_bind, static_cast<std::uint16_t>(cfg.presence.rendezvous_port)));
    }
    std::string wan = rendezvous::normalize_base_url(cfg.presence.rendezvous_wan);
    if (!wan.empty() && std::find(urls.begin(), urls.end(), wan) == urls.end())
      urls.push_back(std::move(wan));
    return urls;
  }

  // One client per rendezvous. What it hears goes to the PresenceService on the channel
  // "rv:<url>" (table, peerstore, probe/dial, punch hints); everything the PresenceService
  // publishes (online, heartbeats, announce_now, offline) goes to every client. The clients
  // stop after the PresenceService (registered before it), so its offline still reaches them.
  void start_rendezvous_clients(Lifecycle& lifecycle) {
    for (const auto& url : rendezvous_urls()) {
      rendezvous::ClientOptions o;
      o.base_url = url;
      o.peer_id = host->id().to_base58();
      rendezvous.push_back(std::make_unique<rendezvous::RendezvousClient>(
          ex, std::move(o), [this, channel = "rv:" + url](const presence::PresenceMsg& m) {
            if (presence) presence->heard(m, channel);
          }));
    }
    if (rendezvous.empty()) return;
    presence->on_publish([this](const presence::PresenceMsg& full) {
      for (auto& c : rendezvous) c->publish(full);
    });
    for (auto& c : rendezvous) c->start();
    lifecycle.add("rendezvous clients", [this](Lifecycle::Duration d) -> asio::awaitable<void> {
      for (auto& c : rendezvous) co_await c->async_stop(d / static_cast<int>(rendezvous.size()));
    });
  }

  std::string start_mdns(Lifecycle& lifecycle) {
    mdns = std::make_unique<p2p::mdns::MdnsService>(
        ex, host->id(), [this] { return host->listen_addrs(); }, cfg.p2p.mdns_tag,
        [this](p2p::PeerId peer, std::vector<p2p::Multiaddr> addrs) {
          // mDNS only dials; the peer joins the table when its presence arrives (spec §3.5).
          dial_in_background(std::move(peer), std::move(addrs), "mDNS");
        });
    if (auto r = mdns->start(); !r) {
      GOOP_LOG_WARN(lg,
                    "LAN discovery (mDNS) is off: {}; peers are found only through known addresses",
                    r.error().message());
      mdns.reset();
      return "off (" + r.error().message() + ")";
    }
    lifecycle.add("mDNS", [this](Lifecycle::Duration d) -> asio::awaitable<void> {
      co_await mdns->async_stop(d);
    });
    std::string names;
    for (const auto& n : mdns->service_names()) names += (names.empty() ? "" : ", ") + n;
    return names;
  }

  Expected<std::string> start_viewer(Lifecycle& lifecycle) {
    // Empty means a free port on loopback (seeds/configuration.txt).
    std::string addr = config::normalized_http_addr(cfg.viewer.http_addr);
    if (addr.empty()) addr = "127.0.0.1:0";
    GOOP_TRY(auto hp, split_host_port(addr));
    web::HttpServer::Options opts;
    opts.bind = hp.first;
    opts.port = hp.second;
    viewer = std::make_unique<web::HttpServer>(ex, opts);
    if (auto r = viewer->listen(); !r) {
      return Error{r.error().code,
                   fmt::format("the viewer cannot listen on {}: {} (change viewer.http_addr in "
                               "goop.json, or stop what uses the port)",
                               addr, r.error().message)};
    }
    // The Host values the viewer answers to, and its origins: loopback, plus the bind address.
    auto hosts = web::loopback_hosts(viewer->port());
    const std::string bound =
        hp.first.find(':') != std::string::npos ? "[" + hp.first + "]" : hp.first;
    const std::string bound_host = fmt::format("{}:{}", bound, viewer->port());
    if (std::find(hosts.begin(), hosts.end(), bound_host) == hosts.end())
      hosts.push_back(bound_host);
    std::vector<std::string> origins;
    for (const auto& h : hosts) origins.push_back("http://" + h);
    const std::string token = viewer::new_session_token();
    viewer->add_guard(web::host_allow_list_guard(std::move(hosts)));
    viewer->add_guard(viewer::management_guard(token, viewer->port(), origins));
    // The pages and assets; each page hands over the management token.
    viewer::register_ui(*viewer,
                        viewer::UiPages{token, viewer->port(), [this] { return self_row(); },
                                        [this] { return viewer::ui_settings_from(cfg); }});
    viewer::register_events_api(*viewer,
                                viewer::EventsApi{bus, [this] { return peer_snapshot(); }});
    viewer::register_peers_api(
        *viewer,
        viewer::PeersApi{
            table, [this] { return self_row(); }, [this] { return presence->probe_all(); },
            [this](const std::string& peer, bool favorite) { return set_favorite(peer, favorite); },
            SystemClock::instance()});
    start_settings_api(lifecycle);
    // Every peer's site on http://<cid>.localhost:<port>/, ours from disk under the rules of
    // /goop/site/1.0.0; /p/<id> redirects there.
    viewer::SiteProxyOptions so(host->id());
    so.site_root = site.root;
    so.forbidden_prefixes = site.forbidden_prefixes;
    so.port = viewer->port();
    so.viewer_origins = std::move(origins);
    so.peer_name = [this](const p2p::PeerId& peer) {
      const presence::PeerEntry* e = table.find(peer.to_base58());
      return e ? e->identity.content : std::string();
    };
    viewer::register_site_proxy(*viewer, *host, std::move(so));
    lifecycle.add("viewer", [this](Lifecycle::Duration d) -> asio::awaitable<void> {
      (void)co_await viewer->async_stop(d);
    });
    return fmt::format("http://{}:{}", bound, viewer->port());
  }
};

PeerNode::PeerNode(asio::any_io_executor ex, const config::Config& cfg, std::filesystem::path dir,
                   identity::Identity id, storage::Db& db)
    : impl_(std::make_unique<Impl>(std::move(ex), cfg, std::move(dir), std::move(id), db)) {}

PeerNode::~PeerNode() = default;

Expected<PeerNodeInfo> PeerNode::start(Lifecycle& lifecycle) {
  Impl& s = *impl_;
  PeerNodeInfo info;
  GOOP_TRY_VOID(s.start_host(lifecycle));
  for (const auto& a : s.host->listen_addrs())
    info.listen.push_back(a.to_string() + "/p2p/" + s.id.peer_id.to_base58());
  s.bridge_table_to_bus();
  GOOP_TRY(info.cached_peers, s.start_peer_cache());
  s.start_presence(lifecycle);
  info.rendezvous = s.rendezvous_urls();
  info.mdns = s.start_mdns(lifecycle);
  GOOP_TRY(info.viewer_url, s.start_viewer(lifecycle));
  return info;
}

}  // namespace goop::app
