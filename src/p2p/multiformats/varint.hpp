#pragma once
// multiformats unsigned-varint (github.com/multiformats/unsigned-varint): little-endian base-128,
// at most 9 bytes (63 bits), minimal encoding required.

#include "base/bytes.hpp"
#include "base/result.hpp"

#include <cstddef>
#include <cstdint>

namespace goop::p2p {

inline constexpr std::size_t kMaxVarintBytes = 9;

void append_uvarint(Bytes& out, std::uint64_t v);
std::size_t uvarint_size(std::uint64_t v) noexcept;

struct Uvarint {
  std::uint64_t value;
  std::size_t size;  // bytes consumed
};

// Decodes one varint at the start of `in`. Errors: Errc::kTruncated if `in` ends before the
// last byte (more input may complete it), Errc::kInvalidEncoding if it is longer than 9 bytes
// or not minimally encoded.
Result<Uvarint> decode_uvarint(BytesView in) noexcept;

}  // namespace goop::p2p
