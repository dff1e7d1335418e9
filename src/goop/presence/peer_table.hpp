#pragma once
// The peer table: who is around, what they announced, and whether we can reach them
// (spec/net.md §5.5, §5.7). It is the single identity cache the viewer lists.
//
// Liveness is kept per channel (the fix for net.md §5.4 "flapping"): a presence is heard on a
// channel (kGossipChannel, or "rv:<url>" for each rendezvous) and the entry remembers when each
// channel last heard the peer. An `offline` from one channel forgets only that channel; the peer
// goes offline when every channel that heard it said offline, or none heard it within the ttl.
// So a rendezvous that loses the peer's WebSocket does not flip a peer gossip still hears.
//
// Executor rule: node executor only; not thread-safe. Time comes from the Clock (a ManualClock
// in tests). Every change is reported to the event callbacks synchronously and none is ever
// dropped (the Go peer drops events when its 16-slot channel is full). A callback must not
// change the table itself (post the change instead).
//
// Invariants:
//  1. An entry is online iff offline_since is empty.
//  2. Favourites are never pruned (they persist, as the issue asks; the Go peer drops them).
//  3. reachable turns false only after two counted probe failures at least 2 s apart.
//  4. An online entry has at least one channel in `channels`; an offline entry has none.

#include "base/clock.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goop::presence {

// The channel of presence heard over gossip (LAN and connected peers). Rendezvous channels are
// named "rv:<base url>" by whoever feeds the table.
inline constexpr std::string_view kGossipChannel = "gossip";

// What a peer announces about itself.
struct PeerIdentity {
  std::string content;  // label
  std::string email;
  std::string avatar_hash;
  bool video_disabled = false;
  std::string active_template;
  std::string public_key;             // NaCl, base64 (sticky: an empty value keeps the known key)
  bool encryption_supported = false;  // sticky once true
  bool verified = false;
  std::string goop_client_version;  // sticky: empty keeps the known version
};

struct PeerEntry {
  PeerIdentity identity;
  std::vector<std::string> addrs;
  bool reachable = false;
  bool favorite = false;
  // How we are connected to the peer now: "none", "lan", "direct" or "relay" (see
  // connection_kind.hpp); kept by the node from its connection events.
  std::string connection = "none";
  Clock::time_point last_seen{};                   // the newest presence on any channel
  std::optional<Clock::time_point> offline_since;  // empty = online
  // Channels that heard the peer and have not said offline since, with when each last heard it.
  std::map<std::string, Clock::time_point, std::less<>> channels;
  int fail_streak = 0;
  Clock::time_point last_fail{};

  bool online() const noexcept { return !offline_since.has_value(); }
};

enum class PeerEvent { kUpdate, kRemove };

class PeerTable {
 public:
  using EventFn = std::function<void(const std::string& peer_id, PeerEvent)>;
  // Probe failures closer together than this count once.
  static constexpr auto kFailureDebounce = std::chrono::seconds(2);

  explicit PeerTable(Clock& clock) : clock_(clock) {}

  void on_event(EventFn fn) { listeners_.push_back(std::move(fn)); }

  // A presence was heard on `channel`: replaces the identity fields (public key, encryption
  // support and client version are sticky), keeps reachable/favourite/streak, marks the peer
  // online and seen now on that channel. With keep_verified (gossip, which is not authoritative
  // for it) the known `verified` stays. New addresses are merged in front. A new peer starts
  // unreachable.
  void upsert(const std::string& peer, const PeerIdentity& id,
              const std::vector<std::string>& addrs, bool keep_verified,
              std::string_view channel = kGossipChannel);
  // Inserts a peer remembered from the peer cache as offline and unreachable; no-op if known.
  void seed(const std::string& peer, const PeerIdentity& id, const std::vector<std::string>& addrs,
            bool favorite);
  // `channel` heard the peer leave: only that channel forgets it. When no channel is left the
  // peer goes offline as mark_offline(peer) does.
  void mark_offline(const std::string& peer, std::string_view channel);
  // Marks the peer offline (on every channel) and unreachable; an event only on the
  // online -> offline transition.
  void mark_offline(const std::string& peer);
  // Result of a reachability probe (debounced for failures, see invariant 3).
  void set_reachable(const std::string& peer, bool ok);
  void set_favorite(const std::string& peer, bool favorite);
  // Records how we are connected to a known peer; an unknown peer is ignored.
  void set_connection(const std::string& peer, std::string_view kind);
  void remove(const std::string& peer);

  // Channels that have not heard a peer for longer than `ttl` forget it; online peers no channel
  // remembers go offline; offline non-favourite peers offline for longer than `grace` are
  // removed.
  void prune(std::chrono::seconds ttl, std::chrono::minutes grace);

  const PeerEntry* find(const std::string& peer) const;
  const std::map<std::string, PeerEntry>& entries() const noexcept { return peers_; }

 private:
  void emit(const std::string& peer, PeerEvent e);

  Clock& clock_;
  std::map<std::string, PeerEntry> peers_;
  std::vector<EventFn> listeners_;
};

}  // namespace goop::presence
