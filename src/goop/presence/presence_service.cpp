#include "goop/presence/presence_service.hpp"

#include "base/async_event.hpp"
#include "base/log.hpp"
#include "base/task_group.hpp"
#include "goop/content/content_protocol.hpp"
#include "p2p/host/host.hpp"
#include "p2p/multiformats/multiaddr.hpp"
#include "p2p/protocol/gossipsub/gossipsub.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <set>

namespace goop::presence {
namespace asio = boost::asio;
namespace {

log::Logger lg("presence");

std::int64_t unix_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

enum class Scope { kLoopback, kLinkLocal, kOther, kInvalid };

Scope scope_of(const p2p::Multiaddr& m) {
  if (m.empty()) return Scope::kInvalid;
  const auto& first = m.components().front();
  if (first.name() != "ip4" && first.name() != "ip6") return Scope::kOther;  // dns, ...
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(first.value_string(), ec);
  if (ec) return Scope::kInvalid;
  if (ip.is_loopback()) return Scope::kLoopback;
  if (ip.is_v4() && (ip.to_v4().to_uint() >> 16) == 0xA9FE) return Scope::kLinkLocal;  // 169.254/16
  if (ip.is_v6() && ip.to_v6().is_link_local()) return Scope::kLinkLocal;
  return Scope::kOther;
}

}  // namespace

std::vector<std::string> announceable_addrs(const std::vector<std::string>& addrs,
                                            std::size_t max) {
  std::vector<std::string> v4, v6, loop;
  for (const auto& text : addrs) {
    auto m = p2p::Multiaddr::parse(text);
    if (!m) continue;
    switch (scope_of(*m)) {
      case Scope::kOther:
        (m->components().front().name() == "ip6" ? v6 : v4).push_back(text);
        break;
      case Scope::kLoopback:
        loop.push_back(text);
        break;
      default:
        break;
    }
  }
  std::vector<std::string> out = std::move(v4);
  out.insert(out.end(), v6.begin(), v6.end());
  if (out.empty()) out = std::move(loop);
  if (out.size() > max) out.resize(max);
  return out;
}

struct PresenceService::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor e, p2p::Host& h, p2p::gossipsub::GossipSub& g, PeerTable& t,
       PresenceOptions o, SelfFn s, Clock& c)
      : ex(e),
        host(h),
        gossip(g),
        table(t),
        options(std::move(o)),
        self(std::move(s)),
        clock(c),
        tasks(e, "presence"),
        probes_done(e) {}

  asio::any_io_executor ex;
  p2p::Host& host;
  p2p::gossipsub::GossipSub& gossip;
  PeerTable& table;
  PresenceOptions options;
  SelfFn self;
  Clock& clock;
  TaskGroup tasks;
  std::vector<HeardFn> heard;
  std::vector<PublishFn> published;
  // Newest ts applied, per peer and channel. Per channel: a rendezvous stamps the offline it
  // sends for a lost WebSocket with its own clock, which must not hold back the peer's gossip.
  std::map<std::string, std::map<std::string, std::int64_t, std::less<>>> last_ts;
  std::map<std::string, Clock::time_point> last_failure;  // last failed probe, per peer
  std::set<std::string> probing;
  AsyncEvent probes_done;
  bool stopping = false;
  bool started = false;

  PresenceMsg make_full_message(MsgType type) const {
    PresenceMsg m;
    m.type = type;
    m.peer_id = host.id().to_base58();
    m.ts = unix_ms(clock.wall_now());
    const SelfAnnouncement s = self();
    m.content = s.identity.content;
    m.email = s.identity.email;
    m.avatar_hash = s.identity.avatar_hash;
    m.video_disabled = s.identity.video_disabled;
    m.active_template = s.identity.active_template;
    m.encryption_supported = s.identity.encryption_supported;
    m.goop_client_version = s.identity.goop_client_version;
    m.public_key = s.identity.public_key;
    m.verification_token = s.verification_token;
    m.addrs = announceable_addrs(s.addrs, options.max_published_addrs);
    return m;
  }

  // The gossip copy of `full`: no publicKey or verificationToken (spec §5.2.1); `offline`
  // carries only type, peerId and ts.
  static PresenceMsg gossip_copy(const PresenceMsg& full) {
    PresenceMsg m;
    m.type = full.type;
    m.peer_id = full.peer_id;
    m.ts = full.ts;
    if (full.type == MsgType::kOffline) return m;
    m = full;
    m.public_key.clear();
    m.verification_token.clear();
    return m;
  }

  PresenceMsg make_message(MsgType type) const { return gossip_copy(make_full_message(type)); }

  void publish(MsgType type) {
    const PresenceMsg full = make_full_message(type);
    const std::string json = encode(gossip_copy(full));
    auto r = gossip.publish(options.topic, Bytes(json.begin(), json.end()));
    if (!r)
      GOOP_LOG_WARN(lg, "cannot publish our {} presence: {}", to_string(type), r.error().message());
    for (auto& fn : published) fn(full);
  }

  void on_message(BytesView data, const p2p::PeerId& author) {
    auto msg = decode(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
    if (!msg) {
      GOOP_LOG_DEBUG(lg, "from={} dropped: {}", author.short_string(), msg.error().message);
      return;
    }
    if (msg->peer_id == host.id().to_base58()) return;
    if (!is_authored_by(*msg, author.to_base58())) {
      GOOP_LOG_WARN(lg,
                    "dropped a presence for {} published by {}: a peer may only announce itself",
                    msg->peer_id, author.to_base58());
      return;
    }
    GOOP_LOG_DEBUG(lg, "peer={} {} ts={}", author.short_string(), to_string(msg->type), msg->ts);
    apply(*msg, kGossipChannel);
  }

  // A presence from `channel` (gossip or a rendezvous), already known not to be ours.
  void apply(const PresenceMsg& m, std::string_view channel) {
    if (!table.find(m.peer_id) && table.entries().size() >= options.max_peers) {
      GOOP_LOG_DEBUG(lg, "peer table full ({} peers): ignoring new peer {}", options.max_peers,
                     m.peer_id);
      return;
    }
    auto& per_channel = last_ts[m.peer_id];
    auto slot = per_channel.find(channel);
    if (slot == per_channel.end()) slot = per_channel.emplace(std::string(channel), 0).first;
    auto& newest = slot->second;
    if (m.ts < newest) return;  // reordered: something newer was applied already
    newest = m.ts;
    switch (m.type) {
      case MsgType::kOnline:
      case MsgType::kUpdate:
        apply_announcement(m, channel);
        break;
      case MsgType::kOffline:
        table.mark_offline(m.peer_id, channel);
        break;
      case MsgType::kPunch:  // handled by heard()
        break;
    }
  }

  // A rendezvous hint that `m.peer_id` is at `m.addrs` (spec/rendezvous.md §6): dial it.
  void apply_punch(const PresenceMsg& m) {
    if (m.target != host.id().to_base58() || m.peer_id == m.target) return;
    add_addrs(m.peer_id, m.addrs);
    spawn_probe(m.peer_id);
  }

  void apply_announcement(const PresenceMsg& m, std::string_view channel) {
    const bool gossiped = channel == kGossipChannel;
    const bool fresh = table.find(m.peer_id) == nullptr;
    PeerIdentity id;
    id.content = m.content;
    id.email = m.email;
    id.avatar_hash = m.avatar_hash;
    id.video_disabled = m.video_disabled;
    id.active_template = m.active_template;
    id.encryption_supported = m.encryption_supported;
    id.goop_client_version = m.goop_client_version;
    if (!gossiped) {  // the rendezvous copy carries the key and is authoritative for `verified`
      id.public_key = m.public_key;
      id.verified = m.verified;
    }
    table.upsert(m.peer_id, id, m.addrs, /*keep_verified=*/gossiped, channel);
    add_addrs(m.peer_id, m.addrs);
    for (auto& fn : heard) fn(m.peer_id, m);
    const PeerEntry* e = table.find(m.peer_id);
    if ((gossiped && m.type == MsgType::kOnline) || fresh || (e && !e->reachable))
      spawn_probe(m.peer_id);
  }

  void add_addrs(const std::string& peer, const std::vector<std::string>& addrs) {
    auto id = p2p::PeerId::parse(peer);
    if (!id) return;
    std::vector<p2p::Multiaddr> parsed;
    for (const auto& a : addrs) {
      auto m = p2p::Multiaddr::parse(a);
      if (!m || scope_of(*m) == Scope::kInvalid || scope_of(*m) == Scope::kLinkLocal) continue;
      if (m->components().back().name() == "p2p") {
        if (m->peer_id() != *id) continue;  // someone else's address
        *m = m->without_peer_id();
      }
      parsed.push_back(std::move(*m));
    }
    if (!parsed.empty()) host.peerstore().add_addrs(*id, parsed);
  }

  // Per-peer bookkeeping lives only as long as the peer's table entry.
  void forget_removed() {
    std::erase_if(last_ts, [&](const auto& kv) { return !table.find(kv.first); });
    std::erase_if(last_failure, [&](const auto& kv) { return !table.find(kv.first); });
  }

  void spawn_probe(const std::string& peer) {
    if (stopping || probing.count(peer)) return;
    if (auto f = last_failure.find(peer);
        f != last_failure.end() && clock.now() - f->second < options.probe_cooldown) {
      return;
    }
    probing.insert(peer);
    tasks.spawn(run_probe(shared_from_this(), peer), "probe");
  }

  static asio::awaitable<void> run_probe(std::shared_ptr<Impl> self, std::string peer) {
    struct Done {
      Impl& s;
      const std::string& p;
      ~Done() {
        s.probing.erase(p);
        s.probes_done.notify();
      }
    } done{*self, peer};
    auto id = p2p::PeerId::parse(peer);
    if (!id) co_return;
    auto label = co_await content::fetch_label(self->host, *id, self->options.probe_timeout);
    auto cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none || self->stopping) co_return;
    if (label) {
      self->last_failure.erase(peer);
      self->table.set_reachable(peer, true);
    } else {
      GOOP_LOG_DEBUG(lg, "{}", label.error().message);
      self->last_failure[peer] = self->clock.now();
      self->table.set_reachable(peer, false);
    }
  }

  // A peer just subscribed: it gets our latest announcement at once, directly, instead of
  // waiting for the next heartbeat. (Publishing anew would flood all N peers for each of the
  // N^2 connections a LAN forms.)
  void greet(const p2p::PeerId& peer) {
    if (!stopping) (void)gossip.resend_latest(options.topic, peer);  // false: it left meanwhile
  }

  // Runs `fn` every `every` of the service's Clock (a ManualClock in tests), until stopped.
  static asio::awaitable<void> tick(std::shared_ptr<Impl> self, std::chrono::milliseconds every,
                                    std::function<void(Impl&)> fn) {
    for (;;) {
      auto ec = co_await self->clock.sleep_for(every);
      auto cs = co_await asio::this_coro::cancellation_state;
      if (ec || cs.cancelled() != asio::cancellation_type::none || self->stopping) co_return;
      fn(*self);
    }
  }
};

