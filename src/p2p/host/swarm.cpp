// Host internals: listening, accepting, dialling and the connection table.

#include "p2p/errors.hpp"
#include "p2p/host/host_impl.hpp"
#include "p2p/host/upgrader.hpp"
#include "p2p/transport/tcp/tcp_stream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/core.h>

namespace goop::p2p {
namespace asio = boost::asio;
namespace ip = asio::ip;

log::Logger& host_log() {
  static log::Logger lg("p2p.host");
  return lg;
}

Expected<void> Host::Impl::listen_all() {
  for (const auto& text : config.listen) {
    auto ma = Multiaddr::parse(text);
    if (!ma)
      return Error{ma.error(), fmt::format("listen address {} is not a valid multiaddr", text)};
    auto ep = ma->tcp_endpoint();
    if (!ep)
      return Error{make_error_code(Errc::kInvalidEncoding),
                   fmt::format("listen address {} is not /ip4|ip6/…/tcp/…", text)};
    ip::tcp::acceptor acc(ex);
    error_code ec;
    acc.open(ep->protocol(), ec);
    if (!ec && ep->protocol() == ip::tcp::v6()) acc.set_option(asio::ip::v6_only(true), ec);
    if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acc.bind(*ep, ec);
    if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
    if (ec && ep->address().is_v6() && ep->address().is_unspecified() &&
        (ec == asio::error::address_family_not_supported ||
         ec == boost::system::errc::address_not_available)) {
      GOOP_LOG_WARN(host_log(), "not listening on {}: this machine has no IPv6 ({})", text,
                    ec.message());
      continue;
    }
    if (ec) {
      return Error{
          ec,
          fmt::format(
              "cannot listen on {}: {}{}", text, ec.message(),
              ec == asio::error::address_in_use
                  ? " (another program uses this port; set p2p.listen_port to 0 or another port)"
                  : "")};
    }
    bound.push_back(Multiaddr::from_tcp_endpoint(acc.local_endpoint()));
    GOOP_LOG_INFO(host_log(), "listening on {}/p2p/{}", bound.back().to_string(), self.to_base58());
    acceptors.push_back(std::move(acc));
    tasks.spawn(accept_loop(acceptors.back()), "accept " + bound.back().to_string());
  }
  return {};
}

asio::awaitable<void> Host::Impl::accept_loop(ip::tcp::acceptor& acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || stopping) co_return;
    if (ec) {
      GOOP_LOG_WARN(host_log(), "accept failed: {}", ec.message());
      continue;
    }
    if (pending_inbound >= config.max_pending_inbound ||
        connection_count >= config.max_connections) {
      GOOP_LOG_DEBUG(host_log(), "refusing inbound connection: limit reached ({} pending, {} open)",
                     pending_inbound, connection_count);
      continue;  // the socket closes as it goes out of scope
    }
    tasks.spawn(handle_inbound(std::move(socket)), "inbound upgrade");
  }
}

asio::awaitable<void> Host::Impl::handle_inbound(ip::tcp::socket socket) {
  ++pending_inbound;
  auto raw = std::make_unique<tcp::TcpStream>(std::move(socket));
  const Multiaddr remote = Multiaddr::from_tcp_endpoint(raw->remote_endpoint());
  auto up = co_await upgrade_inbound(std::move(raw), identity, config.muxer);
  --pending_inbound;
  if (!up) {
    GOOP_LOG_DEBUG(host_log(), "inbound connection from {} failed its upgrade: {}",
                   remote.to_string(), up.error().message());
    co_return;
  }
  if (stopping) co_return;
  add_connection(std::make_shared<Connection>(std::move(up->session), up->remote, remote, false));
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
    auto ep = addr.tcp_endpoint();
    if (!ep) continue;  // not a transport we dial yet
    if (connection_count >= config.max_connections) co_return make_error_code(Errc::kResourceLimit);
    auto raw = co_await tcp::dial(*ep, config.dial_timeout);
    if (!raw) {
      last = raw.error();
      GOOP_LOG_DEBUG(host_log(), "peer={} dial {} failed: {}", peer.short_string(),
                     addr.to_string(), raw.error().message());
      continue;
    }
    auto up = co_await upgrade_outbound(std::move(*raw), identity, peer, config.muxer);
    if (!up) {
      last = up.error();
      GOOP_LOG_DEBUG(host_log(), "peer={} upgrade over {} failed: {}", peer.short_string(),
                     addr.to_string(), up.error().message());
      continue;
    }
    if (stopping) co_return make_error_code(asio::error::operation_aborted);
    peers.add_addrs(peer, {addr});
    add_connection(std::make_shared<Connection>(std::move(up->session), up->remote, addr, true));
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
                     conn->remote.short_string());
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
    GOOP_LOG_DEBUG(host_log(), "peer={} connection closed: {}", conn->remote.short_string(),
                   ec.message());
    remove_connection(conn);
    tasks.spawn(
        [](std::shared_ptr<Connection> dying) -> asio::awaitable<void> {
          co_await dying->session->close(std::chrono::seconds(1));
        }(std::move(conn)),
        "reap connection");
  });
  c->session->start();
  auto& list = connections[c->remote];
  const bool first = list.empty();
  list.push_back(c);
  ++connection_count;
  GOOP_LOG_DEBUG(host_log(), "peer={} connected ({}, {})", c->remote.short_string(),
                 c->outbound ? "outbound" : "inbound", c->remote_addr.to_string());
  if (first) {
    for (auto& cb : connection_cbs) cb(c->remote, ConnectionEvent::kConnected);
  }
  tasks.spawn(identify_peer(c), "identify");
}

void Host::Impl::remove_connection(const std::shared_ptr<Connection>& c) {
  auto it = connections.find(c->remote);
  if (it == connections.end()) return;
  const auto before = it->second.size();
  it->second.remove(c);
  if (it->second.size() == before) return;
  --connection_count;
  if (it->second.empty()) {
    const PeerId peer = c->remote;
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

}  // namespace goop::p2p
