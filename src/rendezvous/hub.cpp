#include "rendezvous/hub.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <ctime>

namespace goop::rendezvous {
namespace json = boost::json;
namespace {

log::Logger lg("rendezvous");

int type_rank(presence::MsgType t) {
  switch (t) {
    case presence::MsgType::kOnline:
      return 0;
    case presence::MsgType::kUpdate:
      return 1;
    case presence::MsgType::kOffline:
      return 2;
    default:
      return 9;
  }
}

// Order-insensitive comparison of two address lists (a heartbeat usually repeats the same list
// in the same order: that case costs no copy).
bool same_set(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  if (a == b) return true;
  std::vector<std::string_view> x(a.begin(), a.end()), y(b.begin(), b.end());
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  return x == y;
}

std::string pair_key(const std::string& a, const std::string& b) {
  return a < b ? a + '\n' + b : b + '\n' + a;
}

std::shared_ptr<const std::string> encoded(const presence::PresenceMsg& m) {
  return std::make_shared<const std::string>(presence::encode(m));
}

}  // namespace

Hub::Hub(HubOptions options, const Clock& clock) : options_(options), clock_(clock) {}

Hub::~Hub() = default;

std::int64_t Hub::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.wall_now().time_since_epoch())
      .count();
}

std::uint64_t Hub::bytes_received(const Row& r) const noexcept {
  return r.received_base + (broadcast_bytes_ - r.received_offset);
}

std::string Hub::stamp() {
  const std::int64_t ms = now_ms();
  const std::int64_t second = ms / 1000;
  if (second != stamp_second_) {
    const std::time_t t = static_cast<std::time_t>(second);
    std::tm tm{};
    localtime_r(&t, &tm);
    stamp_ = fmt::format("[{:02}:{:02}:{:02}] ", tm.tm_hour, tm.tm_min, tm.tm_sec);
    stamp_second_ = second;
  }
  return stamp_;
}

void Hub::note(log::Level level, std::string message) {
  if (lg.enabled(level)) lg.write(level, message);
  if (options_.log_lines == 0) return;
  if (log_.size() >= options_.log_lines) log_.pop_front();
  log_.push_back(stamp() + message);
}

void Hub::publish(presence::PresenceMsg m) {
  m.verification_token.clear();
  m.target.clear();
  m.verified = true;
  const std::int64_t now = now_ms();
  if (m.ts == 0) m.ts = now;
  ++published_;
  ++version_;
  auto json = encoded(m);

  if (m.type == presence::MsgType::kOffline) {
    if (rows_.erase(m.peer_id) > 0) {
      dirty_.insert(m.peer_id);
      note(log::Level::kInfo, fmt::format("Peer went offline and removed: {}", m.peer_id));
    }
    broadcast(json);
    return;
  }

  auto [it, inserted] = rows_.try_emplace(m.peer_id);
  Row& r = it->second;
  const bool addrs_changed = inserted || !same_set(r.msg.addrs, m.addrs);
  if (inserted) r.received_offset = broadcast_bytes_;
  r.bytes_sent += json->size();
  r.last_seen_ms = now;
  r.last_presence = clock_.now();
  r.snapshot.reset();
  r.msg = std::move(m);
  dirty_.insert(it->first);
  note(r.msg.type == presence::MsgType::kOnline ? log::Level::kInfo : log::Level::kDebug,
       fmt::format("Received {} from {}: \"{}\"", presence::to_string(r.msg.type), it->first,
                   r.msg.content));
  // Pending subscribers of a new peer get the snapshot of everyone else first; their own
  // message then arrives with the broadcast.
  if (inserted) activate_pending(it->first);
  broadcast(json);
  if (addrs_changed && !r.msg.addrs.empty()) punch_hints(it->first, r);
}

void Hub::broadcast(const std::shared_ptr<const std::string>& json) {
  broadcast_bytes_ += json->size();
  std::vector<SubscriberId> failed;
  for (const Active& a : active_) {
    if (!a.s->send(json)) failed.push_back(a.id);
  }
  for (SubscriberId id : failed) remove_sub(id);
}

