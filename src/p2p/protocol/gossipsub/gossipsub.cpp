// GossipSub service: wires the Router to the Host (streams, connection events, heartbeat).
#include "p2p/protocol/gossipsub/gossipsub.hpp"

#include "base/async_event.hpp"
#include "base/log.hpp"
#include "base/task_group.hpp"
#include "base/timeout.hpp"
#include "p2p/errors.hpp"
#include "p2p/host/host.hpp"
#include "p2p/protocol/gossipsub/frame_reader.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <deque>
#include <map>

namespace goop::p2p::gossipsub {
namespace asio = boost::asio;
namespace {
log::Logger lg("p2p.gossipsub");
}

// One RPC, encoded and length-prefixed; shared by the queues of every peer it goes to.
using Frame = std::shared_ptr<const Bytes>;

Frame make_frame(const Rpc& rpc) {
  return std::make_shared<const Bytes>(encode_rpc_length_prefixed(rpc));
}

struct Writer {
  explicit Writer(asio::any_io_executor ex) : wake(std::move(ex)) {}
  std::deque<Frame> queue;
  AsyncEvent wake;
  bool closed = false;
  bool writing = false;  // a batch is being written
};

struct GossipSub::Impl {
  Impl(Host& h, Ed25519PrivateKey key, Config c, Clock& clock, asio::any_io_executor e)
      : host(h),
        config(c),
        ex(e),
        tasks(e, "gossipsub"),
        drained(e),
        queued(e),
        validated(e),
        router(
            std::move(key), clock, c.params,
            [this](const PeerId& to, Rpc rpc) { send(to, std::move(rpc)); },
            [this](const Message& m, const PeerId& author, const MessageId& id) {
              if (auto it = handlers.find(m.topic); it != handlers.end()) {
                it->second(m.data, author, id);
              }
            }) {
    router.set_broadcast([this](const std::vector<PeerId>& to, const Rpc& rpc) {
      const Frame f = make_frame(rpc);  // encoded once for all
      for (const auto& p : to) enqueue(p, f);
    });
    router.set_deferred_validation(true);
  }

  Host& host;
  Config config;
  asio::any_io_executor ex;
  TaskGroup tasks;
  AsyncEvent drained;    // notified whenever a writer empties its queue or stops
  AsyncEvent queued;     // notified when messages were queued for validation
  AsyncEvent validated;  // notified when the validation queue shrank
  Router router;
  std::map<std::string, MessageHandler> handlers;
  std::function<void(const PeerId&)> on_rpc;  // test hook
  std::map<PeerId, std::shared_ptr<Writer>> writers;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  void send(const PeerId& to, Rpc rpc) { enqueue(to, make_frame(rpc)); }

  void enqueue(const PeerId& to, Frame f) {
    auto& w = ensure_writer(to);
    if (w.queue.size() >= config.max_queued_rpcs) {
      GOOP_LOG_WARN(lg, "peer={} send queue full, RPC dropped", to.short_string());
      return;
    }
    w.queue.push_back(std::move(f));
    w.wake.notify();
  }

  Writer& ensure_writer(const PeerId& peer) {
    auto& slot = writers[peer];
    if (!slot) {
      slot = std::make_shared<Writer>(ex);
      if (!tasks.spawn(write_loop(this, peer, slot), "writer")) slot->closed = true;
    }
    return *slot;
  }

  bool all_written() const {
    for (const auto& [_, w] : writers) {
      if (!w->closed && (w->writing || !w->queue.empty())) return false;
    }
    return true;
  }

  void drop_writer(const PeerId& peer, const std::shared_ptr<Writer>& w) {
    w->closed = true;
    w->wake.notify();
    drained.notify();
    if (auto it = writers.find(peer); it != writers.end() && it->second == w) writers.erase(it);
  }

  void peer_connected(const PeerId& peer) {
    ensure_writer(peer);
    router.add_peer(peer);
    apply_agent_hint(peer);
  }

  // js-libp2p peers use js message ids (Router "Message-id dialects") unless their gossip
  // shows otherwise.
  void apply_agent_hint(const PeerId& peer) {
    const p2p::PeerInfo* info = host.peerstore().find(peer);
    if (info && info->agent_version.starts_with("js-libp2p/"))
      router.set_id_dialect(peer, IdDialect::kJs);
  }

  void peer_disconnected(const PeerId& peer) {
    if (auto it = writers.find(peer); it != writers.end()) drop_writer(peer, it->second);
    router.remove_peer(peer);
  }

