#pragma once
// PresenceService: who is online, over gossip (spec/net.md §5.2.1–§5.7). It announces us on
// the presence topic (online at start, update every heartbeat, offline at shutdown with a
// bounded flush; a newly subscribed peer gets our latest announcement directly), applies what
// others announce to the PeerTable, probes reachability with /goop/content/1.0.0 and expires silent
// peers.
//
// Rendezvous clients feed what they hear through heard(msg, channel) and send our presence
// through on_publish: every announcement (online, heartbeat, announce_now, offline at stop)
// is handed to them as the full rendezvous copy (net.md §5.2.2).
//
// Fixes over the Go peer: a gossip presence is accepted only from its signed author; a message
// older than the last one applied for that peer on that channel is ignored (no offline/update
// reordering); liveness is kept per channel (PeerTable), so one channel's offline does not flap
// a peer another still hears; a failed probe never closes connections; the offline message is
// flushed before the host stops.
//
// Executor rule: construct, call and destroy on the Host's executor. Lifetime: start(), then
// await async_stop() before destroying; Host, GossipSub and PeerTable must outlive it.

#include "base/clock.hpp"
#include "goop/presence/message.hpp"
#include "goop/presence/peer_table.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace goop::p2p {
class Host;
namespace gossipsub {
class GossipSub;
}
}  // namespace goop::p2p

namespace goop::presence {

struct PresenceOptions {
  std::string topic = "goop.presence.v1";
  std::chrono::seconds heartbeat{5};
  std::chrono::seconds ttl{20};
  std::chrono::minutes grace{15};
  std::chrono::milliseconds prune_interval{1000};
  std::chrono::milliseconds probe_timeout{2000};  // ProbeTimeout
  std::chrono::milliseconds probe_cooldown{500};  // ProbeCooldown after a failure
  std::chrono::milliseconds offline_flush{1000};  // bound on sending `offline` at shutdown
  std::size_t max_published_addrs = 20;           // the rendezvous refuses more
  std::size_t max_peers = 4096;                   // new peers beyond this are ignored
};

// What we announce about ourselves, asked before every publish. identity.public_key and
// verification_token go to the rendezvous only, never on gossip.
struct SelfAnnouncement {
  PeerIdentity identity;
  std::vector<std::string> addrs;
  std::string verification_token;
};

class PresenceService {
 public:
  using SelfFn = std::function<SelfAnnouncement()>;
  // Called after a peer's online/update was applied to the table (e.g. to write the peer cache).
  using HeardFn = std::function<void(const std::string& peer, const PresenceMsg& msg)>;
  // Called with the full (rendezvous) copy of each announcement we publish.
  using PublishFn = std::function<void(const PresenceMsg& full)>;

  PresenceService(boost::asio::any_io_executor ex, p2p::Host& host,
                  p2p::gossipsub::GossipSub& gossip, PeerTable& table, PresenceOptions options,
                  SelfFn self, Clock& clock = SystemClock::instance());
  PresenceService(const PresenceService&) = delete;
  PresenceService& operator=(const PresenceService&) = delete;
  ~PresenceService();

  void on_heard(HeardFn fn);
  // Register before start() to see the first `online`.
  void on_publish(PublishFn fn);

  // A presence heard on `channel` other than gossip (a rendezvous, "rv:<url>"): applied like a
  // gossip one (ignored if it is ours, older than the last applied, or the table is full), but
  // authoritative for `verified` and carrying the public key; probes the peer when it is new or
  // unreachable. `offline` forgets the peer on that channel only (PeerTable). A `punch` whose
  // target is us adds its addresses and probes (dials) its peer. Ignored while stopping.
  void heard(const PresenceMsg& msg, const std::string& channel);

  // Subscribes to the topic, publishes `online`, starts the heartbeat and prune ticks, and
  // marks a known peer reachable when a connection to it opens.
  void start();

  // Publishes an `update` with what SelfFn returns now, at once (after a label, email or
  // avatar change), instead of waiting for the next heartbeat. No-op before start() and while
  // stopping.
  void announce_now();

  // Changes how long an offline non-favourite peer stays listed (viewer.peer_offline_grace_min);
  // applies from the next prune tick.
  void set_grace(std::chrono::minutes grace);

  // Probes every known peer in parallel (each skipped within probe_cooldown of its last
  // failure) and returns when all are done.
  boost::asio::awaitable<void> probe_all();

  // Publishes `offline`, waits up to options.offline_flush for it to be written, then stops
  // every task within `deadline`.
  boost::asio::awaitable<void> async_stop(std::chrono::steady_clock::duration deadline);

  // Our own gossip announcement of `type` (what publish sends), for tests.
  PresenceMsg make_message(MsgType type) const;
  // The rendezvous copy: every field (publicKey, verificationToken, addrs ...) even for
  // `offline` (net.md §5.2.2).
  PresenceMsg make_full_message(MsgType type) const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// Addresses worth announcing: no link-local ones; loopback ones only when nothing else is left
// (peers on one machine); at most `max` entries, IPv4 first.
std::vector<std::string> announceable_addrs(const std::vector<std::string>& addrs, std::size_t max);

}  // namespace goop::presence
