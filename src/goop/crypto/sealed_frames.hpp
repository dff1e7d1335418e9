#pragma once
// The sealed wire forms of /goop/site/1.0.0 and /goop/avatar/1.0.0 (spec/net.md §4.0, §4.2,
// §4.4), byte-compatible with the Go peers:
//
//   site request   "ENC:<b64>\n"                 b64 = seal("GET <path>"), no LF inside
//   site response  "EOK <mime> <len>\n<b64>"     len = length of the b64 text
//   avatar         "EOK <len>\n<b64>"
//
// `ERR` and `NONE` lines are never sealed. Pure parsing and formatting, no I/O, so each parser is
// fuzzed on its own (fuzz/sealed_frames_fuzz.cpp); thread-safe. Lines are passed without their
// LF and trimmed of ASCII whitespace at both ends, as the Go peers do and as goop/content's
// plaintext parsers do. The body after an EOK head is read by the caller (exactly `size` bytes)
// and opened with crypto::open() (or Sealer::open_from()).

#include "base/result.hpp"
#include "goop/crypto/nacl_box.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace goop::crypto {

inline constexpr std::string_view kSealedRequestPrefix = "ENC:";
// The longest plaintext request line the site responder accepts (content::kMaxSiteRequestLine).
inline constexpr std::size_t kMaxSealedRequestPlaintext = 4096;
// The longest "ENC:<b64>" request line (LF excluded) the responder reads: one that carries a
// request line of kMaxSealedRequestPlaintext bytes (5520 characters).
inline constexpr std::size_t kMaxSealedRequestLine =
    kSealedRequestPrefix.size() + sealed_text_size(kMaxSealedRequestPlaintext);
// The largest sealed bodies a client reads, as the Go client: site 100 MiB, avatar 2 MiB (of
// base64 text; the sealer may buffer them whole).
inline constexpr std::uint64_t kMaxSealedSiteBody = 100ull * 1024 * 1024;
inline constexpr std::uint64_t kMaxSealedAvatarBody = 2ull * 1024 * 1024;
// The shortest sealed body there can be: an empty plaintext (nonce and MAC only).
inline constexpr std::uint64_t kMinSealedBody = sealed_text_size(0);

// --- site request (responder side) ---

// Whether `line` (trimmed) is a sealed request line, i.e. starts with "ENC:".
bool is_sealed_request_line(std::string_view line);

// The base64 text of a sealed request line (a view into `line`), to pass to open(). Errors:
//   goop::Errc::kTooLarge     the trimmed line is longer than `max_line` (checked first);
//   crypto::Errc::kBadFrame   no "ENC:" prefix, or nothing after it.
// Go answers any failure here or in open() with "ERR bad request"; so should the caller.
Expected<std::string_view> parse_sealed_request_line(std::string_view line,
                                                     std::size_t max_line = kMaxSealedRequestLine);

// "ENC:<sealed_b64>\n". `sealed_b64` is what seal() returned.
std::string format_sealed_request_line(std::string_view sealed_b64);

// --- site response (client side) ---

struct SealedSiteHead {
  std::string mime;    // may contain spaces ("text/html; charset=utf-8"); never empty
  std::uint64_t size;  // length of the base64 body, kMinSealedBody..max_size, a multiple of 4
};

// Parses "EOK <mime> <size>" as the Go client does: MIME = the trimmed text between "EOK " and
// the LAST space, size = the last token (ASCII decimal, an optional sign as Go's Atoi). Errors:
//   goop::Errc::kTooLarge     size < 0 or > `max_size` ("refusing size N (the limit is M bytes)");
//   crypto::Errc::kBadFrame   no "EOK " prefix, no MIME (or one with control characters), a size
//                             that is not a number, or one no sealed text can have (below
//                             kMinSealedBody or not a multiple of 4).
// Messages quote the remote line with control characters escaped and do not name the peer.
Expected<SealedSiteHead> parse_sealed_site_head(std::string_view line,
                                                std::uint64_t max_size = kMaxSealedSiteBody);

// "EOK <mime> <len>\n<sealed_b64>": the whole response. `mime` must not contain control
// characters (checked: a programming error).
std::string format_sealed_site_response(std::string_view mime, std::string_view sealed_b64);

// --- avatar response (client side) ---

// Parses "EOK <size>" (avatar). Returns the length of the base64 body. Errors as
// parse_sealed_site_head (no MIME here; "EOK" followed by anything but a number is kBadFrame).
Expected<std::uint64_t> parse_sealed_avatar_head(std::string_view line,
                                                 std::uint64_t max_size = kMaxSealedAvatarBody);

// "EOK <len>\n<sealed_b64>": the whole avatar response.
std::string format_sealed_avatar_response(std::string_view sealed_b64);

}  // namespace goop::crypto
