// `goop2 peer <dir>` and `goop2 rendezvous <dir>`: prepare the folder, start the components in
// order, serve until a signal, stop them in reverse order within a deadline.

#include "app/run.hpp"

#include "app/cli.hpp"
#include "app/lifecycle.hpp"
#include "app/peer_node.hpp"
#include "app/starter_site.hpp"
#include "app/version.hpp"
#include "base/log.hpp"
#include "goop/config/config.hpp"
#include "goop/identity/identity.hpp"
#include "rendezvous/server.hpp"
#include "storage/db.hpp"
#include "viewer/log_buffer.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/core.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sys/resource.h>

namespace goop::app {
namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace {

log::Logger lg("app");

// Graceful shutdown gets this long; after it the process exits anyway.
constexpr auto kShutdownDeadline = std::chrono::seconds(5);

int fail(int code, std::string_view message) {
  fmt::print(stderr, "goop2: {}\n", message);
  return code;
}

struct Banner {
  std::vector<std::pair<std::string, std::string>> rows;
  void add(std::string k, std::string v) { rows.emplace_back(std::move(k), std::move(v)); }
  void print(std::string_view title) const {
    fmt::print("Goop² {} · {}\n", kVersion, title);
    for (const auto& [k, v] : rows) fmt::print("  {:<9}{}{}\n", k, k.size() >= 9 ? " " : "", v);
    fmt::print("Press Ctrl+C to stop.\n");
    std::fflush(stdout);
  }
};

// Waits for SIGINT/SIGTERM. The first starts the graceful shutdown; a second one exits at once.
class Signals {
 public:
  Signals(asio::io_context& io, std::function<void(int)> on_first)
      : set_(io, SIGINT, SIGTERM), on_first_(std::move(on_first)) {
    arm();
  }
  void cancel() { set_.cancel(); }

 private:
  void arm() {
    set_.async_wait([this](const boost::system::error_code& ec, int signo) {
      if (ec) return;
      if (++count_ > 1) {
        fmt::print(stderr, "goop2: second signal ({}): exiting now without a clean shutdown\n",
                   signo == SIGINT ? "SIGINT" : "SIGTERM");
        std::_Exit(128 + signo);
      }
      arm();
      on_first_(signo);
    });
  }
  asio::signal_set set_;
  std::function<void(int)> on_first_;
  int count_ = 0;
};

// A rendezvous holds a socket per subscriber and a peer one per connection: use every file
// descriptor the hard limit allows, not the usual soft 1024.
void raise_fd_limit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &r) != 0)
      GOOP_LOG_DEBUG(lg, "could not raise the open-file limit");
  }
}

}  // namespace

