#pragma once
// libp2p Noise secure channel, protocol "/noise" (libp2p specs: noise/README.md):
// Noise_XX_25519_ChaChaPoly_SHA256 with an empty prologue, 2-byte big-endian framed messages,
// and the libp2p handshake payload binding the static Noise key to the Ed25519 identity key.
//
// Message 1 (initiator) carries no payload; message 2 carries the responder's payload, message 3
// the initiator's. Each side verifies the remote's identity signature over its static key. Early
// muxer negotiation (connections/inlined-muxer-negotiation.md): each side may list muxers in
// extensions.stream_muxers; we only report the remote's list, choosing is the upgrader's job.
//
// Both entry points run on the raw stream's executor, own `raw` (it is reset and destroyed on
// failure), and complete within kHandshakeTimeout: on expiry they return goop::Errc::kTimeout
// (from with_timeout). Cancelling the awaiting coroutine cancels the handshake.

#include "base/result.hpp"
#include "p2p/crypto/keys.hpp"
#include "p2p/crypto/peer_id.hpp"
#include "p2p/io/byte_stream.hpp"
#include "p2p/security/noise/secure_stream.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goop::p2p::noise {

inline constexpr std::string_view kProtocolId = "/noise";
inline constexpr std::chrono::seconds kHandshakeTimeout{10};

struct Options {
  // Our early-data muxer list, in preference order (e.g. {"/yamux/1.0.0"}); empty = send no
  // extensions at all.
  std::vector<std::string> muxers;
  // Deadline for the whole handshake (tests shorten it).
  std::chrono::steady_clock::duration timeout = kHandshakeTimeout;
};

struct SecureConnection {
  std::unique_ptr<SecureStream> stream;
  PeerId remote_peer;
  // The remote's extensions.stream_muxers (empty if it sent none).
  std::vector<std::string> remote_muxers;
};

// Runs the handshake as initiator (the dialer). Errors:
//   Errc::kPeerIdMismatch      the remote proved an identity other than `expected_remote`
//                              (checked before we send message 3, so it learns nothing of ours);
//   Errc::kUnsupportedKeyType  the remote identity key is not Ed25519;
//   Errc::kInvalidSignature    its identity signature does not cover its static key;
//   Errc::kProtocolViolation   a malformed or unauthenticated handshake message;
//   Errc::kInvalidEncoding / kTruncated  a malformed payload;
//   goop::Errc::kTooLarge      a payload field over its cap;
//   goop::Errc::kTimeout       kHandshakeTimeout (Options::timeout) passed;
//   errors of the raw stream (kEndOfStream, kStreamReset, ...).
boost::asio::awaitable<Result<SecureConnection>> secure_outbound(
    std::unique_ptr<ByteStream> raw, Ed25519PrivateKey identity,
    std::optional<PeerId> expected_remote, Options options = {});

// Runs the handshake as responder (the listener). Errors as secure_outbound, without
// kPeerIdMismatch.
boost::asio::awaitable<Result<SecureConnection>> secure_inbound(std::unique_ptr<ByteStream> raw,
                                                                Ed25519PrivateKey identity,
                                                                Options options = {});

}  // namespace goop::p2p::noise
