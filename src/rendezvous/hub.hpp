#pragma once
// Hub: the rendezvous presence hub (spec/rendezvous.md §4–6 with the fixes of §17 and the
// issue-6 brief). It holds the peer table, the live subscribers (WebSocket and SSE clients, seen
// through the abstract Subscriber so the hub is tested without sockets), fans every accepted
// presence out to them, sends each new subscriber a snapshot, sends punch hints to their targets
// only, sweeps rows older than the TTL, and keeps the 500-line log ring of /logs.json.
//
// Executor rule: not thread-safe; every member runs on the rendezvous executor. Nothing here
// blocks: the peer DB is fed through take_dirty() by the server, off this path.
//
// Cost per publish: one encode of the message (shared by every subscriber), O(1) table and
// accounting work, and the fan-out itself (one queue push per subscriber). bytes_received of
// every row grows by each broadcast through one global counter (row value = base + counter -
// counter at the row's creation), not a per-row loop (§17.20).
//
// Invariants:
//  1. A row exists for a peer exactly while its last presence (online/update) is younger than
//     the TTL and no offline for it was published since. Losing or replacing a subscriber never
//     removes a row.
//  2. Every broadcast message carries "verified":true and never a "verificationToken".
//  3. A WebSocket subscriber is "active" (receives broadcasts) from subscribe(); an SSE one once
//     its peer has a row (at subscribe time, or when that peer's first presence arrives). Each
//     gets the snapshot (one "update" per row) when it becomes active, before any live message.
//  4. At most one WebSocket subscriber per peer: a newer one replaces (closes) the older one.
//  5. Punch hints go only to their target's subscribers, at most once per pair per
//     punch_cooldown; the cooldown table holds at most max_punch_pairs entries.
//  6. A subscriber whose send() fails (closed, or its bounded queue overflowed) is dropped.

#include "base/clock.hpp"
#include "base/log.hpp"
#include "goop/presence/message.hpp"
#include "rendezvous/pages.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace goop::rendezvous {

// One live receiver of presence messages (a WebSocket channel, an SSE stream, a test double).
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // Queues one JSON message without blocking. Returns false if the subscriber is closed or its
  // bounded queue overflowed; the hub then drops it.
  virtual bool send(std::shared_ptr<const std::string> json) = 0;
  // Ends the connection because a newer one for the same peer replaced it.
  virtual void close() = 0;
  // False once the connection has ended (the hub forgets it at the next sweep).
  virtual bool alive() const = 0;
};

enum class SubscriberKind { kWebSocket, kEvents };

// A peer row as stored in the peer DB (spec §7 plus the columns we keep: addrs,
// active_template, public_key, encryption_supported, goop_client_version).
struct PeerRow {
  presence::PresenceMsg msg;      // type online/update, verification token empty
  std::int64_t last_seen_ms = 0;  // rendezvous wall clock of the last presence, Unix ms
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
};

struct HubOptions {
  std::chrono::seconds ttl{20};             // presence.ttl_seconds
  std::chrono::seconds punch_cooldown{60};  // per pair (§6)
  std::chrono::minutes punch_forget{5};     // cooldown entries older than this are dropped
  std::size_t max_punch_pairs = 200'000;    // bound of the cooldown table (~20 MB)
  std::size_t log_lines = 500;              // the /logs.json ring
};

class Hub {
 public:
  using SubscriberId = std::uint64_t;

  Hub(HubOptions options, const Clock& clock);
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;
  ~Hub();

  // Accepts one presence that passed check_publish (online, update or offline; the caller has
  // checked who may speak for m.peer_id). Strips the verification token, sets verified, fills
  // ts if 0, upserts or (offline) removes the row, broadcasts the message to every active
  // subscriber, activates the peer's pending subscribers, and sends punch hints when the peer
  // is new or its address set changed (§6).
  void publish(presence::PresenceMsg m);
  // Counts a refused publish or frame (for the dashboard).
  void count_refused() noexcept { ++refused_; }

  // Adds a subscriber for `peer_id`. A WebSocket subscriber replaces (and close()s) an earlier
  // one of the same peer, without touching the peer's row. A WebSocket subscriber, or one whose
  // peer has a row, becomes active at once (snapshot, then live messages); otherwise it stays
  // pending until the peer's first presence. Returns the id to unsubscribe with.
  SubscriberId subscribe(std::string peer_id, SubscriberKind kind, std::shared_ptr<Subscriber> s);
  // Forgets a subscriber (its connection ended). Unknown or already replaced ids are ignored.
  // Never changes the peer table.
  void unsubscribe(SubscriberId id);