PresenceService::PresenceService(asio::any_io_executor ex, p2p::Host& host,
                                 p2p::gossipsub::GossipSub& gossip, PeerTable& table,
                                 PresenceOptions options, SelfFn self, Clock& clock)
    : impl_(std::make_shared<Impl>(std::move(ex), host, gossip, table, std::move(options),
                                   std::move(self), clock)) {}

PresenceService::~PresenceService() { impl_->stopping = true; }

void PresenceService::on_heard(HeardFn fn) { impl_->heard.push_back(std::move(fn)); }

void PresenceService::on_publish(PublishFn fn) { impl_->published.push_back(std::move(fn)); }

void PresenceService::heard(const PresenceMsg& msg, const std::string& channel) {
  Impl& s = *impl_;
  if (s.stopping || msg.peer_id == s.host.id().to_base58()) return;
  GOOP_LOG_DEBUG(lg, "peer={} {} ts={} via {}", msg.peer_id, to_string(msg.type), msg.ts, channel);
  if (msg.type == MsgType::kPunch) {
    s.apply_punch(msg);
    return;
  }
  s.apply(msg, channel);
}

PresenceMsg PresenceService::make_message(MsgType type) const { return impl_->make_message(type); }

PresenceMsg PresenceService::make_full_message(MsgType type) const {
  return impl_->make_full_message(type);
}

