#pragma once
// The GossipSub v1.2 router: pure protocol state, no I/O. It is fed inbound RPCs, local
// publish/subscribe calls and heartbeat() ticks, and emits outbound RPCs and verified messages
// through the callbacks given at construction. The service (gossipsub.hpp) drives it from the
// network; tests drive it directly on a ManualClock.
//
// Validation (gossipsub-v1.2 "IDONTWANT Message"). A new message is first pre-validated: its
// id is checked against the seen cache and the pending set, so a duplicate costs no signature
// check, and for a message of at least idontwant_min_data_size bytes of data we note an
// IDONTWANT for our mesh peers (sent by send_idontwants(), before the message is verified, as
// the spec suggests). The message then waits in a FIFO. validate_pending() verifies queued
// messages (StrictSign) and delivers the valid ones; release_verified() forwards them to the
// mesh peers that did not tell us, meanwhile, that they have them. By default handle_rpc()
// does all of this before returning. With set_deferred_validation(true) the owner calls the
// three itself, and lets inbound RPCs in between: in a small full mesh every receiver gets
// each message from the publisher at about the same time, and without IDONTWANTs read between
// verifying and forwarding each would also get it from every other receiver. A copy that
// arrives while its id is pending is not verified: if it is identical, its sender is noted as
// having the message (not forwarded to); if it differs (a forgery, or the forgery came first)
// it is kept as another candidate, tried if the first fails, so a forged copy cannot shadow
// the real message.
//
// Executor rule: single-threaded (the node executor). Callbacks are called synchronously and
// must not call back into the router.
//
// Invariants:
//  1. mesh_ has an entry exactly for each joined topic; every mesh peer is a known peer
//     subscribed to that topic.
//  2. fanout_ has entries only for topics that are not joined.
//  3. A message is delivered and forwarded at most once per id within the seen TTL, and only
//     after its StrictSign signature verified.
//  5. An id is in pending_ iff it is in validation_queue_ (once), and then not in seen_; an id
//     in verified_ is in seen_.
//  6. A message is never forwarded to a peer that sent us IDONTWANT for it (either id) within
//     the last idontwant_ttl heartbeats, nor to a peer it came from.
//  4. Every message in the message cache is there under both its id and, if it has one, its
//     js id; the seen cache holds our ids only (a js id is looked up in the message cache, which
//     outlasts js's gossip windows).
//
// Message-id dialects. Our ids are go-libp2p-pubsub's (from || seqno); js-libp2p's default is
// marshaled key || seqno (gotcha §4.3.9). Mesh delivery does not care, but gossip does: a js
// IHAVE for a message we have would make us IWANT it again, and js counts an IWANT answered
// with a message whose (js) id differs from the one it asked for as a broken promise and
// lowers our score. So the router knows each message under both ids, accepts either in IHAVE
// and IWANT, and advertises to each peer in its dialect: js when the service says so (set from
// identify's agent version) or when the peer's own IHAVE names a message we have by its js id.
#include "base/clock.hpp"
#include "base/result.hpp"
#include "p2p/crypto/keys.hpp"
#include "p2p/crypto/peer_id.hpp"
#include "p2p/protocol/gossipsub/caches.hpp"
#include "p2p/protocol/gossipsub/rpc.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace goop::p2p::gossipsub {

struct Params {
  std::size_t d = 6;
  std::size_t d_lo = 5;
  std::size_t d_hi = 12;
  std::size_t d_lazy = 6;
  std::chrono::steady_clock::duration heartbeat_interval = std::chrono::seconds(1);
  std::chrono::steady_clock::duration fanout_ttl = std::chrono::seconds(60);
  std::size_t mcache_len = 5;
  std::size_t mcache_gossip = 3;
  std::chrono::steady_clock::duration seen_ttl = std::chrono::minutes(2);
  std::chrono::steady_clock::duration prune_backoff = std::chrono::seconds(60);
  std::chrono::steady_clock::duration unsubscribe_backoff = std::chrono::seconds(10);
  bool flood_publish = true;
  std::size_t max_ihave_length = 5000;    // ids asked for per peer per heartbeat
  std::size_t max_ihave_messages = 10;    // IHAVE messages accepted per peer per heartbeat
  std::size_t gossip_retransmission = 3;  // IWANT replies per message per peer
  // v1.2 IDONTWANT: sent for messages with at least this many bytes of data (js: 512); at
  // most max_idontwant_messages ids accepted per peer per heartbeat, each kept idontwant_ttl
  // heartbeats (go: 3).
  std::size_t idontwant_min_data_size = 512;
  std::size_t max_idontwant_messages = 5000;
  std::size_t idontwant_ttl = 3;
  // Messages awaiting validation; beyond it new ones are dropped (gossip brings them back).
  std::size_t max_pending_validations = 8192;
  std::uint64_t rng_seed = 0;  // 0: random
};

