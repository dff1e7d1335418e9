#include "rendezvous/server.hpp"

#include "base/host_port.hpp"
#include "base/log.hpp"
#include "base/task_group.hpp"
#include "goop/config/config.hpp"
#include "rendezvous/pages.hpp"
#include "rendezvous/peer_db.hpp"
#include "rendezvous/server_state.hpp"
#include "web/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/core.h>

namespace goop::rendezvous {
namespace asio = boost::asio;
namespace {

constexpr auto kMaintenanceInterval = std::chrono::seconds(1);

log::Logger lg("rendezvous");

}  // namespace

RendezvousOptions from_config(const config::Config& c, const std::filesystem::path& peer_dir) {
  RendezvousOptions o;
  const auto& p = c.presence;
  o.bind = p.rendezvous_bind.empty() ? std::string("127.0.0.1") : p.rendezvous_bind;
  o.port = static_cast<std::uint16_t>(p.rendezvous_port);
  o.ttl = std::chrono::seconds(p.ttl_seconds > 0 ? p.ttl_seconds : 20);
  o.admin_password = p.admin_password;
  o.external_url = p.external_url;
  while (!o.external_url.empty() && o.external_url.back() == '/') o.external_url.pop_back();
  if (!p.peer_db_path.empty()) {
    std::filesystem::path db(p.peer_db_path);
    o.peer_db_path = (db.is_absolute() ? db : peer_dir / db).lexically_normal().string();
  }
  return o;
}

struct RendezvousServer::Impl {
  Impl(asio::any_io_executor e, RendezvousOptions o, const Clock& c)
      : ex(e), state(o, c), tasks(e, "rendezvous") {}

  asio::awaitable<void> maintenance();
  void hand_over_to_db() {
    if (db) db->write(state.hub.take_dirty());
  }

  asio::any_io_executor ex;
  std::unique_ptr<PeerDb> db;  // declared before state: the hub never refers to it
  ServerState state;
  std::unique_ptr<web::HttpServer> http;
  TaskGroup tasks;
  bool started = false;
  bool stopped = false;
};

asio::awaitable<void> RendezvousServer::Impl::maintenance() {
  asio::steady_timer timer(ex);
  auto cs = co_await asio::this_coro::cancellation_state;
  while (cs.cancelled() == asio::cancellation_type::none) {
    timer.expires_after(kMaintenanceInterval);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    state.hub.sweep();
    state.publish_limiter.prune();
    hand_over_to_db();
  }
}

RendezvousServer::RendezvousServer(asio::any_io_executor ex, RendezvousOptions o,
                                   const Clock& clock)
    : impl_(std::make_unique<Impl>(ex, std::move(o), clock)) {}

RendezvousServer::~RendezvousServer() {
  if (impl_->db) impl_->db->close();
}

Hub& RendezvousServer::hub() { return impl_->state.hub; }

Expected<void> RendezvousServer::start() {
  Impl& d = *impl_;
  const RendezvousOptions& o = d.state.options;
  if (!o.peer_db_path.empty()) {
    auto db = PeerDb::open(o.peer_db_path);
    if (!db) {
      d.state.hub.note(
          log::Level::kWarn,
          fmt::format("Peer DB unavailable, running in memory only: {}", db.error().message));
    } else {
      const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              d.state.clock.wall_now().time_since_epoch())
                              .count();
      auto rows = (*db)->load(now_ms -
                              std::chrono::duration_cast<std::chrono::milliseconds>(o.ttl).count());
      if (!rows) {
        d.state.hub.note(log::Level::kWarn,
                         fmt::format("Peer DB rows not loaded: {}", rows.error().message));
      } else {
        d.state.hub.load(std::move(*rows));
      }
      d.db = std::move(*db);
    }
  }

  web::HttpServer::Options ho;
  ho.bind = o.bind;
  ho.port = o.port;
  ho.body_limit = 128 * 1024;  // presence is at most 64 KiB
  ho.read_timeout = std::chrono::seconds(10);
  ho.idle_timeout = std::chrono::seconds(60);
  ho.write_timeout = std::chrono::seconds(10);
  ho.sse_heartbeat = std::chrono::seconds(25);
  ho.max_connections = o.max_connections;
  d.http = std::make_unique<web::HttpServer>(d.ex, ho);
  register_routes(*d.http, d.state);
  PagesContext pages;
  pages.admin_password = o.admin_password;
  pages.external_url = o.external_url;
  pages.endpoint = [this] { return endpoint(); };
  Hub* hub = &d.state.hub;
  pages.peers_json = [hub] { return hub->peers_json(); };
  pages.logs_json = [hub] { return hub->logs_json(); };
  pages.stats = [hub] { return hub->stats(); };
  register_pages(*d.http, std::move(pages));

  auto listening = d.http->listen();
  if (!listening) {
    if (d.db) d.db->close();
    return listening.error();
  }
  d.started = true;
  d.tasks.spawn(d.maintenance(), "rendezvous maintenance");
  d.state.hub.note(log::Level::kInfo,
                   fmt::format("Rendezvous listening on {} (peer TTL {} s, peer DB {})", endpoint(),
                               o.ttl.count(), d.db ? o.peer_db_path : std::string("off")));
  return {};
}

std::uint16_t RendezvousServer::port() const {
  return impl_->http ? impl_->http->port() : impl_->state.options.port;
}

std::string RendezvousServer::endpoint() const {
  return "http://" + format_host_port(impl_->state.options.bind, port());
}

asio::awaitable<void> RendezvousServer::async_stop(std::chrono::steady_clock::duration deadline) {
  Impl& d = *impl_;
  if (d.stopped) co_return;
  d.stopped = true;
  co_await d.tasks.async_stop(deadline);
  if (d.http && d.started) co_await d.http->async_stop(deadline);
  if (d.db) {
    // The last changes, then the worker is joined: brief blocking at shutdown only.
    d.hand_over_to_db();
    d.db->close();
  }
  GOOP_LOG_DEBUG(lg, "rendezvous stopped");
}

}  // namespace goop::rendezvous
