// Router: peers, subscriptions, publishing and message handling. Mesh control (GRAFT, PRUNE,
// IHAVE, IWANT) and the heartbeat live in mesh.cpp.
#include "p2p/protocol/gossipsub/router.hpp"

#include "base/log.hpp"
#include "p2p/errors.hpp"
#include "p2p/protocol/gossipsub/signing.hpp"

#include <sodium.h>

#include <algorithm>

namespace goop::p2p::gossipsub {
namespace {
log::Logger lg("p2p.gossipsub");

std::uint64_t random_seed() {
  std::uint64_t s = 0;
  randombytes_buf(&s, sizeof s);
  return s;
}
}  // namespace

Router::Router(Ed25519PrivateKey key, Clock& clock, Params params, SendFn send, DeliverFn deliver)
    : key_(std::move(key)),
      self_(PeerId::from_public_key(key_.public_key())),
      clock_(clock),
      params_(params),
      send_(std::move(send)),
      deliver_(std::move(deliver)),
      rng_(params.rng_seed != 0 ? params.rng_seed : random_seed()),
      // go and js v3 seed the counter with the wall clock in ns, so it keeps increasing
      // across restarts (kubo's BasicSeqnoValidator drops non-increasing seqnos).
      seqno_(static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(clock.wall_now().time_since_epoch())
              .count())),
      mcache_(params.mcache_gossip, params.mcache_len),
      seen_(params.seen_ttl) {}

void Router::add_peer(const PeerId& peer) {
  if (peer == self_ || !peers_.emplace(peer, PeerState{}).second) return;
  GOOP_LOG_DEBUG(lg, "peer={} added", peer.short_string());
  if (mesh_.empty()) return;
  Rpc hello;
  for (const auto& [topic, _] : mesh_) hello.subscriptions.push_back({true, topic});
  send_(peer, std::move(hello));
}

void Router::remove_peer(const PeerId& peer) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return;
  for (const auto& t : it->second.topics) topics_[t].erase(peer);
  for (auto& [_, m] : mesh_) m.erase(peer);
  for (auto& [_, f] : fanout_) f.erase(peer);
  peers_.erase(it);
  GOOP_LOG_DEBUG(lg, "peer={} removed", peer.short_string());
}

void Router::join(const std::string& topic) {
  if (joined(topic)) return;
  GOOP_LOG_DEBUG(lg, "join topic={}", topic);
  // Announce first: SUBSCRIBE must reach a peer before our GRAFT (js-libp2p-gossipsub#418).
  for (const auto& [p, _] : peers_) {
    Rpc r;
    r.subscriptions.push_back({true, topic});
    send_(p, std::move(r));
  }
  auto& mesh = mesh_[topic];
  if (auto f = fanout_.find(topic); f != fanout_.end()) {
    for (const auto& p : f->second) {
      if (mesh.size() < params_.d && !backoff_.active(topic, p, clock_.now())) mesh.insert(p);
    }
    fanout_.erase(f);
    fanout_last_pub_.erase(topic);
  }
  const auto now = clock_.now();
  for (const auto& p :
       pick(topic, params_.d - std::min(params_.d, mesh.size()),
            [&](const PeerId& q) { return !mesh.count(q) && !backoff_.active(topic, q, now); })) {
    mesh.insert(p);
  }
  Outbox out;
  for (const auto& p : mesh) out[p].control.graft.push_back({topic});
  flush(out);
}

void Router::leave(const std::string& topic) {
  auto it = mesh_.find(topic);
  if (it == mesh_.end()) return;
  GOOP_LOG_DEBUG(lg, "leave topic={}", topic);
  Outbox out;
  for (const auto& p : it->second) {
    out[p].control.prune.push_back(make_prune(topic, params_.unsubscribe_backoff));
    backoff_.add(topic, p, clock_.now() + params_.unsubscribe_backoff);
  }
  mesh_.erase(it);
  for (const auto& [p, _] : peers_) out[p].subscriptions.push_back({false, topic});
  flush(out);
}

Result<MessageId> Router::publish(const std::string& topic, Bytes data) {
  Message m;
  m.data = std::move(data);
  m.topic = topic;
  m.seqno = encode_seqno(++seqno_);
  sign_message(m, key_);
  if (encoded_rpc_size(m) > kMaxRpcSize) return make_error_code(goop::Errc::kTooLarge);
  Rpc rpc;
  rpc.publish.push_back(std::move(m));
  const Message& msg = rpc.publish.front();
  const MessageId id = message_id(msg);
  remember(id, js_message_id(msg), msg);
  latest_own_[topic] = msg;

  std::set<PeerId> to;
  if (params_.flood_publish) {
    if (auto t = topics_.find(topic); t != topics_.end()) to = t->second;
  } else if (auto mesh = mesh_.find(topic); mesh != mesh_.end()) {
    to = mesh->second;
  }
  if (!joined(topic)) {
    auto& fan = fanout_[topic];
    if (fan.empty()) {
      for (const auto& p : pick(topic, params_.d, [](const PeerId&) { return true; }))
        fan.insert(p);
    }
    fanout_last_pub_[topic] = clock_.now();
    if (!params_.flood_publish) to = fan;
  }
  GOOP_LOG_TRACE(lg, "publish topic={} to {} peers", topic, to.size());
  send_to_all(std::vector<PeerId>(to.begin(), to.end()), rpc);
  return id;
}

