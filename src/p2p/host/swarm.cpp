// Host internals: listening and accepting through the transports, dialling, and the connection
// table.

#include "p2p/errors.hpp"
#include "p2p/host/host_impl.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace goop::p2p {
namespace asio = boost::asio;

log::Logger& host_log() {
  static log::Logger lg("p2p.host");
  return lg;
}

Transport* Host::Impl::transport_for_listen(const Multiaddr& addr) const {
  for (const auto& t : transports) {
    if (t->can_listen(addr)) return t.get();
  }
  return nullptr;
}

Transport* Host::Impl::transport_for_dial(const Multiaddr& addr) const {
  for (const auto& t : transports) {
    if (t->can_dial(addr)) return t.get();
  }
  return nullptr;
}

Expected<void> Host::Impl::listen_all() {
  for (const auto& text : config.listen) {
    auto ma = Multiaddr::parse(text);
    if (!ma)
      return Error{ma.error(), fmt::format("listen address {} is not a valid multiaddr", text)};
    Transport* transport = transport_for_listen(*ma);
    if (!transport) {
      return Error{make_error_code(Errc::kInvalidEncoding),
                   fmt::format("no transport of this node can listen on {}", text)};
    }
    auto listener = transport->listen(*ma);
    if (!listener) {
      if (listener.error().code == boost::system::errc::address_family_not_supported) {
        GOOP_LOG_WARN(host_log(), "{}", listener.error().message);
        continue;
      }
      return listener.error();
    }
    listeners.push_back(std::move(*listener));
    Listener& l = *listeners.back();
    GOOP_LOG_INFO(host_log(), "listening on {}/p2p/{}", l.local_addr().to_string(),
                  self.to_base58());
    tasks.spawn(accept_loop(l), "accept " + l.local_addr().to_string());
  }
  return {};
}

asio::awaitable<void> Host::Impl::accept_loop(Listener& listener) {
  for (;;) {
    auto raw = co_await listener.accept();
    if (stopping) co_return;
    if (!raw) {
      if (raw.error() == asio::error::operation_aborted) co_return;
      GOOP_LOG_WARN(host_log(), "accept on {} failed: {}", listener.local_addr().to_string(),
                    raw.error().message());
      continue;
    }
    if (pending_inbound >= config.max_pending_inbound ||
        connection_count >= config.max_connections) {
      GOOP_LOG_DEBUG(host_log(), "refusing inbound connection: limit reached ({} pending, {} open)",
                     pending_inbound, connection_count);
      continue;  // the connection closes as it goes out of scope
    }
    tasks.spawn(handle_inbound(std::move(*raw)), "inbound upgrade");
  }
}

asio::awaitable<void> Host::Impl::handle_inbound(RawConnection raw) {
  ++pending_inbound;
  auto up = co_await upgrader->upgrade_inbound(std::move(raw.stream), identity);
  --pending_inbound;
  if (!up) {
    GOOP_LOG_DEBUG(host_log(), "inbound connection from {} failed its upgrade: {}",
                   raw.remote_addr.to_string(), up.error().message());
    co_return;
  }
  if (stopping) co_return;
  ConnectionInfo info{next_connection_id++, std::move(up->remote), std::move(raw.local_addr),
                      std::move(raw.remote_addr), false};
  add_connection(std::make_shared<Connection>(std::move(up->connection), std::move(info)));
}

