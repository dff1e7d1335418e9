// Host: public API, inbound stream dispatch and ping.

#include "p2p/host/host.hpp"

#include "base/async_event.hpp"
#include "base/timeout.hpp"
#include "p2p/errors.hpp"
#include "p2p/host/host_impl.hpp"
#include "p2p/host/interfaces.hpp"
#include "p2p/negotiation/dialer.hpp"
#include "p2p/negotiation/lazy_select_stream.hpp"
#include "p2p/negotiation/listener.hpp"
#include "p2p/network/noise_yamux.hpp"
#include "p2p/protocol/identify/identify.hpp"
#include "p2p/protocol/ping/ping.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

namespace goop::p2p {
namespace asio = boost::asio;

namespace {

// Negotiates `protocols` on a freshly opened stream (lazily when there is only one).
asio::awaitable<Result<std::unique_ptr<MuxedStream>>> negotiate(
    std::unique_ptr<MuxedStream> stream, std::vector<std::string> protocols) {
  if (protocols.size() == 1) {
    auto lazy = multistream::make_lazy_select(std::move(stream), protocols.front());
    lazy->set_protocol(protocols.front());
    co_return lazy;
  }
  GOOP_CO_TRY(std::string chosen, co_await multistream::select_one(*stream, std::move(protocols)));
  stream->set_protocol(std::move(chosen));
  co_return stream;
}

}  // namespace

Host::Impl::Impl(asio::any_io_executor e, Ed25519PrivateKey key, HostConfig cfg, Transports t,
                 std::unique_ptr<Upgrader> up)
    : ex(e),
      identity(std::move(key)),
      self(PeerId::from_public_key(identity.public_key())),
      config(std::move(cfg)),
      transports(std::move(t)),
      upgrader(up ? std::move(up) : std::make_unique<NoiseYamuxUpgrader>()),
      tasks(e, "p2p.host") {}

Host::Impl::~Impl() = default;

Host::Host(asio::any_io_executor ex, Ed25519PrivateKey identity, HostConfig config,
           Transports transports, std::unique_ptr<Upgrader> upgrader)
    : impl_(std::make_unique<Impl>(ex, std::move(identity), std::move(config),
                                   std::move(transports), std::move(upgrader))) {
  impl_->handlers.emplace(std::string(ping::kProtocolId),
                          [](std::unique_ptr<MuxedStream> s, PeerId) -> asio::awaitable<void> {
                            co_await ping::serve(*s);
                          });
  identify::Config ic;
  ic.agent_version = impl_->config.agent_version;
  impl_->identify = std::make_unique<identify::IdentifyService>(*this, std::move(ic));
  impl_->identify->start();
}

Host::~Host() = default;

const PeerId& Host::id() const noexcept { return impl_->self; }
Ed25519PublicKey Host::public_key() const { return impl_->identity.public_key(); }
asio::any_io_executor Host::get_executor() const noexcept { return impl_->ex; }
const HostConfig& Host::config() const noexcept { return impl_->config; }
Expected<void> Host::start() { return impl_->listen_all(); }
std::vector<Multiaddr> Host::listen_addrs() const {
  std::vector<Multiaddr> out;
  for (const auto& l : impl_->listeners) {
    for (auto& a : expand_wildcard(l->local_addr())) out.push_back(std::move(a));
  }
  return out;
}
Peerstore& Host::peerstore() noexcept { return impl_->peers; }
identify::IdentifyService& Host::identify() noexcept { return *impl_->identify; }

void Host::set_stream_handler(std::string protocol, StreamHandler handler) {
  impl_->handlers[std::move(protocol)] = std::move(handler);
  impl_->protocols_changed();
}

void Host::remove_stream_handler(const std::string& protocol) {
  if (impl_->handlers.erase(protocol) > 0) impl_->protocols_changed();
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
  return c->info.remote_addr;
}

std::vector<PeerId> Host::connected_peers() const {
  std::vector<PeerId> out;
  for (const auto& [peer, list] : impl_->connections) out.push_back(peer);
  return out;
}

std::vector<ConnectionInfo> Host::connections() const {
  std::vector<ConnectionInfo> out;
  for (const auto& [peer, list] : impl_->connections) {
    for (const auto& c : list) {
      if (!c->session->is_closed()) out.push_back(c->info);
    }
  }
  return out;
}

void Host::on_connection_event(std::function<void(const PeerId&, ConnectionEvent)> cb) {
  impl_->connection_cbs.push_back(std::move(cb));
}
void Host::on_connection_opened(std::function<void(const ConnectionInfo&)> cb) {
  impl_->opened_cbs.push_back(std::move(cb));
}
void Host::on_protocols_changed(std::function<void()> cb) {
  impl_->protocols_cbs.push_back(std::move(cb));
}
void Host::on_identified(std::function<void(const PeerId&)> cb) {
  impl_->identify->on_identified(std::move(cb));
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
  co_return co_await negotiate(std::move(stream), std::move(protocols));
}

asio::awaitable<Result<std::unique_ptr<MuxedStream>>> Host::new_stream_on(
    ConnectionId connection, std::vector<std::string> protocols) {
  if (protocols.empty()) co_return make_error_code(Errc::kNegotiationFailed);
  auto c = impl_->find_connection(connection);
  if (!c || c->session->is_closed()) co_return make_error_code(Errc::kConnectionClosed);
  GOOP_CO_TRY(auto stream, co_await c->session->open_stream());
  co_return co_await negotiate(std::move(stream), std::move(protocols));
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
  m.identify->close();
  for (auto& l : m.listeners) l->close();
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
  co_await m.identify->async_stop(time_left(end));
  co_await m.tasks.async_stop(time_left(end));
  m.connections.clear();
}

// --- Impl: inbound stream dispatch ---

asio::awaitable<void> Host::Impl::serve_stream(std::shared_ptr<Connection> c,
                                               std::unique_ptr<MuxedStream> s) {
  ++c->negotiating;
  std::vector<std::string> supported;
  for (const auto& [p, h] : handlers) supported.push_back(p);
  auto chosen = co_await multistream::handle(*s, std::move(supported));
  --c->negotiating;
  if (!chosen) {
    GOOP_LOG_DEBUG(host_log(), "peer={} stream negotiation failed: {}",
                   c->info.remote.short_string(), chosen.error().message());
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
  co_await handler(std::move(s), c->info.remote);
}

void Host::Impl::protocols_changed() {
  if (stopping) return;
  for (auto& cb : protocols_cbs) cb();
}

}  // namespace goop::p2p
