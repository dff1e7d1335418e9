#pragma once
// The router's bookkeeping caches, each a small value type driven by explicit time points
// (so tests run them on a ManualClock): the message cache for gossip (gossipsub-v1.0
// "Message Cache"), the seen-message cache (duplicate suppression), and the GRAFT backoff
// table (gossipsub-v1.1 "PRUNE Backoff"). Not thread-safe; used on the node executor.
#include "p2p/crypto/peer_id.hpp"
#include "p2p/protocol/gossipsub/rpc.hpp"

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace goop::p2p::gossipsub {

using TimePoint = std::chrono::steady_clock::time_point;

// Keeps messages for `history` heartbeat windows; the ids of the newest `gossip` windows are
// advertised in IHAVE. Each message is known by its id and, optionally, an alias (its id in
// another implementation's scheme, see Router "Message-id dialects"); lookups accept either.
// Invariants: every entry of msgs_ is in windows_ once and vice versa; every alias in aliases_
// points to the key of a message in msgs_ whose entry records that alias. (windows_ and
// aliases_ point into msgs_'s nodes, which do not move.)
class MessageCache {
 public:
  enum class IdKind { kId, kAlias };
  struct GossipId {
    MessageId id;
    MessageId alias;  // empty if the message has none
  };

  MessageCache(std::size_t gossip, std::size_t history);
  // Adds a message to the newest window (no-op if already present). `alias` may be empty.
  // Returns the cached message, valid until it leaves the cache (shift()).
  const Message& put(const MessageId& id, const MessageId& alias, Message m);
  // The message known by `id_or_alias`, or null.
  const Message* get(const MessageId& id_or_alias) const;
  // Whether `id_or_alias` is a cached message's id or its alias; nullopt if unknown.
  std::optional<IdKind> kind(const MessageId& id_or_alias) const;
  // Ids of `topic` in the newest `gossip` windows.
  std::vector<GossipId> gossip_ids(const std::string& topic) const;
  // Counts an IWANT for the message from `peer`; returns the new count (v1.1
  // GossipRetransmission), 0 if unknown.
  std::size_t note_iwant(const MessageId& id_or_alias, const PeerId& peer);
  // Ends a heartbeat window: the oldest window's messages are forgotten.
  void shift();
  std::size_t size() const noexcept { return msgs_.size(); }

 private:
  struct Entry {
    Message msg;
    MessageId alias;
    std::map<PeerId, std::size_t> iwants;
  };
  const MessageId* resolve(const MessageId& id_or_alias) const;

  std::size_t gossip_;
  using Msgs = std::unordered_map<MessageId, Entry>;
  Msgs msgs_;
  std::deque<std::vector<const Msgs::value_type*>> windows_;
  std::unordered_map<MessageId, const MessageId*> aliases_;  // alias -> id
};

// Remembers message ids for `ttl`. Invariant: order_ is sorted by expiry and holds, once, a
// pointer to the key of each entry of ids_ (node keys do not move).
class SeenCache {
 public:
  explicit SeenCache(std::chrono::steady_clock::duration ttl) : ttl_(ttl) {}
  // Marks `id` seen; false if it already was (and has not expired).
  bool add(const MessageId& id, TimePoint now);
  bool contains(const MessageId& id) const { return ids_.count(id) != 0; }
  void sweep(TimePoint now);
  std::size_t size() const noexcept { return ids_.size(); }

 private:
  std::chrono::steady_clock::duration ttl_;
  std::unordered_map<MessageId, TimePoint> ids_;
  std::deque<std::pair<TimePoint, const MessageId*>> order_;
};

// (topic, peer) -> time until which we must not GRAFT that peer into that topic (and reject
// its GRAFTs).
class BackoffTable {
 public:
  // Extends (never shortens) the backoff of (topic, peer) to `until`.
  void add(const std::string& topic, const PeerId& peer, TimePoint until);
  bool active(const std::string& topic, const PeerId& peer, TimePoint now) const;
  void sweep(TimePoint now);
  std::size_t size() const noexcept { return until_.size(); }

 private:
  std::map<std::pair<std::string, PeerId>, TimePoint> until_;
};

}  // namespace goop::p2p::gossipsub