void Hub::deliver_to(const std::string& peer_id, const std::shared_ptr<const std::string>& json) {
  std::vector<SubscriberId> targets;
  if (auto w = ws_by_peer_.find(peer_id); w != ws_by_peer_.end()) targets.push_back(w->second);
  auto [b, e] = sse_by_peer_.equal_range(peer_id);
  for (auto i = b; i != e; ++i) targets.push_back(i->second);
  for (SubscriberId id : targets) {
    auto it = subs_.find(id);
    if (it == subs_.end() || it->second.index == kPending) continue;
    if (!it->second.s->send(json)) remove_sub(id);
  }
}

void Hub::punch_hints(const std::string& peer_id, const Row& arriving) {
  const auto now = clock_.now();
  auto has_subscriber = [&](const std::string& p) {
    return ws_by_peer_.count(p) > 0 || sse_by_peer_.count(p) > 0;
  };
  const bool arriving_listens = has_subscriber(peer_id);
  // Collect first: delivering may drop subscribers but never touches rows_.
  for (const auto& [other_id, other] : rows_) {
    if (other_id == peer_id || other.msg.addrs.empty()) continue;
    if (!arriving_listens && !has_subscriber(other_id)) continue;  // nobody to tell
    std::string key = pair_key(peer_id, other_id);
    auto p = punch_.find(key);
    if (p != punch_.end()) {
      if (now - p->second < options_.punch_cooldown) continue;
      p->second = now;
    } else {
      if (punch_.size() >= options_.max_punch_pairs) {
        if (!punch_full_logged_) {
          note(log::Level::kWarn, fmt::format("Punch hints paused: {} peer pairs within the "
                                              "cooldown (the limit)",
                                              punch_.size()));
          punch_full_logged_ = true;
        }
        continue;
      }
      punch_.emplace(std::move(key), now);
    }
    presence::PresenceMsg to_other;
    to_other.type = presence::MsgType::kPunch;
    to_other.peer_id = peer_id;
    to_other.target = other_id;
    to_other.addrs = arriving.msg.addrs;
    to_other.ts = now_ms();
    presence::PresenceMsg to_arriving = to_other;
    to_arriving.peer_id = other_id;
    to_arriving.target = peer_id;
    to_arriving.addrs = other.msg.addrs;
    deliver_to(other_id, encoded(to_other));
    deliver_to(peer_id, encoded(to_arriving));
  }
}

Hub::SubscriberId Hub::subscribe(std::string peer_id, SubscriberKind kind,
                                 std::shared_ptr<Subscriber> s) {
  const SubscriberId id = next_id_++;
  ++version_;
  if (kind == SubscriberKind::kWebSocket) {
    if (auto old = ws_by_peer_.find(peer_id); old != ws_by_peer_.end()) {
      auto it = subs_.find(old->second);
      std::shared_ptr<Subscriber> replaced = it == subs_.end() ? nullptr : it->second.s;
      remove_sub(old->second);
      if (replaced) replaced->close();
      note(log::Level::kDebug, fmt::format("WS replaced: {}", peer_id));
    }
    ws_by_peer_[peer_id] = id;
    ++ws_count_;
  } else {
    sse_by_peer_.emplace(peer_id, id);
    ++sse_count_;
  }
  const bool known = rows_.count(peer_id) > 0;
  note(log::Level::kDebug,
       fmt::format("{} connected: {}", kind == SubscriberKind::kWebSocket ? "WS" : "SSE", peer_id));
  subs_.emplace(id, Sub{std::move(peer_id), kind, std::move(s), kPending});
  // A WebSocket listens at once (its client learns the network while its first publish is in
  // flight); an event stream only for a known peer (§17.6; the route refuses others).
  if (known || kind == SubscriberKind::kWebSocket) activate(id, {});
  return id;
}

void Hub::activate(SubscriberId id, std::string_view skip_peer) {
  auto it = subs_.find(id);
  if (it == subs_.end() || it->second.index != kPending) return;
  Subscriber& s = *it->second.s;
  for (auto& [peer_id, row] : rows_) {
    if (peer_id == skip_peer) continue;
    if (!row.snapshot) {
      presence::PresenceMsg m = row.msg;
      m.type = presence::MsgType::kUpdate;
      row.snapshot = encoded(m);
    }
    if (!s.send(row.snapshot)) {
      remove_sub(id);
      return;
    }
  }
  it->second.index = active_.size();
  active_.push_back(Active{id, &s});
}

