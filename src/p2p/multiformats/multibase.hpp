#pragma once
// multibase (github.com/multiformats/multibase): the three encodings libp2p text forms use.
//   base58btc  prefix 'z'  (bare, without prefix, in legacy peer IDs "12D3KooW...")
//   base32     prefix 'b'  RFC 4648 lower case, no padding (CIDv1 default)
//   base36     prefix 'k'  lower case (peer IDs in DNS labels)
// Decoders accept at most kMaxMultibaseText characters: base58/base36 decoding is quadratic.

#include "base/bytes.hpp"
#include "base/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace goop::p2p {

inline constexpr std::size_t kMaxMultibaseText = 4096;

enum class Multibase : char { kBase58Btc = 'z', kBase32 = 'b', kBase36 = 'k' };

std::string base58btc_encode(BytesView in);
Result<Bytes> base58btc_decode(std::string_view text);

std::string base32_encode(BytesView in);             // lower case, no padding
Result<Bytes> base32_decode(std::string_view text);  // either case, no padding

std::string base36_encode(BytesView in);             // lower case
Result<Bytes> base36_decode(std::string_view text);  // either case

// With the one-character prefix.
std::string multibase_encode(Multibase base, BytesView in);

struct MultibaseDecoded {
  Multibase base;
  Bytes bytes;
};
// Errors: Errc::kInvalidEncoding for an empty string, an unsupported prefix (including the
// upper-case variants 'B', 'K', 'Z' which we do not emit but decode), or a bad character;
// goop::Errc::kTooLarge above kMaxMultibaseText.
Result<MultibaseDecoded> multibase_decode(std::string_view text);

}  // namespace goop::p2p
