// Router: mesh control (GRAFT/PRUNE, gossipsub-v1.0 "Control Messages" and v1.1 "PRUNE
// Backoff"), gossip (IHAVE/IWANT) and the heartbeat (v1.0 "Heartbeat").
#include "base/log.hpp"
#include "p2p/protocol/gossipsub/router.hpp"

#include <algorithm>

namespace goop::p2p::gossipsub {
namespace {
log::Logger lg("p2p.gossipsub.mesh");
}

ControlPrune Router::make_prune(const std::string& topic,
                                std::chrono::steady_clock::duration backoff) {
  ControlPrune p;
  p.topic = topic;
  p.backoff_seconds =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(backoff).count());
  return p;
}

void Router::handle_graft(const PeerId& from, const ControlGraft& g, Outbox& out) {
  auto mesh = mesh_.find(g.topic);
  const auto now = clock_.now();
  if (mesh == mesh_.end()) {
    // Not joined: refuse, without backoff penalty (go does the same).
    out[from].control.prune.push_back(make_prune(g.topic, params_.prune_backoff));
    return;
  }
  if (mesh->second.count(from)) return;
  if (backoff_.active(g.topic, from, now)) {
    // GRAFT during backoff: refuse and extend the backoff (v1.1 "PRUNE Backoff").
    GOOP_LOG_DEBUG(lg, "peer={} GRAFT topic={} during backoff", from.short_string(), g.topic);
    backoff_.add(g.topic, from, now + params_.prune_backoff);
    out[from].control.prune.push_back(make_prune(g.topic, params_.prune_backoff));
    return;
  }
  if (mesh->second.size() >= params_.d_hi) {
    backoff_.add(g.topic, from, now + params_.prune_backoff);
    out[from].control.prune.push_back(make_prune(g.topic, params_.prune_backoff));
    return;
  }
  peers_[from].topics.insert(g.topic);  // a GRAFT implies the subscription
  topics_[g.topic].insert(from);
  mesh->second.insert(from);
}

void Router::handle_prune(const PeerId& from, const ControlPrune& p) {
  if (auto mesh = mesh_.find(p.topic); mesh != mesh_.end()) mesh->second.erase(from);
  auto backoff = params_.prune_backoff;
  if (p.backoff_seconds) {
    backoff = std::chrono::seconds(std::min<std::uint64_t>(*p.backoff_seconds, 3600));
  }
  backoff_.add(p.topic, from, clock_.now() + backoff);
}

void Router::handle_ihave(const PeerId& from, const ControlIHave& ih, ControlIWant& want) {
  auto& ps = peers_[from];
  if (!joined(ih.topic) || ++ps.ihaves_this_heartbeat > params_.max_ihave_messages) return;
  for (const auto& id : ih.ids) {
    if (ps.ids_asked_this_heartbeat >= params_.max_ihave_length) break;
    // Learn the peer's id dialect from a message we have (Router "Message-id dialects").
    const auto kind = mcache_.kind(id);
    if (kind) ps.dialect = *kind == MessageCache::IdKind::kAlias ? IdDialect::kJs : IdDialect::kGo;
    if (kind || seen_.contains(id) || pending_.count(id)) continue;
    if (std::find(want.ids.begin(), want.ids.end(), id) != want.ids.end()) continue;
    want.ids.push_back(id);
    ++ps.ids_asked_this_heartbeat;
  }
}

void Router::handle_iwant(const PeerId& from, const ControlIWant& iw, Rpc& reply) {
  const auto& ps = peers_[from];
  for (const auto& id : iw.ids) {
    const Message* m = mcache_.get(id);
    if (!m || mcache_.note_iwant(id, from) > params_.gossip_retransmission) continue;
    if (!ps.dont_send.empty() && ps.dont_send.count(id)) continue;  // it has it after all
    reply.publish.push_back(*m);
  }
}

void Router::emit_gossip(const std::string& topic, const std::set<PeerId>& exclude, Outbox& out) {
  const auto targets =
      pick(topic, params_.d_lazy, [&](const PeerId& q) { return !exclude.count(q); });
  if (targets.empty()) return;  // (a full mesh: no copy of the cache's ids)
  auto ids = mcache_.gossip_ids(topic);
  if (ids.empty()) return;
  std::shuffle(ids.begin(), ids.end(), rng_);
  if (ids.size() > params_.max_ihave_length) ids.resize(params_.max_ihave_length);
  std::vector<MessageId> go, js;
  for (const auto& p : targets) {
    const bool to_js = peers_[p].dialect == IdDialect::kJs;
    auto& v = to_js ? js : go;
    if (v.empty()) {
      for (const auto& g : ids) {
        if (!to_js || !g.alias.empty()) v.push_back(to_js ? g.alias : g.id);
      }
    }
    if (!v.empty()) out[p].control.ihave.push_back({topic, v});
  }
}

void Router::heartbeat() {
  const auto now = clock_.now();
  Outbox out;
  ++heartbeats_;
  for (auto& [_, ps] : peers_) {
    ps.ihaves_this_heartbeat = 0;
    ps.ids_asked_this_heartbeat = 0;
    ps.idontwants_this_heartbeat = 0;
    std::erase_if(ps.dont_send,
                  [&](const auto& e) { return e.second + params_.idontwant_ttl <= heartbeats_; });
  }
  // (Iterators, not structured bindings: clang 14 cannot capture those in lambdas.)
  for (auto mit = mesh_.begin(); mit != mesh_.end(); ++mit) {
    const std::string& topic = mit->first;
    auto& mesh = mit->second;
    if (mesh.size() < params_.d_lo) {
      for (const auto& p : pick(topic, params_.d - mesh.size(), [&](const PeerId& q) {
             return !mesh.count(q) && !backoff_.active(topic, q, now);
           })) {
        mesh.insert(p);
        out[p].control.graft.push_back({topic});
      }
    } else if (mesh.size() > params_.d_hi) {
      std::vector<PeerId> v(mesh.begin(), mesh.end());
      std::shuffle(v.begin(), v.end(), rng_);
      for (std::size_t i = params_.d; i < v.size(); ++i) {
        mesh.erase(v[i]);
        backoff_.add(topic, v[i], now + params_.prune_backoff);
        out[v[i]].control.prune.push_back(make_prune(topic, params_.prune_backoff));
      }
    }
    emit_gossip(topic, mesh, out);
  }
  for (auto it = fanout_.begin(); it != fanout_.end();) {
    const auto& topic = it->first;
    if (fanout_last_pub_[topic] + params_.fanout_ttl <= now) {
      fanout_last_pub_.erase(topic);
      it = fanout_.erase(it);
      continue;
    }
    auto& fan = it->second;
    std::erase_if(fan, [&](const PeerId& p) { return !topics_[topic].count(p); });
    if (fan.size() < params_.d) {
      for (const auto& p :
           pick(topic, params_.d - fan.size(), [&](const PeerId& q) { return !fan.count(q); })) {
        fan.insert(p);
      }
    }
    emit_gossip(topic, fan, out);
    ++it;
  }
  flush(out);
  mcache_.shift();
  seen_.sweep(now);
  backoff_.sweep(now);
}

}  // namespace goop::p2p::gossipsub
