#pragma once
// The persistent peer cache in data.db (spec/net.md §5.7): every peer whose presence we heard, so
// that known peers are seeded into the PeerTable and re-dialled after a restart, plus the
// favourites, which survive pruning. The tables are the Go peer's, so a data.db moves freely
// between the Go and the C++ peer:
//   _peer_cache(peer_id TEXT PRIMARY KEY, content, email, avatar_hash, video_disabled,
//               active_template, verified, addrs '[json]', last_seen DATETIME, protocols
//               '[json]', public_key)
//   _favorites  the same columns.
//
// Executor rule: node executor only; not thread-safe (it uses the Db's single connection).
// Every call is synchronous and blocks on SQLite; the writes are one or two small rows in WAL
// mode, so this is acceptable on the node thread. boot_list() reads up to kMaxBootRows rows and
// belongs at start-up.
//
// Invariants:
//  1. upsert() never erases what a gossip message does not carry: an empty address list keeps
//     the stored addresses and an empty public key keeps the stored key (the Go peer overwrites
//     the key with ''). It never touches protocols; only set_protocols() does.
//  2. A _favorites row exists only for a peer that had a _peer_cache row when it was favourited;
//     remove() deletes the cache row only, so a favourite outlives pruning.
//  3. While both rows exist, the favourite's metadata equals the cache row's (mirrored by
//     upsert() and set_protocols() in the same transaction).
//  4. Nothing read back from the file is trusted: text fields, lists and the row count are
//     capped, and malformed JSON lists read as empty.
//
// last_seen is written as UTC "YYYY-MM-DD HH:MM:SS.mmm" from the Clock's wall time; the Go peer
// writes CURRENT_TIMESTAMP ("YYYY-MM-DD HH:MM:SS") and parses ours, and both sort as text.

#include "base/clock.hpp"
#include "base/result.hpp"
#include "goop/presence/peer_table.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace goop::storage {
class Db;
}

namespace goop::presence {

// One remembered peer, as boot_list() returns it.
struct CachedPeer {
  std::string peer_id;
  // content, email, avatar_hash, video_disabled, active_template, verified and public_key come
  // from the row; encryption_supported is derived (a stored public key means true) and
  // goop_client_version is not stored (empty).
  PeerIdentity identity;
  std::vector<std::string> addrs;
  std::vector<std::string> protocols;
  bool favorite = false;
  // Epoch when the stored value is missing or unreadable.
  std::chrono::system_clock::time_point last_seen{};
};

class PeerCache {
 public:
  // Caps on what is written and read back.
  static constexpr std::size_t kMaxBootRows = 10'000;
  static constexpr std::size_t kMaxAddrs = 64;
  static constexpr std::size_t kMaxProtocols = 128;
  static constexpr std::size_t kMaxListJsonBytes = 64 * 1024;  // longer lists read as empty
  static constexpr std::size_t kMaxTextChars = 4096;           // longer text fields are cut

  // Creates _peer_cache and _favorites if missing and adds the columns an older Go data.db lacks
  // (protocols, public_key). `db` and `clock` must outlive the cache; the cache stores their
  // addresses, so `db` must not be moved meanwhile. Errors: the schema could not be created or
  // migrated (message names the database file and SQLite's reason).
  static Expected<PeerCache> open(storage::Db& db, Clock& clock);

  // Records a presence (spec §5.4): replaces content, email, avatar hash, video flag, active
  // template and `verified` (the parameter; id.verified is ignored, since the caller decides
  // whose word counts), sets last_seen to now. Keeps the stored addresses when `addrs` is empty,
  // the stored key when id.public_key is empty, and the protocols always. At most kMaxAddrs
  // addresses are stored. If the peer is a favourite, the same change is made to its _favorites
  // row, atomically. Errors: SQLite failures (message names the peer and the reason).
  Expected<void> upsert(const std::string& peer_id, const PeerIdentity& id,
                        const std::vector<std::string>& addrs, bool verified);

  // Stores the protocol list from Identify (at most kMaxProtocols), in the cache row and the
  // favourite row. A peer with neither row is not added (no error): presence creates rows.
  Expected<void> set_protocols(const std::string& peer_id,
                               const std::vector<std::string>& protocols);

  // Forgets the cache row (the peer was pruned). A favourite row stays. No error if absent.
  Expected<void> remove(const std::string& peer_id);

  // favorite=true copies the peer's cache row (all columns) into _favorites; if it has no cache
  // row, kNotFound ("... is not known ...") unless it already is a favourite (then no-op).
  // favorite=false deletes the _favorites row (no error if absent).
  Expected<void> set_favorite(const std::string& peer_id, bool favorite);

  // Every cache row plus the favourites that have no cache row, newest last_seen first, with
  // `favorite` set for peers in _favorites. At most kMaxBootRows rows (the newest).
  Expected<std::vector<CachedPeer>> boot_list();

 private:
  PeerCache(storage::Db& db, Clock& clock) : db_(&db), clock_(&clock) {}

  storage::Db* db_;
  Clock* clock_;
};

}  // namespace goop::presence
