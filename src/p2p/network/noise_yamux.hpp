#pragma once
// Goop2's connection upgrade path (go-libp2p p2p/net/upgrader): raw transport stream ->
// multistream-select "/noise" (0-RTT on the dialer: sent together with Noise message 1) ->
// Noise XX -> multistream-select "/yamux/1.0.0" (skipped when both sides named yamux in the
// Noise early data) -> yamux session. So a dial costs the transport's connect + 1.5 RTT before
// the first stream. Each step has a deadline; the whole upgrade must finish within
// kUpgradeTimeout.
//
// NoiseYamuxUpgrader is that path as the Host's Upgrader; the free functions give the yamux
// session itself (benchmarks drive it directly).

#include "base/result.hpp"
#include "p2p/crypto/keys.hpp"
#include "p2p/crypto/peer_id.hpp"
#include "p2p/io/byte_stream.hpp"
#include "p2p/muxer/yamux/session.hpp"
#include "p2p/network/upgrader.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>

namespace goop::p2p {

inline constexpr auto kUpgradeTimeout = std::chrono::seconds(15);

class NoiseYamuxUpgrader final : public Upgrader {
 public:
  // `muxer`: the yamux tunables of every connection this upgrader makes.
  explicit NoiseYamuxUpgrader(yamux::Config muxer = {}) : muxer_(muxer) {}

  boost::asio::awaitable<Result<UpgradedConnection>> upgrade_outbound(
      std::unique_ptr<ByteStream> raw, Ed25519PrivateKey identity,
      std::optional<PeerId> expected) override;
  boost::asio::awaitable<Result<UpgradedConnection>> upgrade_inbound(
      std::unique_ptr<ByteStream> raw, Ed25519PrivateKey identity) override;

 private:
  yamux::Config muxer_;
};

struct Upgraded {
  std::unique_ptr<yamux::Session> session;  // not started yet
  PeerId remote;
};

// Dialer side. `expected` is the peer we meant to reach: a different proven identity is
// Errc::kPeerIdMismatch.
boost::asio::awaitable<Result<Upgraded>> upgrade_outbound(std::unique_ptr<ByteStream> raw,
                                                          Ed25519PrivateKey identity,
                                                          std::optional<PeerId> expected,
                                                          yamux::Config muxer);
// Listener side.
boost::asio::awaitable<Result<Upgraded>> upgrade_inbound(std::unique_ptr<ByteStream> raw,
                                                         Ed25519PrivateKey identity,
                                                         yamux::Config muxer);

}  // namespace goop::p2p
