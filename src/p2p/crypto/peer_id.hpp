#pragma once
// PeerId (libp2p specs: peer-ids/peer-ids.md, Peer Ids): the multihash of a protobuf-encoded
// public key: identity multihash when the encoding is at most 42 bytes (every Ed25519 key,
// giving "12D3KooW..."), sha2-256 otherwise.
//
// Text forms: legacy base58btc of the multihash (what we display), and CIDv1 with the
// libp2p-key multicodec (0x72) in base32 ("bafz...") or base36 ("k51..."; fits one DNS label,
// used for per-peer viewer origins). parse() accepts all of them.

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "p2p/crypto/keys.hpp"

#include <compare>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace goop::p2p {

inline constexpr std::uint64_t kLibp2pKeyCodec = 0x72;
inline constexpr std::size_t kMaxInlineKeyLength = 42;

class PeerId {
 public:
  static PeerId from_public_key(const Ed25519PublicKey& key);
  // Derives the ID from a protobuf-encoded public key of any type (hashing per the spec).
  static PeerId from_marshaled_key(BytesView marshaled_public_key);
  // Validates that `multihash` is an identity or sha2-256 multihash. Errors as multihash_decode.
  static Result<PeerId> from_bytes(BytesView multihash);
  // Parses base58btc ("12D3KooW...", "Qm...") or a multibase CIDv1 with codec libp2p-key.
  // Errors: Errc::kInvalidEncoding for anything else (including a CID of another codec).
  static Result<PeerId> parse(std::string_view text);

  const Bytes& bytes() const noexcept { return bytes_; }
  std::string to_base58() const;
  std::string to_cid_base32() const;
  std::string to_cid_base36() const;
  // For logs: "12D3Ko…abcdef".
  std::string short_string() const;

  // The public key inlined in an identity multihash, if it is an Ed25519 key.
  std::optional<Ed25519PublicKey> public_key() const;

  friend bool operator==(const PeerId&, const PeerId&) = default;
  friend std::strong_ordering operator<=>(const PeerId& a, const PeerId& b) {
    return a.bytes_ <=> b.bytes_;
  }

 private:
  explicit PeerId(Bytes b) : bytes_(std::move(b)) {}
  Bytes cid_bytes() const;
  Bytes bytes_;  // the multihash
};

}  // namespace goop::p2p

template <>
struct std::hash<goop::p2p::PeerId> {
  std::size_t operator()(const goop::p2p::PeerId& p) const noexcept {
    return std::hash<std::string_view>{}(goop::as_chars(p.bytes()));
  }
};
