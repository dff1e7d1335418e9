#include "p2p/multiformats/varint.hpp"

#include "p2p/errors.hpp"

namespace goop::p2p {

void append_uvarint(Bytes& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}

std::size_t uvarint_size(std::uint64_t v) noexcept {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

Result<Uvarint> decode_uvarint(BytesView in) noexcept {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (i == kMaxVarintBytes) return make_error_code(Errc::kInvalidEncoding);
    const std::uint8_t b = in[i];
    value |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      if (b == 0 && i > 0) return make_error_code(Errc::kInvalidEncoding);  // not minimal
      return Uvarint{value, i + 1};
    }
  }
  if (in.size() >= kMaxVarintBytes) return make_error_code(Errc::kInvalidEncoding);
  return make_error_code(Errc::kTruncated);
}

}  // namespace goop::p2p