  bool knows(std::string_view peer_id) const;
  std::size_t peer_count() const noexcept { return rows_.size(); }
  // Number of messages a new subscriber's queue must hold besides live traffic (the snapshot).
  std::size_t snapshot_size() const noexcept { return rows_.size(); }

  // Removes rows whose last presence is older than the TTL, broadcasting an offline for each;
  // forgets old punch cooldowns and ended subscribers. Returns the number of rows removed.
  // The server calls it every second.
  std::size_t sweep();

  // Rows from the peer DB at start: rows older than the TTL are skipped, others are added (their
  // age kept) unless the peer already has a row.
  void load(std::vector<PeerRow> rows);

  // What changed since the last call, for the write-behind peer DB: a row to upsert, or nullopt
  // to delete `peer_id`.
  struct DirtyRow {
    std::string peer_id;
    std::optional<PeerRow> row;
  };
  std::vector<DirtyRow> take_dirty();

  // /peers.json (§4.2 rows, §4.6 order), cached until the table changes.
  std::string peers_json();
  // /logs.json: a JSON array of "[HH:MM:SS] message", oldest first.
  std::string logs_json() const;
  RendezvousStats stats() const;

  // Logs `message` (logger "rendezvous") at `level` and appends it to the ring.
  void note(log::Level level, std::string message);

  // For tests: the row of `peer_id` as it would be stored, if any.
  std::optional<PeerRow> row_for_testing(std::string_view peer_id) const;
  std::size_t punch_pairs_for_testing() const noexcept { return punch_.size(); }

 private:
  struct Row {
    presence::PresenceMsg msg;
    std::int64_t last_seen_ms = 0;
    Clock::time_point last_presence;
    std::uint64_t bytes_sent = 0;
    std::uint64_t received_base = 0;              // bytes_received before received_offset
    std::uint64_t received_offset = 0;            // broadcast_bytes_ when the row was created
    std::shared_ptr<const std::string> snapshot;  // the row as an "update", made on demand
  };
  struct Sub {
    std::string peer_id;
    SubscriberKind kind;
    std::shared_ptr<Subscriber> s;
    std::size_t index = kPending;  // position in active_, or kPending
  };
  static constexpr std::size_t kPending = static_cast<std::size_t>(-1);
  struct Active {
    SubscriberId id;
    Subscriber* s;
  };

  void broadcast(const std::shared_ptr<const std::string>& json);
  void deliver_to(const std::string& peer_id, const std::shared_ptr<const std::string>& json);
  void activate(SubscriberId id, std::string_view skip_peer);
  void activate_pending(const std::string& peer_id);
  void remove_sub(SubscriberId id);
  void punch_hints(const std::string& peer_id, const Row& arriving);
  PeerRow to_peer_row(const Row& r) const;
  std::uint64_t bytes_received(const Row& r) const noexcept;
  std::int64_t now_ms() const;
  std::string stamp();

  HubOptions options_;
  const Clock& clock_;
  std::unordered_map<std::string, Row> rows_;
  std::unordered_map<SubscriberId, Sub> subs_;
  std::vector<Active> active_;  // the fan-out list
  std::unordered_map<std::string, SubscriberId> ws_by_peer_;
  std::unordered_multimap<std::string, SubscriberId> sse_by_peer_;
  std::unordered_map<std::string, Clock::time_point> punch_;  // "<a>\n<b>" (a < b) -> last hint
  std::unordered_set<std::string> dirty_;
  std::deque<std::string> log_;
  SubscriberId next_id_ = 1;
  std::uint64_t broadcast_bytes_ = 0;
  std::uint64_t published_ = 0;
  std::uint64_t refused_ = 0;
  std::size_t ws_count_ = 0;
  std::size_t sse_count_ = 0;
  std::uint64_t version_ = 0;  // bumped on every change /peers.json shows
  std::uint64_t peers_cache_version_ = static_cast<std::uint64_t>(-1);
  std::string peers_cache_;
  std::int64_t stamp_second_ = -1;
  std::string stamp_;  // "[HH:MM:SS] " of stamp_second_
  bool punch_full_logged_ = false;
};

}  // namespace goop::rendezvous
