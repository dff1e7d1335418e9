#include "p2p/multiformats/detail/multiaddr_values.hpp"

#include "p2p/crypto/peer_id.hpp"
#include "p2p/errors.hpp"
#include "p2p/multiformats/multibase.hpp"
#include "p2p/multiformats/varint.hpp"

#include <boost/asio/ip/address_v6.hpp>
#include <fmt/core.h>

#include <array>
#include <charconv>

namespace goop::p2p::detail {
namespace {

error_code invalid() { return make_error_code(Errc::kInvalidEncoding); }

// Decimal without sign or leading zeros, at most `max`.
std::optional<unsigned> parse_decimal(std::string_view s, unsigned max) {
  if (s.empty() || s.size() > 5 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

// memory: a decimal u64 without sign or leading zeros, stored as 8 bytes big-endian
// (rust-libp2p's Protocol::Memory).
Result<Bytes> memory_from_text(std::string_view s) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return invalid();
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return invalid();
  Bytes out(8);
  for (int i = 7; i >= 0; --i, v >>= 8)
    out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v & 0xff);
  return out;
}

std::string memory_to_text(BytesView v) {
  std::uint64_t n = 0;
  for (std::uint8_t b : v) n = (n << 8) | b;
  return std::to_string(n);
}

Result<Bytes> ip4_from_text(std::string_view s) {
  Bytes out;
  for (int i = 0; i < 4; ++i) {
    const auto dot = s.find('.');
    if ((i < 3) != (dot != std::string_view::npos)) return invalid();
    auto octet = parse_decimal(s.substr(0, dot), 255);
    if (!octet) return invalid();
    out.push_back(static_cast<std::uint8_t>(*octet));
    s = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  }
  return out;
}

Result<Bytes> ip6_from_text(std::string_view s) {
  // inet_pton rules via Asio; a scope ("%eth0") belongs in /ip6zone/, not here.
  if (s.empty() || s.size() > 45 || s.find('%') != std::string_view::npos) return invalid();
  boost::system::error_code ec;
  const auto addr = boost::asio::ip::make_address_v6(std::string(s), ec);
  if (ec) return invalid();
  const auto b = addr.to_bytes();
  return Bytes(b.begin(), b.end());
}

// A name-like string value (dns*, sni, ip6zone): non-empty and without '/'.
bool valid_name(std::string_view s) { return !s.empty() && s.find('/') == std::string_view::npos; }

// multihash structure only: <varint code><varint len><len bytes>, nothing after.
bool is_multihash_shaped(BytesView v) {
  auto code = decode_uvarint(v);
  if (!code) return false;
  v = v.subspan(code->size);
  auto len = decode_uvarint(v);
  if (!len) return false;
  return len->value == v.size() - len->size;
}

constexpr std::string_view kB64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url_encode(BytesView in) {
  std::string out;
  out.reserve((in.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const unsigned n = (unsigned{in[i]} << 16) | (unsigned{in[i + 1]} << 8) | in[i + 2];
    for (int k = 3; k >= 0; --k) out.push_back(kB64Url[(n >> (6 * k)) & 63]);
  }
  const std::size_t rest = in.size() - i;
  if (rest > 0) {
    unsigned n = unsigned{in[i]} << 16;
    if (rest == 2) n |= unsigned{in[i + 1]} << 8;
    out.push_back(kB64Url[(n >> 18) & 63]);
    out.push_back(kB64Url[(n >> 12) & 63]);
    if (rest == 2) out.push_back(kB64Url[(n >> 6) & 63]);
  }
  return out;
}

// Unpadded base64url; unused trailing bits must be zero (so the text form is unique).
Result<Bytes> base64url_decode(std::string_view s) {
  if (s.size() % 4 == 1) return invalid();
  std::array<int, 256> value;
  value.fill(-1);
  for (std::size_t i = 0; i < kB64Url.size(); ++i) {
    value[static_cast<unsigned char>(kB64Url[i])] = static_cast<int>(i);
  }
  Bytes out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : s) {
    const int v = value[static_cast<unsigned char>(c)];
    if (v < 0) return invalid();
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) return invalid();
  return out;
}

Result<Bytes> certhash_from_text(std::string_view s) {
  Bytes raw;
  if (!s.empty() && s[0] == 'u') {
    GOOP_TRY(raw, base64url_decode(s.substr(1)));
  } else {
    auto mb = multibase_decode(s);
    if (!mb) return invalid();
    raw = std::move(mb->bytes);
  }
  if (!is_multihash_shaped(raw)) return invalid();
  return raw;
}

}  // namespace

std::string ip6_to_text(BytesView a) {
  std::array<unsigned, 8> g{};
  for (std::size_t i = 0; i < 8; ++i) g[i] = (unsigned{a[2 * i]} << 8) | a[2 * i + 1];
  if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff) {
    return fmt::format("::ffff:{}.{}.{}.{}", a[12], a[13], a[14], a[15]);
  }
  // Longest run of at least two zero groups, the first one on a tie (RFC 5952 §4.2).
  std::size_t best = 8, best_len = 1;
  for (std::size_t i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out;
  for (std::size_t i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += fmt::format("{:x}", g[i]);
  }
  return out;
}

Result<Bytes> value_from_text(const MultiaddrProtocol& p, std::string_view s) {
  switch (p.code) {
    case ma::kIp4:
      return ip4_from_text(s);
    case ma::kIp6:
      return ip6_from_text(s);
    case ma::kTcp:
    case ma::kUdp:
    case ma::kDccp:
    case ma::kSctp: {
      auto port = parse_decimal(s, 65535);
      if (!port) return invalid();
      return Bytes{static_cast<std::uint8_t>(*port >> 8), static_cast<std::uint8_t>(*port & 0xff)};
    }
    case ma::kP2p: {
      auto id = PeerId::parse(s);
      if (!id) return invalid();
      return id->bytes();
    }
    case ma::kCertHash:
      return certhash_from_text(s);
    case ma::kMemory:
      return memory_from_text(s);
    case ma::kUnix:
      if (s.empty() || s[0] != '/') return invalid();
      return Bytes(as_bytes(s).begin(), as_bytes(s).end());
    default:
      break;
  }
  if (p.size != MultiaddrProtocol::kVariableSize || !valid_name(s)) return invalid();
  return Bytes(as_bytes(s).begin(), as_bytes(s).end());
}

Result<std::string> value_to_text(const MultiaddrProtocol& p, BytesView v) {
  switch (p.code) {
    case ma::kIp4:
      return fmt::format("{}.{}.{}.{}", v[0], v[1], v[2], v[3]);
    case ma::kIp6:
      return ip6_to_text(v);
    case ma::kTcp:
    case ma::kUdp:
    case ma::kDccp:
    case ma::kSctp:
      return std::to_string((unsigned{v[0]} << 8) | v[1]);
    case ma::kP2p: {
      auto id = PeerId::from_bytes(v);
      if (!id) return invalid();
      return id->to_base58();
    }
    case ma::kCertHash:
      if (!is_multihash_shaped(v)) return invalid();
      return "u" + base64url_encode(v);
    case ma::kUnix:
      if (v.empty() || v[0] != '/') return invalid();
      return std::string(as_chars(v));
    case ma::kMemory:
      return memory_to_text(v);
    default:
      break;
  }
  if (p.size == 0) return std::string();
  if (p.size != MultiaddrProtocol::kVariableSize || !valid_name(as_chars(v))) return invalid();
  return std::string(as_chars(v));
}

}  // namespace goop::p2p::detail