// What the router did with inbound messages (for tests and benchmarks).
struct Counters {
  std::uint64_t validated = 0;           // signatures checked
  std::uint64_t duplicates = 0;          // copies dropped by id (seen or pending)
  std::uint64_t idontwant_sent = 0;      // IDONTWANT ids sent
  std::uint64_t idontwant_received = 0;  // IDONTWANT ids accepted
  std::uint64_t forwards_skipped = 0;    // copies not forwarded because the peer had it
};

enum class IdDialect { kGo, kJs };

class Router {
 public:
  using SendFn = std::function<void(const PeerId& to, Rpc rpc)>;
  // A verified message on a joined topic: the message, its author, its id.
  using DeliverFn =
      std::function<void(const Message& m, const PeerId& author, const MessageId& id)>;

  // A peer announced a subscription to a topic we have joined (once per peer and topic). Runs
  // inside handle_rpc: it must not call back into the router (post instead).
  using SubscribedFn = std::function<void(const std::string& topic, const PeerId& peer)>;

  Router(Ed25519PrivateKey key, Clock& clock, Params params, SendFn send, DeliverFn deliver);

  void on_subscribed(SubscribedFn fn) { subscribed_ = std::move(fn); }
  // Optional: sends one RPC (a published or forwarded message) to several peers, so the
  // service can encode it once. Without it, SendFn is called once per peer.
  using BroadcastFn = std::function<void(const std::vector<PeerId>& to, const Rpc& rpc)>;
  void set_broadcast(BroadcastFn fn) { broadcast_ = std::move(fn); }

  const PeerId& id() const noexcept { return self_; }
  const Params& params() const noexcept { return params_; }

  // A peer that speaks gossipsub. Sends it our subscriptions. Idempotent.
  void add_peer(const PeerId& peer);
  // Forgets the peer everywhere (mesh, fanout, topics).
  void remove_peer(const PeerId& peer);
  bool has_peer(const PeerId& peer) const { return peers_.count(peer) != 0; }
  // The message-id dialect of a known peer (kGo until told or learned otherwise); unknown
  // peers are ignored.
  void set_id_dialect(const PeerId& peer, IdDialect dialect);
  IdDialect id_dialect(const PeerId& peer) const;
  // Whether a known peer speaks v1.2 (/meshsub/1.2.0), so IDONTWANT may be sent to it.
  void set_idontwant_support(const PeerId& peer, bool supported);

  // See "Validation" above. Switching it off validates and forwards everything pending at once.
  void set_deferred_validation(bool on);
  // Sends the IDONTWANTs noted since the last call, one RPC per peer.
  void send_idontwants();
  // Verifies up to `max` queued messages, oldest first; delivers the valid ones and keeps them
  // for release_verified(). Returns how many were taken from the queue.
  std::size_t validate_pending(std::size_t max);
  // Forwards the messages verified since the last call.
  void release_verified();
  std::size_t pending_validations() const noexcept { return validation_queue_.size(); }
  const Counters& counters() const noexcept { return counters_; }

  // Subscribes: announces to all peers, then GRAFTs up to D peers (fanout peers first).
  void join(const std::string& topic);
  // Unsubscribes: PRUNEs the mesh (with the unsubscribe backoff) and announces.
  void leave(const std::string& topic);
  bool joined(const std::string& topic) const { return mesh_.count(topic) != 0; }

  // Signs and sends a message (flood publish: to every peer subscribed to the topic). The
  // message is not delivered locally. Errors: goop::Errc::kTooLarge if the RPC would exceed
  // kMaxRpcSize.
  Result<MessageId> publish(const std::string& topic, Bytes data);

  // Sends our latest message on `topic` again, to `peer` alone (e.g. to greet a peer that just
  // subscribed with what everyone else already has). The peer handles it as any message: new
  // to it, it is delivered and forwarded to its mesh, whose members drop it as seen. Returns
  // false if we have published nothing on the topic or do not know the peer.
  bool resend_latest(const std::string& topic, const PeerId& peer);

  // Handles one RPC from `from` (adding it as a peer if new).
  void handle_rpc(const PeerId& from, Rpc rpc);

