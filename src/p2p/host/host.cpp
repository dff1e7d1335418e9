// Host: public API, inbound stream dispatch, identify and ping.

#include "p2p/host/host.hpp"

#include "base/async_event.hpp"
#include "base/timeout.hpp"
#include "p2p/errors.hpp"
#include "p2p/host/host_impl.hpp"
#include "p2p/host/interfaces.hpp"
#include "p2p/negotiation/dialer.hpp"
#include "p2p/negotiation/lazy_select_stream.hpp"
#include "p2p/negotiation/listener.hpp"
#include "p2p/protocol/identify/identify.hpp"
#include "p2p/protocol/ping/ping.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

namespace goop::p2p {
namespace asio = boost::asio;

Host::Impl::Impl(asio::any_io_executor e, Ed25519PrivateKey key, HostConfig cfg)
    : ex(e),
      identity(std::move(key)),
      self(PeerId::from_public_key(identity.public_key())),
      config(std::move(cfg)),
      tasks(e, "p2p.host") {}

Host::Host(asio::any_io_executor ex, Ed25519PrivateKey identity, HostConfig config)
    : impl_(std::make_unique<Impl>(ex, std::move(identity), std::move(config))) {
  Impl* impl = impl_.get();
  impl->handlers.emplace(std::string(ping::kProtocolId),
                         [](std::unique_ptr<MuxedStream> s, PeerId) -> asio::awaitable<void> {
                           co_await ping::serve(*s);
                         });
  impl->handlers.emplace(
      std::string(identify::kProtocolId),
      [impl](std::unique_ptr<MuxedStream> s, PeerId peer) -> asio::awaitable<void> {
        auto c = impl->best_connection(peer);
        if (!c) co_return;
        (void)co_await identify::send(*s, impl->identify_message(*c));
      });
  impl->handlers.emplace(
      std::string(identify::kPushProtocolId),
      [impl](std::unique_ptr<MuxedStream> s, PeerId peer) -> asio::awaitable<void> {
        auto msg = co_await identify::receive(*s);
        if (!msg) co_return;
        auto& info = impl->peers.get(peer);
        info.protocols = msg->protocols;
        for (auto& cb : impl->identified_cbs) cb(peer);
      });
}

Host::~Host() = default;

const PeerId& Host::id() const noexcept { return impl_->self; }
Expected<void> Host::start() { return impl_->listen_all(); }
std::vector<Multiaddr> Host::listen_addrs() const {
  std::vector<Multiaddr> out;
  for (const auto& b : impl_->bound) {
    for (auto& a : expand_wildcard(b)) out.push_back(std::move(a));
  }
  return out;
}
Peerstore& Host::peerstore() noexcept { return impl_->peers; }

void Host::set_stream_handler(std::string protocol, StreamHandler handler) {
  impl_->handlers[std::move(protocol)] = std::move(handler);
  impl_->push_identify();
}

void Host::remove_stream_handler(const std::string& protocol) {
  if (impl_->handlers.erase(protocol) > 0) impl_->push_identify();
}

std::vector<std::string> Host::protocols() const {
  std::vector<std::string> out;
  for (const auto& [p, h] : impl_->handlers) out.push_back(p);
  return out;
}

bool Host::is_connected(const PeerId& peer) const {
  return impl_->best_connection(peer) != nullptr;
}

std::optional<Multiaddr> Host::connection_addr(const PeerId& peer) const {
  auto c = impl_->best_connection(peer);
  if (!c) return std::nullopt;
  return c->remote_addr;
}

std::vector<PeerId> Host::connected_peers() const {
  std::vector<PeerId> out;
  for (const auto& [peer, list] : impl_->connections) out.push_back(peer);
  return out;
}

void Host::on_connection_event(std::function<void(const PeerId&, ConnectionEvent)> cb) {
  impl_->connection_cbs.push_back(std::move(cb));
}
void Host::on_identified(std::function<void(const PeerId&)> cb) {
  impl_->identified_cbs.push_back(std::move(cb));
}

asio::awaitable<Result<void>> Host::connect(PeerId peer, std::vector<Multiaddr> addrs) {
  Impl& m = *impl_;
  if (peer == m.self) co_return make_error_code(Errc::kPeerIdMismatch);
  if (m.best_connection(peer)) co_return Result<void>{};
  if (auto it = m.dials.find(peer); it != m.dials.end()) {
    auto pending = it->second;  // join the dial in flight
    while (!pending->finished) {
      if (!co_await pending->done.wait()) co_return make_error_code(asio::error::operation_aborted);
    }
    co_return pending->result;
  }
  auto pending = std::make_shared<PendingDial>(m.ex);
  m.dials.emplace(peer, pending);
  pending->result = co_await m.dial(peer, std::move(addrs));
  pending->finished = true;
  m.dials.erase(peer);
  pending->done.notify();
  co_return pending->result;
}

asio::awaitable<Result<std::unique_ptr<MuxedStream>>> Host::new_stream(
    PeerId peer, std::vector<std::string> protocols) {
  if (protocols.empty()) co_return make_error_code(Errc::kNegotiationFailed);
  GOOP_CO_TRY_VOID(co_await connect(peer));
  auto c = impl_->best_connection(peer);
  if (!c) co_return make_error_code(Errc::kConnectionClosed);
  GOOP_CO_TRY(auto stream, co_await c->session->open_stream());
  if (protocols.size() == 1) {
    auto lazy = multistream::make_lazy_select(std::move(stream), protocols.front());
    lazy->set_protocol(protocols.front());
    co_return lazy;
  }
  GOOP_CO_TRY(std::string chosen, co_await multistream::select_one(*stream, std::move(protocols)));
  stream->set_protocol(std::move(chosen));
  co_return stream;
}

asio::awaitable<Result<std::chrono::nanoseconds>> Host::ping(PeerId peer) {
  GOOP_CO_TRY(auto s, co_await new_stream(peer, multistream::protocol_list(ping::kProtocolId)));
  auto rtt = co_await ping::ping_once(*s);
  (void)co_await s->close_write();
  if (rtt) impl_->peers.get(peer).rtt = *rtt;
  co_return rtt;
}

asio::awaitable<void> Host::async_stop(std::chrono::steady_clock::duration deadline) {
  Impl& m = *impl_;
  m.stopping = true;
  m.tasks.close();
  for (auto& a : m.acceptors) {
    error_code ec;
    a.close(ec);
  }
  const auto end = std::chrono::steady_clock::now() + deadline;
  std::vector<std::shared_ptr<Connection>> all;
  for (auto& [peer, list] : m.connections) all.insert(all.end(), list.begin(), list.end());
  // All at once: each close waits for the remote to end its side, so one after the other a
  // busy remote would hold up every later one.
  const auto budget = (end - std::chrono::steady_clock::now()) / 2;
  auto left = std::make_shared<std::size_t>(all.size());
  AsyncEvent closed(m.ex);
  for (auto& c : all) {
    m.closing.spawn(
        [](std::shared_ptr<Connection> conn, std::chrono::steady_clock::duration d,
           std::shared_ptr<std::size_t> n, AsyncEvent& ev) -> asio::awaitable<void> {
          co_await conn->session->close(d);
          if (--*n == 0) ev.notify();
        }(c, budget, left, closed),
        "close connection");
  }
  while (*left > 0 && std::chrono::steady_clock::now() < end) {
    if (!co_await closed.wait()) break;
  }
  co_await m.closing.async_stop(time_left(end));
  co_await m.tasks.async_stop(time_left(end));
  m.connections.clear();
}

// --- Impl: inbound stream dispatch, identify ---

asio::awaitable<void> Host::Impl::serve_stream(std::shared_ptr<Connection> c,
                                               std::unique_ptr<MuxedStream> s) {
  ++c->negotiating;
  std::vector<std::string> supported;
  for (const auto& [p, h] : handlers) supported.push_back(p);
  auto chosen = co_await multistream::handle(*s, std::move(supported));
  --c->negotiating;
  if (!chosen) {
    GOOP_LOG_DEBUG(host_log(), "peer={} stream negotiation failed: {}", c->remote.short_string(),
                   chosen.error().message());
    s->reset();
    co_return;
  }
  auto it = handlers.find(*chosen);
  if (it == handlers.end()) {  // removed meanwhile
    s->reset();
    co_return;
  }
  s->set_protocol(*chosen);
  StreamHandler handler = it->second;  // a copy: the map may change while it runs
  co_await handler(std::move(s), c->remote);
}

identify::Message Host::Impl::identify_message(const Connection& to) const {
  identify::Message m;
  m.public_key = marshal_public_key(identity.public_key());
  for (const auto& b : bound) {
    for (const auto& a : expand_wildcard(b)) m.listen_addrs.push_back(a.bytes());
  }
  for (const auto& [p, h] : handlers) m.protocols.push_back(p);
  m.observed_addr = to.remote_addr.bytes();
  m.protocol_version = std::string(identify::kProtocolVersion);
  m.agent_version = config.agent_version;
  return m;
}

asio::awaitable<void> Host::Impl::identify_peer(std::shared_ptr<Connection> c) {
  auto opened = co_await c->session->open_stream();
  if (!opened) co_return;
  auto s = std::move(*opened);
  auto chosen =
      co_await multistream::select_one(*s, multistream::protocol_list(identify::kProtocolId));
  if (!chosen) co_return;
  auto msg = co_await identify::receive(*s);
  if (!msg) {
    GOOP_LOG_DEBUG(host_log(), "peer={} identify failed: {}", c->remote.short_string(),
                   msg.error().message());
    co_return;
  }
  if (msg->public_key) {
    // The key must be the one the connection proved (Noise); otherwise ignore the message.
    auto key = unmarshal_public_key(*msg->public_key);
    if (!key || PeerId::from_public_key(*key) != c->remote) {
      GOOP_LOG_WARN(host_log(), "peer={} sent an identify key that is not its own; ignored",
                    c->remote.short_string());
      co_return;
    }
  }
  auto& info = peers.get(c->remote);
  info.protocols = std::move(msg->protocols);
  info.agent_version = msg->agent_version.value_or("");
  info.protocol_version = msg->protocol_version.value_or("");
  std::vector<Multiaddr> addrs;
  for (const auto& raw : msg->listen_addrs) {
    if (auto a = Multiaddr::from_bytes(raw)) addrs.push_back(std::move(*a));
  }
  peers.add_addrs(c->remote, addrs);
  if (msg->observed_addr) {
    if (auto a = Multiaddr::from_bytes(*msg->observed_addr)) info.observed_addr = std::move(*a);
  }
  GOOP_LOG_DEBUG(host_log(), "peer={} identified: {} ({} protocols)", c->remote.short_string(),
                 info.agent_version, info.protocols.size());
  for (auto& cb : identified_cbs) cb(c->remote);
}

void Host::Impl::push_identify() {
  if (stopping) return;
  for (auto& [peer, list] : connections) {
    if (list.empty()) continue;
    std::shared_ptr<Connection> c = list.front();
    tasks.spawn(
        [](Impl* host, std::shared_ptr<Connection> conn) -> asio::awaitable<void> {
          auto opened = co_await conn->session->open_stream();
          if (!opened) co_return;
          auto s = multistream::make_lazy_select(std::move(*opened),
                                                 std::string(identify::kPushProtocolId));
          (void)co_await identify::send(*s, host->identify_message(*conn));
        }(this, std::move(c)),
        "identify push");
  }
}

}  // namespace goop::p2p