void Hub::activate_pending(const std::string& peer_id) {
  std::vector<SubscriberId> pending;
  if (auto w = ws_by_peer_.find(peer_id); w != ws_by_peer_.end()) pending.push_back(w->second);
  auto [b, e] = sse_by_peer_.equal_range(peer_id);
  for (auto i = b; i != e; ++i) pending.push_back(i->second);
  for (SubscriberId id : pending) activate(id, peer_id);
}

void Hub::unsubscribe(SubscriberId id) {
  auto it = subs_.find(id);
  if (it == subs_.end()) return;
  note(log::Level::kDebug, fmt::format("{} disconnected: {}",
                                       it->second.kind == SubscriberKind::kWebSocket ? "WS" : "SSE",
                                       it->second.peer_id));
  remove_sub(id);
}

void Hub::remove_sub(SubscriberId id) {
  auto it = subs_.find(id);
  if (it == subs_.end()) return;
  Sub& sub = it->second;
  if (sub.index != kPending) {
    // Swap-remove from the fan-out list.
    const std::size_t i = sub.index;
    if (i + 1 != active_.size()) {
      active_[i] = active_.back();
      subs_[active_[i].id].index = i;
    }
    active_.pop_back();
  }
  if (sub.kind == SubscriberKind::kWebSocket) {
    auto w = ws_by_peer_.find(sub.peer_id);
    if (w != ws_by_peer_.end() && w->second == id) ws_by_peer_.erase(w);
    --ws_count_;
  } else {
    auto [b, e] = sse_by_peer_.equal_range(sub.peer_id);
    for (auto i = b; i != e; ++i) {
      if (i->second == id) {
        sse_by_peer_.erase(i);
        break;
      }
    }
    --sse_count_;
  }
  ++version_;
  subs_.erase(it);  // may destroy the subscriber (and release its per-IP slot)
}

bool Hub::knows(std::string_view peer_id) const { return rows_.count(std::string(peer_id)) > 0; }

std::size_t Hub::sweep() {
  const auto now = clock_.now();
  std::vector<std::string> stale;
  for (const auto& [peer_id, row] : rows_) {
    if (now - row.last_presence >= options_.ttl) stale.push_back(peer_id);
  }
  for (const std::string& peer_id : stale) {
    const Row& row = rows_.at(peer_id);
    const std::time_t t = static_cast<std::time_t>(row.last_seen_ms / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    note(log::Level::kInfo, fmt::format("Removed stale peer: {} (last seen: {:02}:{:02}:{:02})",
                                        peer_id, tm.tm_hour, tm.tm_min, tm.tm_sec));
    rows_.erase(peer_id);
    dirty_.insert(peer_id);
    ++version_;
    presence::PresenceMsg off;
    off.type = presence::MsgType::kOffline;
    off.peer_id = peer_id;
    off.ts = now_ms();
    broadcast(encoded(off));
  }
  std::erase_if(punch_, [&](const auto& kv) { return now - kv.second >= options_.punch_forget; });
  if (punch_.size() < options_.max_punch_pairs) punch_full_logged_ = false;
  std::vector<SubscriberId> ended;
  for (const auto& [id, sub] : subs_) {
    if (!sub.s->alive()) ended.push_back(id);
  }
  for (SubscriberId id : ended) unsubscribe(id);
  return stale.size();
}

void Hub::load(std::vector<PeerRow> rows) {
  const std::int64_t now = now_ms();
  const auto steady_now = clock_.now();
  const std::int64_t ttl_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.ttl).count();
  std::size_t added = 0;
  for (PeerRow& p : rows) {
    const std::int64_t age = std::max<std::int64_t>(0, now - p.last_seen_ms);
    if (age >= ttl_ms || p.msg.peer_id.empty() || rows_.count(p.msg.peer_id) > 0) continue;
    Row r;
    r.last_seen_ms = p.last_seen_ms;
    r.last_presence = steady_now - std::chrono::milliseconds(age);
    r.bytes_sent = p.bytes_sent;
    r.received_base = p.bytes_received;
    r.received_offset = broadcast_bytes_;
    r.msg = std::move(p.msg);
    r.msg.verification_token.clear();
    std::string id = r.msg.peer_id;
    rows_.emplace(std::move(id), std::move(r));
    ++added;
  }
  ++version_;
  if (added > 0) note(log::Level::kInfo, fmt::format("Loaded {} peers from the peer DB", added));
}