bool Router::resend_latest(const std::string& topic, const PeerId& peer) {
  auto it = latest_own_.find(topic);
  if (it == latest_own_.end() || !peers_.count(peer)) return false;
  Rpc rpc;
  rpc.publish.push_back(it->second);
  send_(peer, std::move(rpc));
  return true;
}

void Router::handle_rpc(const PeerId& from, Rpc rpc) {
  if (from == self_) return;
  if (!peers_.count(from)) add_peer(from);
  auto& ps = peers_[from];
  Outbox out;
  const auto now = clock_.now();
  for (const auto& s : rpc.subscriptions) {
    if (s.subscribe) {
      ps.topics.insert(s.topic);
      if (topics_[s.topic].insert(from).second && subscribed_ && joined(s.topic))
        subscribed_(s.topic, from);
      // GRAFT at once while our mesh is below D (js: below Dlo), rather than at the next
      // heartbeat, so messages published meanwhile are forwarded. Our SUBSCRIBE went first
      // (add_peer), so the GRAFT is not refused.
      auto m = mesh_.find(s.topic);
      if (m != mesh_.end() && m->second.size() < params_.d && !m->second.count(from) &&
          !backoff_.active(s.topic, from, now)) {
        m->second.insert(from);
        out[from].control.graft.push_back({s.topic});
      }
    } else {
      ps.topics.erase(s.topic);
      if (auto t = topics_.find(s.topic); t != topics_.end()) t->second.erase(from);
      if (auto m = mesh_.find(s.topic); m != mesh_.end()) m->second.erase(from);
      if (auto f = fanout_.find(s.topic); f != fanout_.end()) f->second.erase(from);
    }
  }
  // IDONTWANT first: it may name a message this RPC or an earlier one queued.
  for (const auto& d : rpc.control.idontwant) handle_idontwant(from, d);
  for (auto& m : rpc.publish) receive_message(from, std::move(m));
  if (!deferred_validation_) {
    send_idontwants();
    validate_pending(validation_queue_.size());
    release_verified();
  }

  if (!rpc.control.ihave.empty()) {
    ControlIWant want;
    for (const auto& ih : rpc.control.ihave) handle_ihave(from, ih, want);
    if (!want.ids.empty()) out[from].control.iwant.push_back(std::move(want));
  }
  if (!rpc.control.iwant.empty()) {
    Rpc reply;
    for (const auto& iw : rpc.control.iwant) handle_iwant(from, iw, reply);
    if (!reply.empty()) {
      auto& r = out[from];
      for (auto& m : reply.publish) r.publish.push_back(std::move(m));
    }
  }
  for (const auto& g : rpc.control.graft) handle_graft(from, g, out);
  for (const auto& p : rpc.control.prune) handle_prune(from, p);
  flush(out);
}

void Router::remember(const MessageId& id, const MessageId& js_id, Message m) {
  seen_.add(id, clock_.now());
  mcache_.put(id, js_id, std::move(m));
}

void Router::set_id_dialect(const PeerId& peer, IdDialect dialect) {
  if (auto it = peers_.find(peer); it != peers_.end()) it->second.dialect = dialect;
}

IdDialect Router::id_dialect(const PeerId& peer) const {
  auto it = peers_.find(peer);
  return it == peers_.end() ? IdDialect::kGo : it->second.dialect;
}

void Router::send_to_all(const std::vector<PeerId>& to, const Rpc& rpc) {
  if (to.empty()) return;
  if (broadcast_) {
    broadcast_(to, rpc);
  } else {
    for (const auto& p : to) send_(p, rpc);
  }
}

void Router::flush(Outbox& out) {
  for (auto& [p, rpc] : out) {
    if (!rpc.empty() && peers_.count(p)) send_(p, std::move(rpc));
  }
  out.clear();
}

std::vector<PeerId> Router::pick(const std::string& topic, std::size_t n,
                                 const std::function<bool(const PeerId&)>& ok) {
  std::vector<PeerId> c;
  if (auto t = topics_.find(topic); t != topics_.end()) {
    for (const auto& p : t->second) {
      if (ok(p)) c.push_back(p);
    }
  }
  std::shuffle(c.begin(), c.end(), rng_);
  if (c.size() > n) c.erase(c.begin() + static_cast<std::ptrdiff_t>(n), c.end());
  return c;
}

std::vector<PeerId> Router::mesh_peers(const std::string& topic) const {
  auto it = mesh_.find(topic);
  return it == mesh_.end() ? std::vector<PeerId>{}
                           : std::vector<PeerId>(it->second.begin(), it->second.end());
}

std::vector<PeerId> Router::topic_peers(const std::string& topic) const {
  auto it = topics_.find(topic);
  return it == topics_.end() ? std::vector<PeerId>{}
                             : std::vector<PeerId>(it->second.begin(), it->second.end());
}

std::vector<PeerId> Router::fanout_peers(const std::string& topic) const {
  auto it = fanout_.find(topic);
  return it == fanout_.end() ? std::vector<PeerId>{}
                             : std::vector<PeerId>(it->second.begin(), it->second.end());
}

bool Router::in_backoff(const std::string& topic, const PeerId& peer) const {
  return backoff_.active(topic, peer, clock_.now());
}

}  // namespace goop::p2p::gossipsub
