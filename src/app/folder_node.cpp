#include "app/folder_node.hpp"

#include "app/starter_site.hpp"
#include "base/check.hpp"
#include "base/errors.hpp"
#include "base/log.hpp"
#include "goop/identity/identity.hpp"
#include "rendezvous/server.hpp"
#include "storage/db.hpp"
#include "viewer/log_buffer.hpp"

#include <fmt/core.h>

#include <cstdlib>

namespace goop::app {
namespace asio = boost::asio;
namespace fs = std::filesystem;

Expected<Folder> load_folder(const std::string& dir_arg, Mode mode) {
  Folder f;
  f.mode = mode;
  std::error_code ec;
  f.dir = fs::absolute(dir_arg, ec).lexically_normal();
  if (ec) {
    return Error{make_error_code(Errc::kInvalidArgument),
                 fmt::format("cannot use folder {}: {}", dir_arg, ec.message())};
  }
  GOOP_TRY(auto loaded, config::load_or_create(f.dir));
  f.config = std::move(loaded.config);
  f.created = loaded.created;
  f.config_file = f.dir / config::kFileName;

  if (!f.config.log_level.empty()) {
    if (auto r = log::configure(f.config.log_level); !r) {
      return Error{r.error().code,
                   fmt::format("{}: {}", f.config_file.string(), r.error().message)};
    }
  }
  if (const char* env = std::getenv("GOOP_LOG"); env && *env) {  // developer diagnostics only
    if (auto r = log::configure(env); !r) {
      return Error{r.error().code, "GOOP_LOG: " + r.error().message};
    }
  }
  // The viewer's log page sees every line from here on, start-up included.
  log::set_tap(&viewer::LogBuffer::tap, &viewer::process_log_buffer());

  f.saved_presence = f.config.presence;
  if (mode == Mode::kRendezvous) {
    // As the Go peer: the rendezvous command forces these two, in memory only.
    f.config.presence.rendezvous_host = true;
    f.config.presence.rendezvous_only = true;
    if (auto bad = config::validate(f.config)) {
      return Error{make_error_code(Errc::kInvalidArgument),
                   fmt::format("{}: {}", f.config_file.string(), bad->message)};
    }
  }
  return f;
}

struct FolderNode::Impl {
  Impl(asio::any_io_executor e, Folder f) : ex(std::move(e)), folder(std::move(f)) {}

  bool runs_peer() const {
    return folder.mode == Mode::kPeer && !folder.config.presence.rendezvous_only;
  }

  // Stage 1: file work only; nothing is started here.
  Expected<void> prepare() {
    config::Config& cfg = folder.config;
    if (identity::ensure_nacl_keys(cfg)) {
      config::Config to_save = cfg;
      to_save.presence = folder.saved_presence;  // never the forced flags
      if (auto r = config::save(folder.config_file, to_save); !r) {
        return Error{r.error().code,
                     fmt::format("cannot store the new NaCl key pair: {}", r.error().message)};
      }
    }
    if (!runs_peer()) return {};
    GOOP_TRY(auto id, identity::load_or_create(config::resolve(folder.dir, cfg.identity.key_file)));
    PeerStarted p;
    p.peer_id = id.peer_id.to_base58();
    p.new_identity = id.created;
    p.site_root = config::resolve(folder.dir, cfg.paths.site_root);
    GOOP_TRY_VOID(ensure_starter_site(p.site_root, cfg.profile.label));
    GOOP_TRY(auto opened, storage::Db::open(folder.dir / "data.db"));
    db.emplace(std::move(opened));
    node = std::make_unique<PeerNode>(ex, cfg, folder.dir, std::move(id), *db);
    peer = std::move(p);
    return {};
  }

  // Stage 2, part one: every part into the lifecycle, in start order.
  void add_parts() {
    if (db) {
      lifecycle.add(
          "database", []() -> Expected<void> { return {}; },  // opened by prepare()
          [this](Duration) -> asio::awaitable<void> {
            db->close();
            co_return;
          });
    }
    if (folder.config.presence.rendezvous_host) {
      rv = std::make_unique<rendezvous::RendezvousServer>(
          ex, rendezvous::from_config(folder.config, folder.dir));
      lifecycle.add("rendezvous", *rv);
    }
    if (node) node->add_to(lifecycle);
  }

  asio::any_io_executor ex;
  Folder folder;
  Lifecycle lifecycle;
  std::optional<storage::Db> db;
  std::unique_ptr<rendezvous::RendezvousServer> rv;
  std::unique_ptr<PeerNode> node;
  std::optional<PeerStarted> peer;
  bool started = false;
};

FolderNode::FolderNode(asio::any_io_executor ex, Folder folder)
    : impl_(std::make_unique<Impl>(std::move(ex), std::move(folder))) {}

FolderNode::~FolderNode() = default;

asio::awaitable<Expected<FolderStarted>> FolderNode::start() {
  Impl& s = *impl_;
  GOOP_CHECK(!s.started);
  s.started = true;
  if (auto prepared = s.prepare(); !prepared) co_return prepared.error();
  s.add_parts();
  Expected<void> running = co_await s.lifecycle.start_all(kShutdownDeadline);
  if (!running) co_return running.error();
  FolderStarted out;
  out.rendezvous_port = rendezvous_port();
  if (s.peer) {
    out.peer = *s.peer;
    out.peer->node = s.node->info();
  }
  co_return out;
}

asio::awaitable<bool> FolderNode::stop(Duration deadline) {
  co_return co_await impl_->lifecycle.stop_all(deadline);
}

const Folder& FolderNode::folder() const noexcept { return impl_->folder; }
const Lifecycle& FolderNode::lifecycle() const noexcept { return impl_->lifecycle; }

std::uint16_t FolderNode::rendezvous_port() const { return impl_->rv ? impl_->rv->port() : 0; }

}  // namespace goop::app
