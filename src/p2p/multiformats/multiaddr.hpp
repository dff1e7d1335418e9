#pragma once
// Multiaddr (github.com/multiformats/multiaddr; codes from multicodec table.csv): a
// self-describing network address such as "/ip4/1.2.3.4/tcp/4001/p2p/12D3KooW...".
//
// Binary form: repeated (uvarint protocol code, value). A value is fixed-size (ip4 4 bytes,
// ip6 16, tcp/udp/dccp/sctp 2 big-endian, memory 8 big-endian), absent (ws, tls, noise,
// p2p-circuit, quic-v1, ...), or uvarint length + bytes (dns*, sni, ip6zone, unix, p2p, certhash).
//
// Text form: "/name/value" per component. Value texts: ip4 dotted decimal; ip6 RFC 5952 (with
// "::ffff:a.b.c.d" for IPv4-mapped, as go-multiaddr prints); ports decimal without leading
// zeros; memory (rust-libp2p's in-process transport, multicodec 0x0309) a decimal u64; p2p
// base58btc (parse also takes a CIDv1 "bafz..."/"k51...", and "/ipfs/" as an alias of
// "/p2p/"); certhash multibase (we print base64url 'u' as js does; parse takes 'u', 'z', 'b',
// 'k'); unix is a path protocol and takes the rest of the string ("/unix/tmp/x.sock" has value
// "/tmp/x.sock", as go prints it; js v13's single percent-encoded segment "/unix/%2Ftmp%2Fx.sock"
// is also accepted). A p2p value must be an identity or sha2-256 multihash (a valid PeerId).
//
// Canonical forms round-trip exactly: from_bytes(b).bytes() == b, and parse(m.to_string()) == m.
// A Multiaddr is an immutable value type; copying is cheap enough for addresses (≤ 1 KiB).

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "p2p/crypto/peer_id.hpp"

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goop::p2p {

// Protocol codes (multicodec table.csv, tag "multiaddr").
namespace ma {
inline constexpr std::uint32_t kIp4 = 0x04;
inline constexpr std::uint32_t kTcp = 0x06;
inline constexpr std::uint32_t kDccp = 0x21;
inline constexpr std::uint32_t kIp6 = 0x29;
inline constexpr std::uint32_t kIp6Zone = 0x2a;
inline constexpr std::uint32_t kDns = 0x35;
inline constexpr std::uint32_t kDns4 = 0x36;
inline constexpr std::uint32_t kDns6 = 0x37;
inline constexpr std::uint32_t kDnsAddr = 0x38;
inline constexpr std::uint32_t kSctp = 0x84;
inline constexpr std::uint32_t kUdp = 0x0111;
inline constexpr std::uint32_t kWebRtcDirect = 0x0118;
inline constexpr std::uint32_t kWebRtc = 0x0119;
inline constexpr std::uint32_t kP2pCircuit = 0x0122;
inline constexpr std::uint32_t kUnix = 0x0190;
inline constexpr std::uint32_t kP2p = 0x01a5;
inline constexpr std::uint32_t kHttps = 0x01bb;
inline constexpr std::uint32_t kTls = 0x01c0;
inline constexpr std::uint32_t kSni = 0x01c1;
inline constexpr std::uint32_t kNoise = 0x01c6;
inline constexpr std::uint32_t kQuic = 0x01cc;
inline constexpr std::uint32_t kQuicV1 = 0x01cd;
inline constexpr std::uint32_t kWebTransport = 0x01d1;
inline constexpr std::uint32_t kCertHash = 0x01d2;
inline constexpr std::uint32_t kWs = 0x01dd;
inline constexpr std::uint32_t kWss = 0x01de;
inline constexpr std::uint32_t kHttp = 0x01e0;
inline constexpr std::uint32_t kMemory = 0x0309;
}  // namespace ma

// Size caps: larger inputs are refused with Errc::kTooLarge before any decoding. The text cap
// fits the text of any binary multiaddr within kMaxMultiaddrBytes (a valueless protocol such as
// "/webrtc-direct" prints 7 characters per binary byte), so every decoded address re-parses.
inline constexpr std::size_t kMaxMultiaddrBytes = 1024;
inline constexpr std::size_t kMaxMultiaddrText = 8 * 1024;

// What the codec knows about one protocol.
struct MultiaddrProtocol {
  std::uint32_t code;
  std::string_view name;
  int size;           // value size in bytes: > 0 fixed, 0 none, kVariableSize length-prefixed
  bool path = false;  // the value is the rest of the text address (unix)
  static constexpr int kVariableSize = -1;
};
// nullptr for unknown codes/names. Names include the alias "ipfs" (→ p2p).
const MultiaddrProtocol* find_multiaddr_protocol(std::uint64_t code) noexcept;
const MultiaddrProtocol* find_multiaddr_protocol(std::string_view name) noexcept;

// One (protocol, value) pair; `value` is the binary value without its length prefix.
struct MultiaddrComponent {
  std::uint32_t code = 0;
  Bytes value;

  std::string_view name() const;     // "" if the code is unknown (cannot happen for parsed ones)
  std::string value_string() const;  // the text form of the value ("" for valueless protocols)
  friend bool operator==(const MultiaddrComponent&, const MultiaddrComponent&) = default;
};

class Multiaddr {
 public:
  // The empty multiaddr: no components, bytes() empty, to_string() == "/".
  Multiaddr() = default;

  // Parses the text form. "/" gives the empty multiaddr; one trailing '/' is tolerated.
  // Errors: Errc::kTooLarge above kMaxMultiaddrText; Errc::kUnknownProtocolCode for an unknown
  // protocol name; Errc::kInvalidEncoding for anything else malformed (missing or bad value,
  // no leading '/').
  static Result<Multiaddr> parse(std::string_view text);
  // Decodes the binary form. Errors: Errc::kTooLarge above kMaxMultiaddrBytes;
  // Errc::kUnknownProtocolCode for an unknown code; Errc::kInvalidEncoding for a bad varint,
  // a truncated value, a component after a path protocol (unix) or an invalid value (a p2p value
  // that is no PeerId multihash, an empty dns name or one containing '/').
  static Result<Multiaddr> from_bytes(BytesView bytes);

  const Bytes& bytes() const noexcept { return bytes_; }
  std::string to_string() const;
  const std::vector<MultiaddrComponent>& components() const noexcept { return components_; }
  bool empty() const noexcept { return components_.empty(); }

  // The first component's value with this code, if any.
  std::optional<MultiaddrComponent> first(std::uint32_t code) const;

  // this ++ other. Errors: Errc::kTooLarge if the result exceeds kMaxMultiaddrBytes;
  // Errc::kInvalidEncoding if this ends in a path protocol (unix), which must come last.
  Result<Multiaddr> encapsulate(const Multiaddr& other) const;
  // Removes the last occurrence of `suffix` (as a component sequence) and everything after it
  // (go-multiaddr Decapsulate). Returns *this unchanged if `suffix` does not occur or is empty.
  Multiaddr decapsulate(const Multiaddr& suffix) const;
  // Removes the last component with `code` and everything after it; unchanged if none.
  Multiaddr decapsulate_code(std::uint32_t code) const;

  // The value of a trailing /p2p/ component as a PeerId (nullopt if the last component is not
  // p2p).
  std::optional<PeerId> peer_id() const;
  // This address ending in /p2p/<id>: replaces a trailing p2p component, otherwise appends one.
  // Errors as encapsulate.
  Result<Multiaddr> with_peer_id(const PeerId& id) const;
  // This address without a trailing /p2p/ component.
  Multiaddr without_peer_id() const;

  friend bool operator==(const Multiaddr& a, const Multiaddr& b) { return a.bytes_ == b.bytes_; }
  friend std::strong_ordering operator<=>(const Multiaddr& a, const Multiaddr& b) {
    return a.bytes_ <=> b.bytes_;
  }

 private:
  bool ends_in_path() const noexcept;
  // Appends a component whose value is already validated, updating bytes_.
  void push(MultiaddrComponent c);

  std::vector<MultiaddrComponent> components_;
  Bytes bytes_;  // the binary form of components_
};

}  // namespace goop::p2p

template <>
struct std::hash<goop::p2p::Multiaddr> {
  std::size_t operator()(const goop::p2p::Multiaddr& m) const noexcept {
    return std::hash<std::string_view>{}(goop::as_chars(m.bytes()));
  }
};