PeerRow Hub::to_peer_row(const Row& r) const {
  PeerRow p;
  p.msg = r.msg;
  p.last_seen_ms = r.last_seen_ms;
  p.bytes_sent = r.bytes_sent;
  p.bytes_received = bytes_received(r);
  return p;
}

std::vector<Hub::DirtyRow> Hub::take_dirty() {
  std::vector<DirtyRow> out;
  out.reserve(dirty_.size());
  for (const std::string& peer_id : dirty_) {
    auto it = rows_.find(peer_id);
    if (it == rows_.end()) {
      out.push_back(DirtyRow{peer_id, std::nullopt});
    } else {
      out.push_back(DirtyRow{peer_id, to_peer_row(it->second)});
    }
  }
  dirty_.clear();
  return out;
}

std::optional<PeerRow> Hub::row_for_testing(std::string_view peer_id) const {
  auto it = rows_.find(std::string(peer_id));
  if (it == rows_.end()) return std::nullopt;
  return to_peer_row(it->second);
}

std::string Hub::peers_json() {
  if (peers_cache_version_ == version_) return peers_cache_;
  std::vector<const std::pair<const std::string, Row>*> order;
  order.reserve(rows_.size());
  for (const auto& kv : rows_) order.push_back(&kv);
  std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    const int ra = type_rank(a->second.msg.type), rb = type_rank(b->second.msg.type);
    if (ra != rb) return ra < rb;
    if (a->second.last_seen_ms != b->second.last_seen_ms) {
      return a->second.last_seen_ms > b->second.last_seen_ms;
    }
    return a->first < b->first;
  });
  json::array arr;
  arr.reserve(order.size());
  for (const auto* kv : order) {
    const Row& r = kv->second;
    const presence::PresenceMsg& m = r.msg;
    json::object o;
    o["peer_id"] = kv->first;
    o["type"] = presence::to_string(m.type);
    o["content"] = m.content;
    if (!m.email.empty()) o["email"] = m.email;
    if (!m.avatar_hash.empty()) o["avatar_hash"] = m.avatar_hash;
    if (!m.active_template.empty()) o["active_template"] = m.active_template;
    if (!m.public_key.empty()) o["public_key"] = m.public_key;
    if (m.encryption_supported) o["encryption_supported"] = true;
    // Not in the Go rows (§4.2); the dashboard shows each peer's version.
    if (!m.goop_client_version.empty()) o["goop_client_version"] = m.goop_client_version;
    if (!m.addrs.empty()) {
      json::array a;
      for (const auto& s : m.addrs) a.emplace_back(s);
      o["addrs"] = std::move(a);
    }
    o["ts"] = m.ts;
    o["last_seen"] = r.last_seen_ms;
    o["bytes_sent"] = r.bytes_sent;
    o["bytes_received"] = bytes_received(r);
    o["verified"] = m.verified;
    if (ws_by_peer_.count(kv->first) > 0) o["ws_connected"] = true;
    arr.emplace_back(std::move(o));
  }
  peers_cache_ = json::serialize(arr);
  peers_cache_version_ = version_;
  return peers_cache_;
}

std::string Hub::logs_json() const {
  json::array arr;
  arr.reserve(log_.size());
  for (const auto& line : log_) arr.emplace_back(line);
  return json::serialize(arr);
}

RendezvousStats Hub::stats() const {
  RendezvousStats s;
  s.peers = rows_.size();
  s.ws_clients = ws_count_;
  s.sse_clients = sse_count_;
  s.published = published_;
  s.refused = refused_;
  return s;
}

}  // namespace goop::rendezvous