asio::awaitable<Result<void>> Host::Impl::dial(PeerId peer, std::vector<Multiaddr> addrs) {
  if (const PeerInfo* known = peers.find(peer)) {
    for (const auto& a : known->addrs) {
      if (std::find(addrs.begin(), addrs.end(), a) == addrs.end()) addrs.push_back(a);
    }
  }
  Result<void> last = make_error_code(Errc::kConnectionClosed);
  if (addrs.empty()) {
    GOOP_LOG_DEBUG(host_log(), "peer={} no known addresses to dial", peer.short_string());
    co_return last;
  }
  for (const auto& addr : addrs) {
    if (auto pid = addr.peer_id(); pid && *pid != peer) continue;
    Transport* transport = transport_for_dial(addr);
    if (!transport) continue;  // not a transport we dial (yet)
    if (connection_count >= config.max_connections) co_return make_error_code(Errc::kResourceLimit);
    auto raw = co_await transport->dial(addr, config.dial_timeout);
    if (!raw) {
      last = raw.error();
      GOOP_LOG_DEBUG(host_log(), "peer={} dial {} failed: {}", peer.short_string(),
                     addr.to_string(), raw.error().message());
      continue;
    }
    auto up = co_await upgrader->upgrade_outbound(std::move(raw->stream), identity, peer);
    if (!up) {
      last = up.error();
      GOOP_LOG_DEBUG(host_log(), "peer={} upgrade over {} failed: {}", peer.short_string(),
                     addr.to_string(), up.error().message());
      continue;
    }
    if (stopping) co_return make_error_code(asio::error::operation_aborted);
    peers.add_addrs(peer, {addr});
    ConnectionInfo info{next_connection_id++, std::move(up->remote), std::move(raw->local_addr),
                        std::move(raw->remote_addr), true};
    add_connection(std::make_shared<Connection>(std::move(up->connection), std::move(info)));
    co_return Result<void>{};
  }
  co_return last;
}

void Host::Impl::add_connection(std::shared_ptr<Connection> c) {
  std::weak_ptr<Connection> weak = c;
  c->session->set_stream_handler([this, weak](std::unique_ptr<MuxedStream> s) {
    auto conn = weak.lock();
    if (!conn || stopping) return;  // the stream resets as it is dropped
    if (conn->negotiating >= config.max_negotiating_streams) {
      GOOP_LOG_DEBUG(host_log(), "peer={} too many streams negotiating; resetting one",
                     conn->info.remote.short_string());
      s->reset();
      return;
    }
    tasks.spawn(serve_stream(conn, std::move(s)), "inbound stream");
  });
  c->session->set_on_closed([this, weak](error_code ec) {
    // Runs inside the session: unregister now, but let the session finish its own tasks
    // (awaiting close) before the last reference goes.
    auto conn = weak.lock();
    if (!conn) return;
    GOOP_LOG_DEBUG(host_log(), "peer={} connection closed: {}", conn->info.remote.short_string(),
                   ec.message());
    remove_connection(conn);
    tasks.spawn(
        [](std::shared_ptr<Connection> dying) -> asio::awaitable<void> {
          co_await dying->session->close(std::chrono::seconds(1));
        }(std::move(conn)),
        "reap connection");
  });
  c->session->start();
  auto& list = connections[c->info.remote];
  const bool first = list.empty();
  list.push_back(c);
  ++connection_count;
  GOOP_LOG_DEBUG(host_log(), "peer={} connected ({}, {})", c->info.remote.short_string(),
                 c->info.outbound ? "outbound" : "inbound", c->info.remote_addr.to_string());
  // Copies: a callback may register more callbacks, and the connection may close meanwhile.
  const ConnectionInfo info = c->info;
  if (first) {
    auto cbs = connection_cbs;
    for (auto& cb : cbs) cb(info.remote, ConnectionEvent::kConnected);
  }
  auto opened = opened_cbs;
  for (auto& cb : opened) cb(info);
}

void Host::Impl::remove_connection(const std::shared_ptr<Connection>& c) {
  auto it = connections.find(c->info.remote);
  if (it == connections.end()) return;
  const auto before = it->second.size();
  it->second.remove(c);
  if (it->second.size() == before) return;
  --connection_count;
  if (it->second.empty()) {
    const PeerId peer = c->info.remote;
    connections.erase(it);
    for (auto& cb : connection_cbs) cb(peer, ConnectionEvent::kDisconnected);
  }
}

std::shared_ptr<Connection> Host::Impl::best_connection(const PeerId& peer) const {
  auto it = connections.find(peer);
  if (it == connections.end()) return nullptr;
  for (const auto& c : it->second) {
    if (!c->session->is_closed()) return c;
  }
  return nullptr;
}

std::shared_ptr<Connection> Host::Impl::find_connection(ConnectionId id) const {
  for (const auto& [peer, list] : connections) {
    for (const auto& c : list) {
      if (c->info.id == id) return c;
    }
  }
  return nullptr;
}

}  // namespace goop::p2p