void PresenceService::start() {
  std::weak_ptr<Impl> weak = impl_;
  Impl& s = *impl_;
  s.gossip.subscribe(s.options.topic,
                     [weak](BytesView data, const p2p::PeerId& author, const auto&) {
                       if (auto self = weak.lock(); self && !self->stopping)
                         self->on_message(data, author);
                     });
  s.gossip.on_peer_subscribed([weak, ex = s.ex](const std::string& topic, const p2p::PeerId& peer) {
    // Posted: the callback runs inside the router, which must not be re-entered.
    asio::post(ex, [weak, topic, peer] {
      if (auto self = weak.lock(); self && topic == self->options.topic) self->greet(peer);
    });
  });
  s.host.on_connection_event([weak](const p2p::PeerId& peer, p2p::ConnectionEvent e) {
    auto self = weak.lock();
    if (!self || self->stopping || e != p2p::ConnectionEvent::kConnected) return;
    const std::string id = peer.to_base58();
    if (const PeerEntry* entry = self->table.find(id); entry && !entry->reachable)
      self->spawn_probe(id);
  });
  s.started = true;
  s.publish(MsgType::kOnline);
  s.tasks.spawn(
      Impl::tick(impl_, s.options.heartbeat, [](Impl& i) { i.publish(MsgType::kUpdate); }),
      "heartbeat");
  s.tasks.spawn(Impl::tick(impl_, s.options.prune_interval,
                           [](Impl& i) {
                             i.table.prune(i.options.ttl, i.options.grace);
                             i.forget_removed();
                           }),
                "prune");
}

void PresenceService::announce_now() {
  if (!impl_->started || impl_->stopping) return;
  impl_->publish(MsgType::kUpdate);
}

void PresenceService::set_grace(std::chrono::minutes grace) { impl_->options.grace = grace; }

asio::awaitable<void> PresenceService::probe_all() {
  auto self = impl_;
  for (const auto& [peer, _] : self->table.entries()) self->spawn_probe(peer);
  while (!self->probing.empty()) {
    if (!co_await self->probes_done.wait()) co_return;
  }
}

asio::awaitable<void> PresenceService::async_stop(std::chrono::steady_clock::duration deadline) {
  auto self = impl_;
  if (!self->stopping) {
    GOOP_LOG_DEBUG(lg, "publishing offline to {} peers",
                   self->gossip.peers(self->options.topic).size());
    self->publish(MsgType::kOffline);
    self->stopping = true;
    const auto flush =
        std::min<std::chrono::steady_clock::duration>(self->options.offline_flush, deadline / 2);
    if (!co_await self->gossip.flush(flush)) {
      GOOP_LOG_INFO(lg, "our offline presence may not have reached every peer before shutdown");
    }
  }
  co_await self->tasks.async_stop(deadline / 2);
}

}  // namespace goop::presence
