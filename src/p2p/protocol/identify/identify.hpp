#pragma once
// libp2p identify (specs: identify/README.md; go-libp2p p2p/protocol/identify/id.go) as a
// service on a Host:
//  * `/ipfs/id/1.0.0`: on every new connection we ask the peer who it is; when asked, we answer
//    with our public key, listen addresses, protocols, agent and the address we see the asker at
//    ("observed").
//  * `/ipfs/id/push/1.0.0`: when our protocols change, we push a fresh message to every
//    connected peer; pushes we receive update what we know of the sender.
// An answer whose public key is not the one the connection proved (Noise) is ignored, and
// reported through on_identification_failed with Errc::kPeerIdMismatch. What a peer tells us
// goes into the Host's peerstore (protocols, agent, protocol version, listen addresses, our
// observed address), after which on_identified fires.
//
// The Host creates and owns one IdentifyService (Host::identify()); it starts with the Host and
// stops in Host::async_stop.
//
// Executor rule: the Host's executor; no locks. Lifetime: stop (async_stop) before destroying;
// destroy before the Host.

#include "base/result.hpp"
#include "p2p/crypto/peer_id.hpp"
#include "p2p/multiformats/multiaddr.hpp"
#include "p2p/protocol/identify/codec.hpp"
#include "p2p/protocol/identify/exchange.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace goop::p2p {
class Host;
struct ConnectionInfo;
}  // namespace goop::p2p

namespace goop::p2p::identify {

inline constexpr std::string_view kProtocolId = "/ipfs/id/1.0.0";
inline constexpr std::string_view kPushProtocolId = "/ipfs/id/push/1.0.0";

struct Config {
  std::string agent_version = "goop2/dev";
  std::string protocol_version = std::string(kProtocolVersion);
};

class IdentifyService {
 public:
  // `host` must outlive the service.
  IdentifyService(Host& host, Config config);
  IdentifyService(const IdentifyService&) = delete;
  IdentifyService& operator=(const IdentifyService&) = delete;
  ~IdentifyService();

  // Registers the two protocols on the Host and starts identifying new connections (and the
  // ones already open). Call once.
  void start();
  // Refuses new work (no more identify runs or pushes); running ones go on.
  void close() noexcept;
  // close(), then cancels the running identify runs and pushes and waits for them (at most
  // `deadline`). The Host's stream handlers are stopped by the Host.
  boost::asio::awaitable<void> async_stop(std::chrono::steady_clock::duration deadline);

  // After identify or a push updated the peerstore entry of `peer`.
  void on_identified(std::function<void(const PeerId&)> cb);
  // When a peer's identify answer or push was unusable: Errc::kPeerIdMismatch (a key that is
  // not the connection's), or the exchange's error (goop::Errc::kTimeout, decode errors, stream
  // errors).
  void on_identification_failed(std::function<void(const PeerId&, error_code)> cb);

  // The message we send to the peer at the other end of a connection with this remote address.
  Message message_for(const std::optional<Multiaddr>& observed) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace goop::p2p::identify