  static asio::awaitable<void> write_loop(Impl* self, PeerId peer, std::shared_ptr<Writer> w) {
    // At shutdown the queue is written out and the stream half-closed, not reset: a reset
    // would make the remote discard our last RPCs (e.g. an "offline" presence).
    co_await asio::this_coro::throw_if_cancelled(false);
    std::vector<std::string> protos{std::string(kProtocolV12), std::string(kProtocolV11),
                                    std::string(kProtocolV10)};
    auto stream = co_await self->host.new_stream(peer, std::move(protos));
    if (!stream) {
      GOOP_LOG_DEBUG(lg, "peer={} no gossipsub stream: {}", peer.short_string(),
                     stream.error().message());
      if (!w->closed) {
        self->drop_writer(peer, w);
        self->router.remove_peer(peer);
      }
      co_return;
    }
    auto& s = **stream;
    self->router.set_idontwant_support(peer, s.protocol() == kProtocolV12);
    Bytes batch;  // reused: its capacity stays
    for (;;) {
      while (w->queue.empty() && !w->closed) {
        if (!co_await w->wake.wait()) break;
      }
      if (w->queue.empty()) break;
      // Everything queued goes in one write (up to about kMaxRpcSize); a lone frame as is.
      Frame one;
      batch.clear();
      if (w->queue.size() == 1) {
        one = std::move(w->queue.front());
        w->queue.pop_front();
      } else {
        while (!w->queue.empty() && batch.size() < kMaxRpcSize) {
          batch.insert(batch.end(), w->queue.front()->begin(), w->queue.front()->end());
          w->queue.pop_front();
        }
      }
      // (Not a conditional inside co_await: g++ 12 miscompiles temporaries there.)
      BytesView data(batch);
      if (one) data = *one;
      w->writing = true;
      auto r = co_await s.write(data);
      w->writing = false;
      if (w->queue.empty()) self->drained.notify();
      if (!r) {
        GOOP_LOG_DEBUG(lg, "peer={} write failed: {}", peer.short_string(), r.error().message());
        if (!w->closed) {
          self->drop_writer(peer, w);
          self->router.remove_peer(peer);
        }
        co_return;
      }
    }
    (void)co_await s.close_write();
  }

  static asio::awaitable<void> read_loop(Impl* self, std::unique_ptr<MuxedStream> s, PeerId peer) {
    self->peer_connected(peer);
    FrameReader reader(kMaxRpcSize);
    for (;;) {
      // Every RPC already read is handed to the router before the next read.
      for (;;) {
        auto frame = reader.next();
        if (!frame) {
          GOOP_LOG_WARN(lg, "peer={} sent a bad RPC frame: {}", peer.short_string(),
                        frame.error().message());
          s->reset();
          co_return;
        }
        if (!*frame) break;
        auto rpc = decode_rpc(**frame);
        if (!rpc) {
          GOOP_LOG_WARN(lg, "peer={} sent a malformed RPC: {}", peer.short_string(),
                        rpc.error().message());
          s->reset();
          co_return;
        }
        self->router.handle_rpc(peer, std::move(*rpc));
        if (self->on_rpc) self->on_rpc(peer);
      }
      self->router.send_idontwants();
      if (self->router.pending_validations() > 0) self->queued.notify();
      while (self->router.pending_validations() >= self->config.max_pending_validations) {
        if (!co_await self->validated.wait()) co_return;
      }
      auto r = co_await reader.fill(*s);
      if (!r) {
        GOOP_LOG_DEBUG(lg, "peer={} inbound stream ended: {}", peer.short_string(),
                       r.error().message());
        co_return;
      }
    }
  }

  // Verifies queued messages in batches. After a batch it lets the node's other work run for
  // a few rounds of the executor's queue (the hops from a socket to our reader: transport,
  // Noise, yamux, reader), so IDONTWANTs that arrived while it verified are read before it
  // forwards the batch (Router "Validation").
  static asio::awaitable<void> validate_loop(Impl* self) {
    constexpr std::size_t kBatch = 32;
    constexpr int kSettleRounds = 4;
    const asio::any_io_executor ex = self->ex;
    for (;;) {
      while (self->router.pending_validations() == 0) {
        if (!co_await self->queued.wait()) co_return;
      }
      self->router.validate_pending(kBatch);
      self->validated.notify();
      for (int i = 0; i < kSettleRounds; ++i) co_await asio::post(ex, asio::use_awaitable);
      self->router.release_verified();
    }
  }