  // One heartbeat (gossipsub-v1.0 "Heartbeat"): mesh maintenance, fanout expiry, gossip
  // emission, cache shifts. The service calls it every heartbeat_interval; tests directly.
  void heartbeat();

  std::vector<PeerId> mesh_peers(const std::string& topic) const;
  std::vector<PeerId> topic_peers(const std::string& topic) const;
  std::vector<PeerId> fanout_peers(const std::string& topic) const;
  bool in_backoff(const std::string& topic, const PeerId& peer) const;
  void set_seqno_for_testing(std::uint64_t next) { seqno_ = next; }
  Params& params_for_testing() { return params_; }

 private:
  struct PeerState {
    std::set<std::string> topics;
    IdDialect dialect = IdDialect::kGo;
    bool idontwant = false;  // speaks v1.2
    std::size_t ihaves_this_heartbeat = 0;
    std::size_t ids_asked_this_heartbeat = 0;
    std::size_t idontwants_this_heartbeat = 0;
    std::unordered_map<MessageId, std::uint64_t> dont_send;  // id (either dialect) -> tick
  };
  // A message id awaiting validation: the distinct copies received (first first) with their
  // senders, and the peers that sent a copy identical to the first.
  struct Pending {
    std::vector<std::pair<PeerId, Message>> candidates;
    std::vector<PeerId> holders;
    std::vector<PeerId> dont_want;  // peers that sent IDONTWANT for it
  };
  // A valid message new to us, delivered, to be forwarded except to its author and `skip`.
  struct Verified {
    MessageId id;
    MessageId js_id;
    Message msg;
    PeerId author;
    std::vector<PeerId> skip;
  };
  using Outbox = std::map<PeerId, Rpc>;

  // Pre-validation (validation.cpp): drops duplicates, notes IDONTWANTs, queues the message.
  void receive_message(const PeerId& from, Message m);
  // Verifies the oldest queued message (its candidates, in order).
  void validate_one();
  void forward(Verified& v);
  void note_idontwant(const MessageId& id, const Message& m, const PeerId& from);
  void handle_idontwant(const PeerId& from, const ControlIDontWant& d);
  // Whether `peer` told us (IDONTWANT) it has the message with these ids.
  bool dont_send(const PeerState& peer, const MessageId& id, const MessageId& js_id) const;
  // Marks a message seen and caches it, under both of its ids.
  void remember(const MessageId& id, const MessageId& js_id, Message m);
  void handle_graft(const PeerId& from, const ControlGraft& g, Outbox& out);
  void handle_prune(const PeerId& from, const ControlPrune& p);
  void handle_ihave(const PeerId& from, const ControlIHave& ih, ControlIWant& want);
  void handle_iwant(const PeerId& from, const ControlIWant& iw, Rpc& reply);
  void flush(Outbox& out);
  void send_to_all(const std::vector<PeerId>& to, const Rpc& rpc);
  ControlPrune make_prune(const std::string& topic, std::chrono::steady_clock::duration backoff);
  // Up to `n` random peers subscribed to `topic` for which `ok(peer)` is true.
  std::vector<PeerId> pick(const std::string& topic, std::size_t n,
                           const std::function<bool(const PeerId&)>& ok);
  void emit_gossip(const std::string& topic, const std::set<PeerId>& exclude, Outbox& out);

  Ed25519PrivateKey key_;
  PeerId self_;
  Clock& clock_;
  Params params_;
  SendFn send_;
  DeliverFn deliver_;
  SubscribedFn subscribed_;
  BroadcastFn broadcast_;
  std::map<std::string, Message> latest_own_;  // topic -> our last published message
  std::mt19937_64 rng_;
  std::uint64_t seqno_;

  std::map<PeerId, PeerState> peers_;
  std::map<std::string, std::set<PeerId>> topics_;  // topic -> subscribed peers
  std::map<std::string, std::set<PeerId>> mesh_;    // joined topic -> mesh peers
  std::map<std::string, std::set<PeerId>> fanout_;  // published-not-joined topic -> peers
  std::map<std::string, TimePoint> fanout_last_pub_;
  MessageCache mcache_;
  SeenCache seen_;
  BackoffTable backoff_;
  bool deferred_validation_ = false;
  std::unordered_map<MessageId, Pending> pending_;
  std::deque<MessageId> validation_queue_;
  std::vector<Verified> verified_;
  std::map<PeerId, ControlIDontWant> idontwant_out_;
  std::uint64_t heartbeats_ = 0;
  Counters counters_;
};

}  // namespace goop::p2p::gossipsub
