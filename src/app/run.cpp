// `goop2 peer <dir>` and `goop2 rendezvous <dir>`: load the folder, start its FolderNode, print
// the banner, serve until a signal, stop everything in reverse order within a deadline.

#include "app/run.hpp"

#include "app/cli.hpp"
#include "app/version.hpp"
#include "base/host_port.hpp"
#include "base/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/core.h>

#include <csignal>
#include <cstdlib>
#include <memory>
#include <sys/resource.h>

namespace goop::app {
namespace asio = boost::asio;
namespace {

log::Logger lg("app");

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

// The banner rows of what started, after the folder's own.
void add_started(Banner& banner, const Folder& folder, const FolderStarted& started) {
  if (started.rendezvous_port != 0) {
    const std::string& bind = folder.config.presence.rendezvous_bind;
    banner.add("rendezvous",
               "listening on http://" +
                   format_host_port(bind.empty() ? "127.0.0.1" : bind, started.rendezvous_port));
  }
  if (!started.peer) return;
  const PeerStarted& p = *started.peer;
  banner.add("peer ID", p.peer_id + (p.new_identity ? " (new identity)" : ""));
  banner.add("site", p.site_root.string());
  for (const auto& a : p.node.listen) banner.add("listen", a);
  banner.add("mDNS", p.node.mdns);
  for (const auto& url : p.node.rendezvous) banner.add("announce", url + " (rendezvous)");
  if (p.node.cached_peers > 0)
    banner.add("known", fmt::format("{} peers from data.db", p.node.cached_peers));
  banner.add("viewer", p.node.viewer_url);
}

}  // namespace

int run_folder(const std::string& dir_arg, Mode mode) {
  // Signals first, so a Ctrl+C during start-up is a clean shutdown, not a kill.
  raise_fd_limit();
  asio::io_context io(1);
  std::unique_ptr<FolderNode> node;
  bool clean = true;
  int failed = kExitOk;  // the exit code of a failed start
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
          if (node) clean = co_await node->stop(kShutdownDeadline);
          signals.cancel();
          watchdog.cancel();
        },
        asio::detached);  // owned by `io`, which outlives it; the only detached task
  });

  auto folder = load_folder(dir_arg, mode);
  if (!folder) return fail(kExitUsage, folder.error().message);
  Banner banner;
  banner.add("folder", folder->dir.string());
  banner.add("config",
             folder->config_file.string() + (folder->created ? " (created with defaults)" : ""));
  banner.add("label", folder->config.profile.label);

  node = std::make_unique<FolderNode>(io.get_executor(), *folder);
  asio::co_spawn(io, node->start(), [&](std::exception_ptr e, Expected<FolderStarted> started) {
    if (e) std::rethrow_exception(e);
    if (!started) {
      // Everything that started has been stopped already.
      failed = fail(kExitFailure, started.error().message);
      signals.cancel();
      return;
    }
    add_started(banner, node->folder(), *started);
    banner.print(started->peer ? "peer" : "rendezvous");
    GOOP_LOG_INFO(lg, "running from {}", node->folder().dir.string());
  });
  io.run();
  if (failed != kExitOk) return failed;
  GOOP_LOG_INFO(lg, "stopped{}", clean ? "" : " (some components did not stop in time)");
  return clean ? kExitOk : kExitFailure;
}

}  // namespace goop::app
