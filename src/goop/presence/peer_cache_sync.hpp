#pragma once
// PeerCacheSync: keeps the peer cache in data.db (peer_cache.hpp) in step with the running peer
// (spec/net.md §5.7), so that a restarted peer lists and re-dials the peers it knew.
//
//  - start() opens the cache, seeds the PeerTable with the remembered peers (offline and
//    unreachable, favourites flagged), gives the peerstore their addresses and protocols, and
//    hands each to the BackgroundDialer ("remembered"). Our own row, if any, is skipped.
//  - heard(peer), after a presence from `peer` was applied to the table, writes the peer's row
//    when what we know of it changed (identity, verified, addresses), else at most every
//    kCacheRefresh to refresh last_seen: a heartbeat from every peer every few seconds must not
//    become a disk write each (SQLite commits block the node thread).
//  - A peer removed from the table (pruned) loses its row; a favourite keeps its own.
//  - Protocols learnt by identify are stored for peers in the table.
//  - set_favorite() persists the flag, then applies it to the table.
// A failed write is logged (warn) and the peer runs on: the cache is a convenience.
//
// Executor rule: node executor only; not thread-safe; every call blocks briefly on SQLite.
// Lifetime: Host, PeerTable, Db, the dialer and the clock must outlive it. start() registers
// callbacks on the Host and the table that cannot be removed; after async_stop() they do nothing,
// and the Host must be stopped before this object is destroyed.

#include "base/clock.hpp"
#include "base/result.hpp"
#include "goop/presence/peer_cache.hpp"
#include "goop/presence/peer_table.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace goop::p2p {
class Host;
class PeerId;
}  // namespace goop::p2p
namespace goop::storage {
class Db;
}

namespace goop::presence {

class BackgroundDialer;

class PeerCacheSync {
 public:
  // An unchanged peer's row (its last_seen) is rewritten at most this often.
  static constexpr std::chrono::minutes kCacheRefresh{5};

  PeerCacheSync(p2p::Host& host, PeerTable& table, storage::Db& db, BackgroundDialer& dialer,
                Clock& clock = SystemClock::instance());
  PeerCacheSync(const PeerCacheSync&) = delete;
  PeerCacheSync& operator=(const PeerCacheSync&) = delete;

  // Opens the cache and seeds the table, the peerstore and the dialer (see above). Errors: the
  // cache's schema cannot be created or read (the message names data.db and SQLite's reason).
  // Call once.
  Expected<void> start();

  // How many peers start() found in data.db (ourselves excluded).
  std::size_t remembered() const noexcept { return remembered_; }

  // A presence from `peer` was applied to the table: writes its row if due (see above). No-op
  // for a peer the table does not hold, before start() and after async_stop().
  void heard(const std::string& peer);

  // Persists the favourite flag (PeerCache::set_favorite: kNotFound for a peer never cached),
  // then sets it in the table. Errors before start() or after async_stop(): Errc::kClosed.
  Expected<void> set_favorite(const std::string& peer, bool favorite);

  // Stops writing: the callbacks and heard() do nothing from now on. Completes at once.
  boost::asio::awaitable<void> async_stop(std::chrono::steady_clock::duration deadline);

 private:
  struct Written {
    std::string fingerprint;
    Clock::time_point at;
  };
  void seed(const CachedPeer& p);
  void removed(const std::string& peer);
  void identified(const p2p::PeerId& peer);
  bool active() const noexcept { return cache_.has_value() && !stopped_; }

  p2p::Host& host_;
  PeerTable& table_;
  storage::Db& db_;
  BackgroundDialer& dialer_;
  Clock& clock_;
  std::optional<PeerCache> cache_;
  std::map<std::string, Written> written_;  // what each peer's row holds, and when it was written
  std::size_t remembered_ = 0;
  bool stopped_ = false;
};

}  // namespace goop::presence
