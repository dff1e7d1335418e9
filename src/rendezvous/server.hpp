#pragma once
// RendezvousServer: the rendezvous HTTP server of `goop2 rendezvous <dir>` and of a peer with
// presence.rendezvous_host (spec/rendezvous.md §1–7, §14.1, §16; issue-6 brief "Server
// behaviour"): POST /publish, GET /ws, GET /events, /healthz, /api/capabilities, GET /relay
// (404 until a relay exists) and the pages of rendezvous/pages.hpp, around one presence Hub
// and an optional write-behind PeerDb.
//
// Executor rule: construct, start(), port() and async_stop() on the executor passed to the
// constructor; every connection, handler and the once-a-second maintenance task (sweep, rate
// limit pruning, peer DB hand-over) run there. Not thread-safe. SQLite runs on the PeerDb's own
// worker thread, except the open and load in start() and the final close in async_stop().
//
// Invariants:
//  1. After async_stop() completes no task touches the server; it may then be destroyed.
//  2. The peer table is the hub's; the peer DB only mirrors it (≤ 1 s behind).

#include "base/clock.hpp"
#include "base/result.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace goop::config {
struct Config;
}

namespace goop::rendezvous {

class Hub;

struct RendezvousOptions {  // from goop.json presence.* (see from_config)
  std::string bind = "127.0.0.1";
  std::uint16_t port = 8787;
  std::chrono::seconds ttl{20};  // presence.ttl_seconds: staleness, not 30 s hard-coded
  std::string admin_password, external_url, peer_db_path;  // peer_db_path absolute or ""
  std::size_t max_connections = 20000;
};

// presence.rendezvous_bind ("" = 127.0.0.1), rendezvous_port, ttl_seconds, admin_password,
// external_url (trailing '/' stripped) and peer_db_path (a relative path is resolved against
// `peer_dir`; "" stays "": no peer DB).
RendezvousOptions from_config(const config::Config& c, const std::filesystem::path& peer_dir);

class RendezvousServer {
 public:
  // `clock` (for the hub's TTL, rate limits and timestamps) must outlive the server.
  RendezvousServer(boost::asio::any_io_executor ex, RendezvousOptions o,
                   const Clock& clock = SystemClock::instance());
  RendezvousServer(const RendezvousServer&) = delete;
  RendezvousServer& operator=(const RendezvousServer&) = delete;
  // Requires that async_stop() has completed if start() succeeded.
  ~RendezvousServer();

  // Opens the peer DB and loads its rows younger than the TTL (a failure is logged as a warning
  // and the server runs in memory only), registers the routes, listens on bind:port and starts
  // the maintenance task. Errors: listening failed (the message names the address and why).
  Expected<void> start();
  // The bound port (after a successful start(); the real one when options asked for 0).
  std::uint16_t port() const;
  // "http://<bind>:<port>" (IPv6 in brackets), after a successful start().
  std::string endpoint() const;

  // Stops accepting and closes connections (bounded by `deadline`), stops the maintenance task,
  // writes the last changes to the peer DB and closes it. Never throws. Idempotent.
  boost::asio::awaitable<void> async_stop(std::chrono::steady_clock::duration deadline);

  // The presence hub (for the composition root's status and for tests).
  Hub& hub();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace goop::rendezvous
