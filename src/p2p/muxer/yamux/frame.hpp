#pragma once
// Yamux frame header codec (specs: yamux/README.md "Framing"). Pure functions over bytes, no
// I/O, so they are easy to fuzz.
//
// Wire format, 12 bytes, big-endian: version(8)=0, type(8), flags(16), stream id(32),
// length(32). For Data frames `length` payload bytes follow; for WindowUpdate it is the window
// delta, for Ping the opaque value, for GoAway the error code.

#include "base/bytes.hpp"
#include "base/result.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace goop::p2p::yamux {

inline constexpr std::string_view kProtocolId = "/yamux/1.0.0";
inline constexpr std::size_t kHeaderSize = 12;
inline constexpr std::uint8_t kVersion = 0;
// Both sides assume this window for every new stream (yamux spec: Flow Control).
inline constexpr std::uint32_t kInitialWindow = 256 * 1024;

enum class FrameType : std::uint8_t { kData = 0, kWindowUpdate = 1, kPing = 2, kGoAway = 3 };

// Flag bits (yamux spec: Flag Field). Unknown bits are ignored on receipt, like go-yamux.
enum Flag : std::uint16_t { kSyn = 1, kAck = 2, kFin = 4, kRst = 8 };

enum class GoAwayCode : std::uint32_t { kNormal = 0, kProtocolError = 1, kInternalError = 2 };

struct Header {
  FrameType type = FrameType::kData;
  std::uint16_t flags = 0;
  std::uint32_t stream_id = 0;
  std::uint32_t length = 0;

  bool has(Flag f) const noexcept { return (flags & f) != 0; }
  friend bool operator==(const Header&, const Header&) = default;
};

using EncodedHeader = std::array<std::uint8_t, kHeaderSize>;

EncodedHeader encode_header(const Header& h) noexcept;

// Decodes the first 12 bytes of `in` and checks that the frame is well-formed on its own:
// version 0, a known type, Data/WindowUpdate on a non-zero stream id, Ping/GoAway on stream 0.
// Errors: Errc::kTruncated if `in` is shorter than 12 bytes; Errc::kProtocolViolation
// otherwise. Whether a Data length fits the receive window is the session's check.
Result<Header> decode_header(BytesView in) noexcept;

}  // namespace goop::p2p::yamux
