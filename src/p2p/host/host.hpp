#pragma once
// Host: a libp2p node (go-libp2p basichost). Listens and dials through the transports it is
// given, upgrades every connection with its Upgrader (Noise + yamux unless told otherwise),
// keeps one connection per peer for reuse, dispatches inbound streams to protocol handlers by
// multistream-select, serves ping, and runs the identify service (p2p/protocol/identify) on every
// connection. Knows nothing of Goop.
//
// Executor rule: everything on the executor given at construction (the node thread).
// Lifetime: call async_stop() and await it before destroying the Host.
//
// Invariants:
//  1. connections_ holds only started, open sessions; a closed session is removed at once and
//     a `disconnected` event is emitted when a peer's last connection goes.
//  2. At most one outbound dial per peer is in flight; concurrent connect() calls share it.
//  3. Inbound connections being upgraded plus established ones never exceed the limits.

#include "base/result.hpp"
#include "p2p/crypto/keys.hpp"
#include "p2p/crypto/peer_id.hpp"
#include "p2p/host/peerstore.hpp"
#include "p2p/multiformats/multiaddr.hpp"
#include "p2p/muxer/muxed_stream.hpp"
#include "p2p/negotiation/codec.hpp"
#include "p2p/network/upgrader.hpp"
#include "p2p/transport/transport.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace goop::p2p {

namespace identify {
class IdentifyService;
}

struct HostConfig {
  // Each address is bound by the first transport that can_listen it. A listen address that
  // fails to bind is an error, except one this machine cannot have (an IPv6 wildcard without
  // IPv6: then a warning).
  std::vector<std::string> listen = {"/ip4/127.0.0.1/tcp/0"};
  std::string agent_version = "goop2/dev";  // what identify tells other peers
  std::size_t max_connections = 1024;       // established, both directions
  std::size_t max_pending_inbound = 128;    // accepted but not yet upgraded
  std::chrono::steady_clock::duration dial_timeout = std::chrono::seconds(10);
  // Inbound streams still negotiating their protocol, per connection.
  std::size_t max_negotiating_streams = 64;
};

enum class ConnectionEvent { kConnected, kDisconnected };

// One connection (a peer may have several), as services such as identify see it.
using ConnectionId = std::uint64_t;
struct ConnectionInfo {
  ConnectionId id = 0;  // unique within this Host, never reused
  PeerId remote;
  Multiaddr local_addr;   // our end, as the transport names it
  Multiaddr remote_addr;  // the peer's end (what identify reports as "observed")
  bool outbound = false;  // we dialled it
};

// Receives an inbound stream whose protocol was negotiated (stream->protocol()). The handler
// owns the stream. It runs in the host's task group and is cancelled at shutdown.
using StreamHandler =
    std::function<boost::asio::awaitable<void>(std::unique_ptr<MuxedStream>, PeerId remote)>;

class Host {
 public:
  // `transports`: tried in order, the first that can_listen / can_dial an address is used (for
  // example transports(tcp::make_transport(ex))). `upgrader`: secures and multiplexes every
  // connection; nullptr means Noise + yamux with default settings (NoiseYamuxUpgrader).
  Host(boost::asio::any_io_executor ex, Ed25519PrivateKey identity, HostConfig config,
       Transports transports, std::unique_ptr<Upgrader> upgrader = nullptr);
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;
  ~Host();

  const PeerId& id() const noexcept;
  Ed25519PublicKey public_key() const;
  boost::asio::any_io_executor get_executor() const noexcept;
  const HostConfig& config() const noexcept;
  // Binds every configured listen address (port 0 picks a free one) and starts accepting.
  // Errors name the address and the reason (e.g. port in use, no transport for the address).
  Expected<void> start();
  // The bound addresses with their real ports, without /p2p. A wildcard listener (0.0.0.0, ::)
  // is listed once per local interface address.
  std::vector<Multiaddr> listen_addrs() const;

  // Registers (or replaces) the handler for `protocol`; protocol-change listeners (identify
  // push) are told.
  void set_stream_handler(std::string protocol, StreamHandler handler);
  void remove_stream_handler(const std::string& protocol);
  std::vector<std::string> protocols() const;

  // Ensures a connection to `peer`, dialling `addrs` (and the peerstore's) in order until one
  // works. Concurrent calls for the same peer share one dial. Errors: the last dial error,
  // Errc::kPeerIdMismatch, goop::Errc::kTimeout, or Errc::kResourceLimit at the connection limit.
  boost::asio::awaitable<Result<void>> connect(PeerId peer, std::vector<Multiaddr> addrs = {});

  // Opens a stream to `peer` (connecting first if needed) and negotiates the first of
  // `protocols` the peer supports. With one protocol the negotiation is lazy (0-RTT): data can
  // be written at once and a refusal surfaces as Errc::kNegotiationFailed on the first read.
  boost::asio::awaitable<Result<std::unique_ptr<MuxedStream>>> new_stream(
      PeerId peer, std::vector<std::string> protocols);
  // The same on one given connection, without dialling. Errors: Errc::kConnectionClosed if the
  // connection is gone; negotiation errors as new_stream.
  boost::asio::awaitable<Result<std::unique_ptr<MuxedStream>>> new_stream_on(
      ConnectionId connection, std::vector<std::string> protocols);

  // One ping round trip to a connected (or dialable) peer.
  boost::asio::awaitable<Result<std::chrono::nanoseconds>> ping(PeerId peer);

  bool is_connected(const PeerId& peer) const;
  std::vector<PeerId> connected_peers() const;
  // Every open connection.
  std::vector<ConnectionInfo> connections() const;
  // The remote address of the open connection streams to `peer` would use; nullopt if none.
  std::optional<Multiaddr> connection_addr(const PeerId& peer) const;
  Peerstore& peerstore() noexcept;
  identify::IdentifyService& identify() noexcept;

  // Called on the node executor for each connect/disconnect of a peer (not per connection).
  void on_connection_event(std::function<void(const PeerId&, ConnectionEvent)> cb);
  // Called for every new connection (after the peer's kConnected if it is the first).
  void on_connection_opened(std::function<void(const ConnectionInfo&)> cb);
  // Called after set_stream_handler / remove_stream_handler changed protocols().
  void on_protocols_changed(std::function<void()> cb);
  // Called when identify (or push) updated a peer's info (forwards to identify()).
  void on_identified(std::function<void(const PeerId&)> cb);

  // Stops accepting, closes every connection (yamux GoAway) and waits for all tasks, within
  // `deadline`.
  boost::asio::awaitable<void> async_stop(std::chrono::steady_clock::duration deadline);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace goop::p2p
