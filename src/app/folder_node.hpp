#pragma once
// What `goop2 peer <dir>` and `goop2 rendezvous <dir>` run, without the process around it
// (signals, the banner, the exit code), so that tests can drive it: load_folder() reads the
// settings, FolderNode prepares the folder's files, starts every part through one Lifecycle and
// stops them.
//
// Start-up has two stages, so that nothing is ever left running by a failure:
//  1. prepare: file work only (the NaCl key pair saved to goop.json when new; in peer mode the
//     identity key, the starter site and data.db). Nothing is started before it succeeded.
//  2. start: every part is added to the Lifecycle first, then the Lifecycle starts them in
//     order: the database (opened in stage 1, so it is closed last), the rendezvous server
//     (presence.rendezvous_host: before the peer, so the peer's own client finds it listening),
//     then the peer's parts (PeerNode). A part that fails to start makes the Lifecycle stop the
//     parts started before it, before start() returns.
//
// Executor rule: the node io_context's single thread. Lifetime: if start() ran, stop() must
// have completed (or start() must have failed) before the FolderNode is destroyed.

#include "app/lifecycle.hpp"
#include "app/peer_node.hpp"
#include "base/result.hpp"
#include "goop/config/config.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace goop::app {

enum class Mode { kPeer, kRendezvous };

// Graceful shutdown gets this long (also the stop after a failed start).
inline constexpr std::chrono::seconds kShutdownDeadline{5};

struct Folder {
  Mode mode = Mode::kPeer;
  std::filesystem::path dir;          // absolute, normalised
  std::filesystem::path config_file;  // <dir>/goop.json
  bool created = false;               // goop.json was created with the defaults just now
  // As loaded; in rendezvous mode with presence.rendezvous_host and rendezvous_only forced on.
  config::Config config;
  // The presence section as the file has it: the forced flags are never saved.
  config::Presence saved_presence;
};

// Reads <dir>/goop.json (created with the defaults if missing), applies its log_level and then
// the GOOP_LOG environment variable (developer diagnostics), and feeds the log to the viewer's
// log page from now on. In rendezvous mode it forces presence.rendezvous_host and
// presence.rendezvous_only on, in memory only, and validates the result. Errors are the user's
// to fix (bad folder, invalid goop.json, bad log level); each names the file or setting.
Expected<Folder> load_folder(const std::string& dir, Mode mode);

// What started, for the banner.
struct PeerStarted {
  std::string peer_id;  // base58
  bool new_identity = false;
  std::filesystem::path site_root;
  PeerNodeInfo node;
};
struct FolderStarted {
  std::uint16_t rendezvous_port = 0;  // of the rendezvous hosted here; 0 if none
  std::optional<PeerStarted> peer;    // in peer mode, unless presence.rendezvous_only
};

class FolderNode {
 public:
  FolderNode(boost::asio::any_io_executor ex, Folder folder);
  FolderNode(const FolderNode&) = delete;
  FolderNode& operator=(const FolderNode&) = delete;
  ~FolderNode();

  // Prepares the folder and starts every part (see the two stages above). On failure every part
  // that started has been stopped (within kShutdownDeadline) when it returns; the error says what
  // failed (a corrupt identity key, the viewer's port in use: "viewer: the viewer cannot listen
  // on ..."). Call once.
  boost::asio::awaitable<Expected<FolderStarted>> start();

  // Stops every started part, last first, within `deadline`. Returns false if the deadline passed
  // before all were stopped. Safe to call more than once, and while a failed start() is stopping.
  boost::asio::awaitable<bool> stop(Duration deadline);

  const Folder& folder() const noexcept;
  const Lifecycle& lifecycle() const noexcept;
  // The hosted rendezvous' port: the bound one once it started (still known after it stopped),
  // the configured one before; 0 if this folder hosts none.
  std::uint16_t rendezvous_port() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace goop::app
