#pragma once
// Host internals shared by host.cpp (public API, stream dispatch, ping) and swarm.cpp
// (listening, dialling, connection bookkeeping). Not a public header.

#include "base/async_event.hpp"
#include "base/log.hpp"
#include "base/task_group.hpp"
#include "p2p/host/host.hpp"

#include <list>
#include <map>
#include <optional>
#include <unordered_map>

namespace goop::p2p {

struct Connection {
  Connection(std::unique_ptr<MuxedConnection> s, ConnectionInfo i)
      : session(std::move(s)), info(std::move(i)) {}
  std::unique_ptr<MuxedConnection> session;
  ConnectionInfo info;
  std::size_t negotiating = 0;  // inbound streams still in multistream-select
};

struct PendingDial {
  AsyncEvent done;
  Result<void> result = make_error_code(boost::asio::error::operation_aborted);
  bool finished = false;
  explicit PendingDial(boost::asio::any_io_executor ex) : done(std::move(ex)) {}
};

struct Host::Impl {
  Impl(boost::asio::any_io_executor ex, Ed25519PrivateKey key, HostConfig cfg, Transports t,
       std::unique_ptr<Upgrader> up);
  ~Impl();

  boost::asio::any_io_executor ex;
  Ed25519PrivateKey identity;
  PeerId self;
  HostConfig config;
  Transports transports;
  std::unique_ptr<Upgrader> upgrader;
  TaskGroup tasks;
  TaskGroup closing{ex, "p2p.host.close"};  // connections being closed at shutdown
  Peerstore peers;
  std::map<std::string, StreamHandler, std::less<>> handlers;
  std::vector<std::unique_ptr<Listener>> listeners;
  std::unordered_map<PeerId, std::list<std::shared_ptr<Connection>>> connections;
  std::unordered_map<PeerId, std::shared_ptr<PendingDial>> dials;
  std::unique_ptr<identify::IdentifyService> identify;
  ConnectionId next_connection_id = 1;
  std::size_t pending_inbound = 0;
  std::size_t connection_count = 0;
  bool stopping = false;
  std::vector<std::function<void(const PeerId&, ConnectionEvent)>> connection_cbs;
  std::vector<std::function<void(const ConnectionInfo&)>> opened_cbs;
  std::vector<std::function<void()>> protocols_cbs;

  // swarm.cpp
  Transport* transport_for_listen(const Multiaddr& addr) const;
  Transport* transport_for_dial(const Multiaddr& addr) const;
  Expected<void> listen_all();
  boost::asio::awaitable<void> accept_loop(Listener& listener);
  boost::asio::awaitable<void> handle_inbound(RawConnection raw);
  boost::asio::awaitable<Result<void>> dial(PeerId peer, std::vector<Multiaddr> addrs);
  // Starts the session and registers the connection; fires kConnected for a new peer, then
  // the opened callbacks.
  void add_connection(std::shared_ptr<Connection> c);
  void remove_connection(const std::shared_ptr<Connection>& c);
  std::shared_ptr<Connection> best_connection(const PeerId& peer) const;
  std::shared_ptr<Connection> find_connection(ConnectionId id) const;

  // host.cpp
  boost::asio::awaitable<void> serve_stream(std::shared_ptr<Connection> c,
                                            std::unique_ptr<MuxedStream> s);
  void protocols_changed();
};

log::Logger& host_log();

}  // namespace goop::p2p
