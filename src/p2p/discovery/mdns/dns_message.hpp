#pragma once
// DNS message codec for multicast DNS (RFC 1035 §4, RFC 6762): header, questions and resource
// records of the types mDNS discovery uses (PTR, TXT, SRV, A, AAAA); any other type keeps its
// raw rdata. Pure functions over bytes, no I/O (fuzz target fuzz/mdns_message_fuzz.cpp).
//
// Names are held as text without the trailing dot ("_p2p._udp.local"). A '.' or '\' inside a
// label is escaped as "\." / "\\" in the text form; encode() understands the same escapes.
// Names compare case-insensitively on the wire (RFC 1035 §2.3.3): use names_equal().
//
// Decoding follows compression pointers (RFC 1035 §4.1.4) only backwards and at most
// kMaxPointerHops times per name, so loops are impossible; names are capped at 255 wire bytes,
// labels at 63, TXT strings at 255, packets at kMaxMessageSize. encode() never compresses.

#include "base/bytes.hpp"
#include "base/result.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace goop::p2p::mdns {

// mDNS allows messages up to the 9000-byte jumbo size (RFC 6762 §17).
inline constexpr std::size_t kMaxMessageSize = 9000;
inline constexpr std::size_t kMaxNameWireLength = 255;
inline constexpr std::size_t kMaxLabelLength = 63;
inline constexpr std::size_t kMaxTxtStringLength = 255;
inline constexpr int kMaxPointerHops = 32;

namespace rr_type {
inline constexpr std::uint16_t kA = 1;
inline constexpr std::uint16_t kPtr = 12;
inline constexpr std::uint16_t kTxt = 16;
inline constexpr std::uint16_t kAaaa = 28;
inline constexpr std::uint16_t kSrv = 33;
inline constexpr std::uint16_t kAny = 255;
}  // namespace rr_type

inline constexpr std::uint16_t kClassIn = 1;
// Header flag: QR (this message is a response). With AA, what mDNS responders send.
inline constexpr std::uint16_t kFlagResponse = 0x8000;
inline constexpr std::uint16_t kFlagAuthoritative = 0x0400;

struct Question {
  std::string name;
  std::uint16_t type = rr_type::kPtr;
  std::uint16_t qclass = kClassIn;  // low 15 bits
  bool unicast_response = false;    // the QU bit (top bit of the class, RFC 6762 §5.4)
  friend bool operator==(const Question&, const Question&) = default;
};

struct SrvData {
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
  std::uint16_t port = 0;
  std::string target;
  friend bool operator==(const SrvData&, const SrvData&) = default;
};

// One resource record. Which data field is meaningful depends on `type`:
// kPtr → ptr, kTxt → txt, kSrv → srv, kA → a, kAaaa → aaaa, anything else → raw.
struct ResourceRecord {
  std::string name;
  std::uint16_t type = rr_type::kPtr;
  std::uint16_t rclass = kClassIn;  // low 15 bits
  bool cache_flush = false;         // top bit of the class (RFC 6762 §10.2)
  std::uint32_t ttl = 0;
  std::string ptr;
  std::vector<std::string> txt;  // each string at most 255 bytes
  SrvData srv;
  std::array<std::uint8_t, 4> a{};
  std::array<std::uint8_t, 16> aaaa{};
  Bytes raw;
  friend bool operator==(const ResourceRecord&, const ResourceRecord&) = default;
};

struct Message {
  std::uint16_t id = 0;  // 0 in multicast mDNS
  std::uint16_t flags = 0;
  std::vector<Question> questions;
  std::vector<ResourceRecord> answers;
  std::vector<ResourceRecord> authorities;
  std::vector<ResourceRecord> additionals;

  bool is_response() const noexcept { return (flags & kFlagResponse) != 0; }
  friend bool operator==(const Message&, const Message&) = default;
};

// Encodes `m` without name compression. Errors: Errc::kInvalidEncoding for an empty or
// over-long label, a name over 255 wire bytes, a TXT string over 255 bytes;
// goop::Errc::kTooLarge if the message exceeds kMaxMessageSize or a section holds
// more than 65535 entries.
Result<Bytes> encode(const Message& m);

// Decodes one message. Errors: goop::Errc::kTooLarge above kMaxMessageSize; Errc::kTruncated when
// the input ends inside the header, a name or a record; Errc::kInvalidEncoding for a bad label
// type, a forward or looping compression pointer, a name or label over its cap, an rdata whose
// length does not match its type (A not 4 bytes, a PTR/SRV name not filling rdlength, ...).
// Trailing bytes after the last record are ignored.
Result<Message> decode(BytesView bytes);

// Case-insensitive (ASCII) comparison of two names in text form; a trailing '.' is ignored.
bool names_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace goop::p2p::mdns
