#pragma once
// multihash (github.com/multiformats/multihash): <varint code><varint length><digest>.
// Only the two codes libp2p peer IDs use are decoded: identity (0x00) and sha2-256 (0x12).

#include "base/bytes.hpp"
#include "base/result.hpp"

#include <cstdint>

namespace goop::p2p {

inline constexpr std::uint64_t kMultihashIdentity = 0x00;
inline constexpr std::uint64_t kMultihashSha256 = 0x12;
// Identity digests longer than this are refused (libp2p inlines keys of at most 42 bytes).
inline constexpr std::size_t kMaxIdentityDigest = 128;

struct Multihash {
  std::uint64_t code = kMultihashIdentity;
  Bytes digest;
};

Bytes multihash_encode(std::uint64_t code, BytesView digest);
Bytes multihash_identity(BytesView data);
Bytes multihash_sha256(BytesView data);

// Decodes a complete multihash; trailing bytes are an error. Errors: Errc::kUnknownProtocolCode
// for another hash code, Errc::kInvalidEncoding for a bad length (sha2-256 must be 32 bytes),
// Errc::kTruncated if `in` is short.
Result<Multihash> multihash_decode(BytesView in);

}  // namespace goop::p2p
