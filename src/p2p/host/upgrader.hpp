#pragma once
// The connection upgrade path (go-libp2p p2p/net/upgrader): raw transport stream ->
// multistream-select "/noise" (0-RTT on the dialer: sent together with Noise message 1) ->
// Noise XX -> multistream-select "/yamux/1.0.0" (skipped when both sides named yamux in the
// Noise early data) -> yamux session. So a dial costs TCP + 1.5 RTT before the first stream. Each
// step has a deadline; the whole upgrade must finish within kUpgradeTimeout.

#include "base/result.hpp"
#include "p2p/crypto/keys.hpp"
#include "p2p/crypto/peer_id.hpp"
#include "p2p/io/byte_stream.hpp"
#include "p2p/muxer/yamux/session.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>

namespace goop::p2p {

inline constexpr auto kUpgradeTimeout = std::chrono::seconds(15);

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
