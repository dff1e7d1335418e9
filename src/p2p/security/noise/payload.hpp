#pragma once
// The libp2p Noise handshake payload (libp2p noise spec: The libp2p Handshake Payload) and the
// identity proof it carries:
//
//   message NoiseExtensions {
//     repeated bytes webtransport_certhashes = 1;
//     repeated string stream_muxers = 2;
//   }
//   message NoiseHandshakePayload {
//     bytes identity_key = 1;      // protobuf PublicKey of the libp2p identity
//     bytes identity_sig = 2;      // sign(identity, "noise-libp2p-static-key:" || static key)
//     NoiseExtensions extensions = 4;
//   }
//
// Pure functions over bytes (fuzzed by fuzz/noise_payload_fuzz.cpp).

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "p2p/crypto/keys.hpp"
#include "p2p/crypto/peer_id.hpp"
#include "p2p/security/noise/primitives.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goop::p2p::noise {

inline constexpr std::string_view kStaticKeySignaturePrefix = "noise-libp2p-static-key:";

// Decoder caps. A payload must fit one Noise message; lists and entries are bounded so a
// hostile payload cannot make us allocate much beyond its own size.
inline constexpr std::size_t kMaxPayloadSize = 65535;
inline constexpr std::size_t kMaxSignatureSize = 1024;   // RSA-4096 signatures are 512 bytes
inline constexpr std::size_t kMaxExtensionEntries = 64;  // per repeated field
inline constexpr std::size_t kMaxExtensionEntrySize = 1024;

struct NoiseExtensions {
  std::vector<Bytes> webtransport_certhashes;
  std::vector<std::string> stream_muxers;
  friend bool operator==(const NoiseExtensions&, const NoiseExtensions&) = default;
};

struct HandshakePayload {
  Bytes identity_key;
  Bytes identity_sig;
  std::optional<NoiseExtensions> extensions;
  friend bool operator==(const HandshakePayload&, const HandshakePayload&) = default;
};

// Encodes fields in number order; empty bytes fields and an absent extensions message are
// omitted (proto3 semantics).
Bytes encode_payload(const HandshakePayload& p);

// Errors: goop::Errc::kTooLarge over kMaxPayloadSize, or an identity_key over kMaxKeyMessage, a
// signature over kMaxSignatureSize, more than kMaxExtensionEntries entries or an entry over
// kMaxExtensionEntrySize; Errc::kInvalidEncoding / kTruncated for malformed protobuf or a
// field with the wrong wire type. Unknown fields are skipped; a repeated singular field keeps
// the last value; repeated `extensions` messages merge (protobuf rules).
Result<HandshakePayload> decode_payload(BytesView in);

// Builds our payload: identity key, signature over the prefix || `static_key`, and the muxer
// list as extensions (no extensions message at all if `muxers` is empty).
HandshakePayload make_payload(const Ed25519PrivateKey& identity, const DhPublic& static_key,
                              const std::vector<std::string>& muxers);

// Checks a remote payload against the static key the handshake proved, and returns the peer
// ID of its identity key. Errors: Errc::kUnsupportedKeyType for a non-Ed25519 identity,
// kInvalidEncoding / kInvalidKey / goop::Errc::kTooLarge for a malformed key, kInvalidSignature if
// the signature does not cover `remote_static`.
Result<PeerId> verify_payload(const HandshakePayload& p, const DhPublic& remote_static);

}  // namespace goop::p2p::noise
