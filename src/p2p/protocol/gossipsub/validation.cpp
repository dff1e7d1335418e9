// Router: the inbound message path (router.hpp "Validation"): pre-validation with duplicate
// suppression and IDONTWANT (gossipsub-v1.2), the validation queue, and forwarding.
#include "base/log.hpp"
#include "p2p/protocol/gossipsub/router.hpp"
#include "p2p/protocol/gossipsub/signing.hpp"

#include <algorithm>

namespace goop::p2p::gossipsub {
namespace {
log::Logger lg("p2p.gossipsub");

// Distinct copies of one id kept for validation; more are dropped (gossip brings them back).
constexpr std::size_t kMaxCandidates = 4;

// Same id (from, seqno) assumed: the rest of what the signature covers, and the signature.
bool same_copy(const Message& a, const Message& b) {
  return a.signature == b.signature && a.data == b.data && a.topic == b.topic && a.key == b.key;
}

void add_once(std::vector<PeerId>& v, const PeerId& p) {
  if (std::find(v.begin(), v.end(), p) == v.end()) v.push_back(p);
}
}  // namespace

void Router::set_idontwant_support(const PeerId& peer, bool supported) {
  if (auto it = peers_.find(peer); it != peers_.end()) it->second.idontwant = supported;
}

void Router::set_deferred_validation(bool on) {
  deferred_validation_ = on;
  if (!on) {
    send_idontwants();
    validate_pending(validation_queue_.size());
    release_verified();
  }
}

void Router::receive_message(const PeerId& from, Message m) {
  MessageId id = message_id(m);
  if (seen_.contains(id)) {
    ++counters_.duplicates;
    return;
  }
  if (auto it = pending_.find(id); it != pending_.end()) {
    ++counters_.duplicates;
    auto& p = it->second;
    if (same_copy(p.candidates.front().second, m)) {
      add_once(p.holders, from);
    } else if (p.candidates.size() < kMaxCandidates &&
               std::none_of(p.candidates.begin(), p.candidates.end(),
                            [&](const auto& c) { return same_copy(c.second, m); })) {
      p.candidates.emplace_back(from, std::move(m));
    }
    return;
  }
  if (pending_.size() >= params_.max_pending_validations) {
    GOOP_LOG_DEBUG(lg, "peer={} message dropped: {} awaiting validation", from.short_string(),
                   pending_.size());
    return;
  }
  if (m.data.size() >= params_.idontwant_min_data_size) note_idontwant(id, m, from);
  auto& p = pending_[id];
  p.candidates.emplace_back(from, std::move(m));
  validation_queue_.push_back(std::move(id));
}

std::size_t Router::validate_pending(std::size_t max) {
  std::size_t n = 0;
  for (; n < max && !validation_queue_.empty(); ++n) validate_one();
  return n;
}

void Router::validate_one() {
  const MessageId id = std::move(validation_queue_.front());
  validation_queue_.pop_front();
  auto it = pending_.find(id);
  Pending p = std::move(it->second);
  pending_.erase(it);
  for (std::size_t i = 0; i < p.candidates.size(); ++i) {
    auto& [source, m] = p.candidates[i];
    ++counters_.validated;
    auto author = verify_message(m);
    if (!author) {
      GOOP_LOG_DEBUG(lg, "peer={} sent a message that fails StrictSign: {}", source.short_string(),
                     author.error().message());
      continue;
    }
    // Marked seen only once valid, so a forged copy cannot shadow the real message.
    seen_.add(id, clock_.now());
    if (*author == self_ || !joined(m.topic)) return;  // neither delivered nor forwarded
    MessageId js_id = js_message_id(m);
    deliver_(m, *author, id);
    // The holders sent copies identical to the first candidate: they have this one if i == 0.
    if (i > 0) p.holders.clear();
    p.holders.push_back(source);
    p.holders.insert(p.holders.end(), p.dont_want.begin(), p.dont_want.end());
    verified_.push_back({id, std::move(js_id), std::move(m), *author, std::move(p.holders)});
    return;
  }
}

void Router::release_verified() {
  for (auto& v : verified_) {
    forward(v);
    mcache_.put(v.id, v.js_id, std::move(v.msg));
  }
  verified_.clear();
}

void Router::forward(Verified& v) {
  auto mesh = mesh_.find(v.msg.topic);
  if (mesh == mesh_.end()) return;
  std::vector<PeerId> to;
  for (const auto& p : mesh->second) {
    if (p == v.author) continue;
    auto ps = peers_.find(p);
    if (std::find(v.skip.begin(), v.skip.end(), p) != v.skip.end() ||
        (ps != peers_.end() && dont_send(ps->second, v.id, v.js_id))) {
      ++counters_.forwards_skipped;
      continue;
    }
    to.push_back(p);
  }
  if (to.empty()) return;
  Rpc rpc;
  rpc.publish.push_back(std::move(v.msg));
  send_to_all(to, rpc);  // encoded before it returns (or copied by send_)
  v.msg = std::move(rpc.publish.front());
}

void Router::note_idontwant(const MessageId& id, const Message& m, const PeerId& from) {
  auto mesh = mesh_.find(m.topic);
  if (mesh == mesh_.end()) return;
  MessageId js_id;
  for (const auto& p : mesh->second) {
    if (p == from || p.bytes() == m.from) continue;  // the sender and the author have it
    auto ps = peers_.find(p);
    if (ps == peers_.end() || !ps->second.idontwant) continue;
    const bool js = ps->second.dialect == IdDialect::kJs;
    if (js && js_id.empty()) js_id = js_message_id(m);
    if (js && js_id.empty()) continue;
    auto& ids = idontwant_out_[p].ids;
    if (ids.size() < kMaxIDontWantIdsPerRpc) ids.push_back(js ? js_id : id);
  }
}

void Router::send_idontwants() {
  for (auto& [p, d] : idontwant_out_) {
    if (!peers_.count(p)) continue;
    counters_.idontwant_sent += d.ids.size();
    Rpc r;
    r.control.idontwant.push_back(std::move(d));
    send_(p, std::move(r));
  }
  idontwant_out_.clear();
}

void Router::handle_idontwant(const PeerId& from, const ControlIDontWant& d) {
  auto& ps = peers_[from];
  for (const auto& id : d.ids) {
    if (ps.idontwants_this_heartbeat >= params_.max_idontwant_messages) return;
    ++ps.idontwants_this_heartbeat;
    ++counters_.idontwant_received;
    // Noted on the message if we have it waiting; forgotten if we already forwarded it
    // (seen); otherwise kept until it arrives, or expires.
    if (auto it = pending_.find(id); it != pending_.end()) {
      add_once(it->second.dont_want, from);
    } else if (auto v =
                   std::find_if(verified_.begin(), verified_.end(),
                                [&](const Verified& x) { return x.id == id || x.js_id == id; });
               v != verified_.end()) {
      add_once(v->skip, from);
    } else if (!seen_.contains(id) && !mcache_.kind(id)) {
      ps.dont_send.emplace(id, heartbeats_);
    }
  }
}

bool Router::dont_send(const PeerState& peer, const MessageId& id, const MessageId& js_id) const {
  if (peer.dont_send.empty()) return false;
  return peer.dont_send.count(id) != 0 || (!js_id.empty() && peer.dont_send.count(js_id) != 0);
}

}  // namespace goop::p2p::gossipsub
