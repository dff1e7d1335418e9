#pragma once
// Byte buffers and hex helpers.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace goop {

using Bytes = std::vector<std::uint8_t>;
using BytesView = std::span<const std::uint8_t>;

inline BytesView as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_chars(BytesView b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Lower-case hex of `b`.
std::string to_hex(BytesView b);
// Parses hex (either case); nullopt on odd length or a non-hex character.
std::optional<Bytes> from_hex(std::string_view hex);

}  // namespace goop
