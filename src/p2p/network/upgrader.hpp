#pragma once
// Upgrader (go-libp2p p2p/net/upgrader): turns a raw transport connection into a secured,
// multiplexed one with a proven remote identity. The Host runs it on every dialled and accepted
// connection; which security and muxer protocols it speaks is the upgrader's business
// (Goop2's: Noise + yamux, p2p/network/noise_yamux.hpp).
//
// Executor rule: the upgrade runs on the raw stream's executor. Cancellation: both calls honour
// per-operation cancellation (operation_aborted) and have their own overall deadline.

#include "base/result.hpp"
#include "p2p/crypto/keys.hpp"
#include "p2p/crypto/peer_id.hpp"
#include "p2p/io/byte_stream.hpp"
#include "p2p/muxer/muxed_connection.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>

namespace goop::p2p {

struct UpgradedConnection {
  std::unique_ptr<MuxedConnection> connection;  // not started yet
  PeerId remote;                                // proven by the security handshake
};

class Upgrader {
 public:
  virtual ~Upgrader() = default;

  // Dialer side, as `identity`. `expected` is the peer we meant to reach: a different proven
  // identity is Errc::kPeerIdMismatch. Other errors: the handshake's (kNegotiationFailed,
  // kProtocolViolation, goop::Errc::kTimeout, the raw stream's I/O errors).
  virtual boost::asio::awaitable<Result<UpgradedConnection>> upgrade_outbound(
      std::unique_ptr<ByteStream> raw, Ed25519PrivateKey identity,
      std::optional<PeerId> expected) = 0;

  // Listener side, as `identity`. Errors as upgrade_outbound, without kPeerIdMismatch.
  virtual boost::asio::awaitable<Result<UpgradedConnection>> upgrade_inbound(
      std::unique_ptr<ByteStream> raw, Ed25519PrivateKey identity) = 0;
};

}  // namespace goop::p2p