int run_folder(const std::string& dir_arg, Mode mode) {
  // Signals first, so a Ctrl+C during start-up is a clean shutdown, not a kill.
  raise_fd_limit();
  asio::io_context io(1);
  Lifecycle lifecycle;
  bool clean = true;
  asio::steady_timer watchdog(io);
  Signals signals(io, [&](int signo) {
    GOOP_LOG_INFO(lg, "{} received: shutting down (send it again to exit at once)",
                  signo == SIGINT ? "SIGINT" : "SIGTERM");
    watchdog.expires_after(kShutdownDeadline + std::chrono::seconds(1));
    watchdog.async_wait([](const boost::system::error_code& e) {
      if (e) return;
      fmt::print(stderr, "goop2: shutdown did not finish within {} s; exiting\n",
                 kShutdownDeadline.count());
      std::_Exit(kExitFailure);
    });
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          clean = co_await lifecycle.stop_all(kShutdownDeadline);
          signals.cancel();
          watchdog.cancel();
        },
        asio::detached);  // owned by `io`, which outlives it; the only detached task
  });
  std::error_code ec;
  const fs::path dir = fs::absolute(dir_arg, ec).lexically_normal();
  if (ec) return fail(kExitUsage, fmt::format("cannot use folder {}: {}", dir_arg, ec.message()));

  auto loaded = config::load_or_create(dir);
  if (!loaded) return fail(kExitUsage, loaded.error().message);
  config::Config cfg = std::move(loaded->config);
  const fs::path config_file = dir / config::kFileName;

  if (!cfg.log_level.empty()) {
    if (auto r = log::configure(cfg.log_level); !r) {
      return fail(kExitUsage, fmt::format("{}: {}", config_file.string(), r.error().message));
    }
  }
  if (const char* env = std::getenv("GOOP_LOG"); env && *env) {  // developer diagnostics only
    if (auto r = log::configure(env); !r) return fail(kExitUsage, "GOOP_LOG: " + r.error().message);
  }
  // The viewer's log page sees every line from here on, start-up included.
  log::set_tap(&viewer::LogBuffer::tap, &viewer::process_log_buffer());

  const config::Presence as_loaded = cfg.presence;
  if (mode == Mode::kRendezvous) {
    // As the Go peer: the rendezvous command forces these two, in memory only.
    cfg.presence.rendezvous_host = true;
    cfg.presence.rendezvous_only = true;
    if (auto bad = config::validate(cfg)) {
      return fail(kExitUsage, fmt::format("{}: {}", config_file.string(), bad->message));
    }
  }

  if (identity::ensure_nacl_keys(cfg)) {
    config::Config to_save = cfg;
    to_save.presence.rendezvous_host = as_loaded.rendezvous_host;
    to_save.presence.rendezvous_only = as_loaded.rendezvous_only;
    if (auto r = config::save(config_file, to_save); !r) {
      return fail(kExitFailure,
                  fmt::format("cannot store the new NaCl key pair: {}", r.error().message));
    }
  }

  Banner banner;
  banner.add("folder", dir.string());
  banner.add("config", config_file.string() + (loaded->created ? " (created with defaults)" : ""));
  banner.add("label", cfg.profile.label);

  std::optional<storage::Db> db;
  std::unique_ptr<PeerNode> node;
  std::unique_ptr<rendezvous::RendezvousServer> rv;

  // The rendezvous starts before the peer, so the peer's own client finds it listening.
  if (cfg.presence.rendezvous_host) {
    rv = std::make_unique<rendezvous::RendezvousServer>(io.get_executor(),
                                                        rendezvous::from_config(cfg, dir));
    if (auto r = rv->start(); !r) return fail(kExitFailure, r.error().message);
    lifecycle.add("rendezvous", [&rv](Lifecycle::Duration d) -> asio::awaitable<void> {
      co_await rv->async_stop(d);
    });
    const std::string& bind = cfg.presence.rendezvous_bind;
    banner.add("rendezvous", fmt::format("listening on http://{}:{}",
                                         bind.empty() ? "127.0.0.1" : bind, rv->port()));
  }

  if (mode == Mode::kPeer && !cfg.presence.rendezvous_only) {
    auto id = identity::load_or_create(config::resolve(dir, cfg.identity.key_file));
    if (!id) return fail(kExitFailure, id.error().message);
    const std::string peer_id = id->peer_id.to_base58();
    const bool created = id->created;
    const fs::path site_root = config::resolve(dir, cfg.paths.site_root);
    if (auto site = ensure_starter_site(site_root, cfg.profile.label); !site) {
      return fail(kExitFailure, site.error().message);
    }
    auto opened = storage::Db::open(dir / "data.db");
    if (!opened) return fail(kExitFailure, opened.error().message);
    db.emplace(std::move(*opened));
    lifecycle.add("database", [&db](Lifecycle::Duration) -> asio::awaitable<void> {
      db->close();
      co_return;
    });

    node = std::make_unique<PeerNode>(io.get_executor(), cfg, dir, std::move(*id), *db);
    auto info = node->start(lifecycle);
    if (!info) {
      // Stop what did start (in reverse), then report.
      asio::co_spawn(io, lifecycle.stop_all(kShutdownDeadline), asio::detached);
      signals.cancel();
      io.run();
      return fail(kExitFailure, info.error().message);
    }
    banner.add("peer ID", peer_id + (created ? " (new identity)" : ""));
    banner.add("site", site_root.string());
    for (const auto& a : info->listen) banner.add("listen", a);
    banner.add("mDNS", info->mdns);
    for (const auto& url : info->rendezvous) banner.add("announce", url + " (rendezvous)");
    if (info->cached_peers > 0)
      banner.add("known", fmt::format("{} peers from data.db", info->cached_peers));
    banner.add("viewer", info->viewer_url);
    banner.print("peer");
  } else {
    banner.print("rendezvous");
  }
  GOOP_LOG_INFO(lg, "running from {}", dir.string());

  io.run();
  GOOP_LOG_INFO(lg, "stopped{}", clean ? "" : " (some components did not stop in time)");
  return clean ? kExitOk : kExitFailure;
}

}  // namespace goop::app