  static asio::awaitable<void> heartbeat_loop(Impl* self) {
    asio::steady_timer t(self->ex);
    for (;;) {
      t.expires_after(self->config.params.heartbeat_interval);
      auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
      auto cs = co_await asio::this_coro::cancellation_state;
      if (ec || cs.cancelled() != asio::cancellation_type::none) co_return;
      self->router.heartbeat();
    }
  }

  // Not a coroutine lambda: the Host may drop its copy of the handler while we run.
  static asio::awaitable<void> on_inbound(std::shared_ptr<bool> alive, Impl* self,
                                          std::unique_ptr<MuxedStream> s, PeerId peer) {
    if (*alive) self->tasks.spawn(read_loop(self, std::move(s), std::move(peer)), "reader");
    co_return;
  }
};

GossipSub::GossipSub(asio::any_io_executor ex, Host& host, Ed25519PrivateKey key, Config config,
                     Clock& clock)
    : impl_(std::make_shared<Impl>(host, std::move(key), config, clock, std::move(ex))) {}

GossipSub::~GossipSub() { *impl_->alive = false; }

void GossipSub::start() {
  Impl* self = impl_.get();
  auto alive = impl_->alive;
  for (auto proto : {kProtocolV12, kProtocolV11, kProtocolV10}) {
    self->host.set_stream_handler(
        std::string(proto), [alive, self](std::unique_ptr<MuxedStream> s, PeerId p) {
          return Impl::on_inbound(alive, self, std::move(s), std::move(p));
        });
  }
  self->host.on_connection_event([alive, self](const PeerId& p, ConnectionEvent e) {
    if (!*alive) return;
    if (e == ConnectionEvent::kConnected) {
      self->peer_connected(p);
    } else {
      self->peer_disconnected(p);
    }
  });
  self->host.on_identified([alive, self](const PeerId& p) {
    if (*alive) self->apply_agent_hint(p);
  });
  for (const auto& p : self->host.connected_peers()) self->peer_connected(p);
  self->tasks.spawn(Impl::heartbeat_loop(self), "heartbeat");
  self->tasks.spawn(Impl::validate_loop(self), "validator");
}

void GossipSub::subscribe(const std::string& topic, MessageHandler handler) {
  impl_->handlers[topic] = std::move(handler);
  impl_->router.join(topic);
}

void GossipSub::unsubscribe(const std::string& topic) {
  impl_->handlers.erase(topic);
  impl_->router.leave(topic);
}

Result<MessageId> GossipSub::publish(const std::string& topic, Bytes data) {
  return impl_->router.publish(topic, std::move(data));
}

std::vector<PeerId> GossipSub::peers(const std::string& topic) const {
  return impl_->router.topic_peers(topic);
}

std::vector<PeerId> GossipSub::mesh_peers(const std::string& topic) const {
  return impl_->router.mesh_peers(topic);
}

void GossipSub::on_peer_subscribed(std::function<void(const std::string&, const PeerId&)> fn) {
  impl_->router.on_subscribed(std::move(fn));
}

bool GossipSub::resend_latest(const std::string& topic, const PeerId& peer) {
  return impl_->router.resend_latest(topic, peer);
}

asio::awaitable<bool> GossipSub::flush(std::chrono::steady_clock::duration deadline) {
  auto impl = impl_;
  auto waited = co_await with_timeout(
      [](std::shared_ptr<Impl> self) -> asio::awaitable<Result<void>> {
        while (!self->all_written()) {
          if (!co_await self->drained.wait())
            co_return make_error_code(asio::error::operation_aborted);
        }
        co_return Result<void>{};
      }(impl),
      deadline);
  co_return waited.has_value();
}

Router& GossipSub::router_for_testing() { return impl_->router; }

const Counters& GossipSub::counters() const { return impl_->router.counters(); }

void GossipSub::on_rpc_for_testing(std::function<void(const PeerId& from)> fn) {
  impl_->on_rpc = std::move(fn);
}

asio::awaitable<void> GossipSub::async_stop(std::chrono::steady_clock::duration deadline) {
  auto impl = impl_;
  *impl->alive = false;
  impl->host.remove_stream_handler(std::string(kProtocolV12));
  impl->host.remove_stream_handler(std::string(kProtocolV11));
  impl->host.remove_stream_handler(std::string(kProtocolV10));
  impl->tasks.close();
  for (auto& [_, w] : impl->writers) {
    w->closed = true;
    w->wake.notify();
  }
  co_await impl->tasks.async_stop(deadline);
  impl->writers.clear();
}

}  // namespace goop::p2p::gossipsub
