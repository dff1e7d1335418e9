#include "p2p/muxer/yamux/frame.hpp"

#include "p2p/errors.hpp"

namespace goop::p2p::yamux {
namespace {

void put_u16(std::uint8_t* p, std::uint16_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

void put_u32(std::uint8_t* p, std::uint32_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

std::uint32_t get_u32(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

}  // namespace

EncodedHeader encode_header(const Header& h) noexcept {
  EncodedHeader out{};
  out[0] = kVersion;
  out[1] = static_cast<std::uint8_t>(h.type);
  put_u16(&out[2], h.flags);
  put_u32(&out[4], h.stream_id);
  put_u32(&out[8], h.length);
  return out;
}

Result<Header> decode_header(BytesView in) noexcept {
  if (in.size() < kHeaderSize) return make_error_code(Errc::kTruncated);
  if (in[0] != kVersion) return make_error_code(Errc::kProtocolViolation);
  if (in[1] > static_cast<std::uint8_t>(FrameType::kGoAway)) {
    return make_error_code(Errc::kProtocolViolation);
  }
  Header h;
  h.type = static_cast<FrameType>(in[1]);
  h.flags = static_cast<std::uint16_t>((in[2] << 8) | in[3]);
  h.stream_id = get_u32(&in[4]);
  h.length = get_u32(&in[8]);
  const bool session_frame = h.type == FrameType::kPing || h.type == FrameType::kGoAway;
  if (session_frame != (h.stream_id == 0)) return make_error_code(Errc::kProtocolViolation);
  return h;
}

}  // namespace goop::p2p::yamux
