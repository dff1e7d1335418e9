#pragma once
// Host internals shared by host.cpp (handlers, identify, ping) and swarm.cpp (listening,
// dialling, connection bookkeeping). Not a public header.

#include "base/async_event.hpp"
#include "base/log.hpp"
#include "base/task_group.hpp"
#include "p2p/host/host.hpp"
#include "p2p/protocol/identify/identify.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <list>
#include <map>
#include <optional>
#include <unordered_map>

namespace goop::p2p {

struct Connection {
  Connection(std::unique_ptr<yamux::Session> s, PeerId peer, Multiaddr addr, bool out)
      : session(std::move(s)),
        remote(std::move(peer)),
        remote_addr(std::move(addr)),
        outbound(out) {}
  std::unique_ptr<yamux::Session> session;
  PeerId remote;
  Multiaddr remote_addr;
  bool outbound = false;
  std::size_t negotiating = 0;  // inbound streams still in multistream-select
};

struct PendingDial {
  AsyncEvent done;
  Result<void> result = make_error_code(boost::asio::error::operation_aborted);
  bool finished = false;
  explicit PendingDial(boost::asio::any_io_executor ex) : done(std::move(ex)) {}
};

struct Host::Impl {
  Impl(boost::asio::any_io_executor ex, Ed25519PrivateKey key, HostConfig cfg);

  boost::asio::any_io_executor ex;
  Ed25519PrivateKey identity;
  PeerId self;
  HostConfig config;
  TaskGroup tasks;
  TaskGroup closing{ex, "p2p.host.close"};  // connections being closed at shutdown
  Peerstore peers;
  std::map<std::string, StreamHandler, std::less<>> handlers;
  std::list<boost::asio::ip::tcp::acceptor> acceptors;
  std::vector<Multiaddr> bound;
  std::unordered_map<PeerId, std::list<std::shared_ptr<Connection>>> connections;
  std::unordered_map<PeerId, std::shared_ptr<PendingDial>> dials;
  std::size_t pending_inbound = 0;
  std::size_t connection_count = 0;
  bool stopping = false;
  std::vector<std::function<void(const PeerId&, ConnectionEvent)>> connection_cbs;
  std::vector<std::function<void(const PeerId&)>> identified_cbs;

  // swarm.cpp
  Expected<void> listen_all();
  boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor);
  boost::asio::awaitable<void> handle_inbound(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<Result<void>> dial(PeerId peer, std::vector<Multiaddr> addrs);
  // Starts the session and registers the connection; fires kConnected for a new peer.
  void add_connection(std::shared_ptr<Connection> c);
  void remove_connection(const std::shared_ptr<Connection>& c);
  std::shared_ptr<Connection> best_connection(const PeerId& peer) const;

  // host.cpp
  boost::asio::awaitable<void> serve_stream(std::shared_ptr<Connection> c,
                                            std::unique_ptr<MuxedStream> s);
  boost::asio::awaitable<void> identify_peer(std::shared_ptr<Connection> c);
  void push_identify();
  identify::Message identify_message(const Connection& to) const;
};

log::Logger& host_log();

}  // namespace goop::p2p
