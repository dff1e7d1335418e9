#pragma once
// Pure parsing for /goop/site/1.0.0 and /goop/avatar/1.0.0 (spec/net.md §4.2, §4.4): request
// lines, request paths, and response header lines. No I/O, so each is fuzzed on its own
// (fuzz/site_request_fuzz.cpp, fuzz/site_response_fuzz.cpp). Thread-safe (no state).
//
// Lines are passed without their LF; the parsers trim ASCII whitespace at both ends, as the Go
// peers do (so a CR before the LF is accepted).

#include "base/remote_text.hpp"
#include "base/result.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace goop::content {

// The largest body either side of /goop/site/1.0.0 accepts (the Go client refuses more).
inline constexpr std::uint64_t kMaxSiteFileSize = 50ull * 1024 * 1024;
// The longest request line ("GET <path>") the responder reads, LF excluded.
inline constexpr std::size_t kMaxSiteRequestLine = 4096;
// The longest response header line ("OK <mime> <size>") the client reads, LF excluded.
inline constexpr std::size_t kMaxSiteHeaderLine = 1024;
// Avatars: the largest file we serve (the Go upload limit) and the largest OK body we accept.
inline constexpr std::uint64_t kMaxServedAvatarSize = 256ull * 1024;
inline constexpr std::uint64_t kMaxFetchedAvatarSize = 512ull * 1024;
// The top-level site directory that is never served, whatever the configuration says (it holds
// the Lua scripts and their .state); compared case-insensitively.
inline constexpr std::string_view kAlwaysForbiddenPrefix = "lua";

// --- request side (responder) ---

// Parses a request line: trims it, requires the "GET " prefix and returns the raw path, trimmed
// ("/index.html" when it is empty or "/"). No percent-decoding (the Go peers do none either).
// Errors: content::Errc::kBadRequest (no "GET " prefix; an "ENC:" line is refused here too, the
// caller opens sealed lines before calling this).
Result<std::string> parse_site_request_line(std::string_view line);

// Turns a raw request path into a clean path relative to the site root: segments joined by
// '/', never empty, never starting with '/'. Empty and "." segments are dropped, so "/a//./b"
// is "a/b" and an absolute path is read relative to the root. Refuses (content::Errc):
//  kBadRequest  a control character (NUL, CR, LF, ...) anywhere in the path;
//  kForbidden   a ".." segment, any segment starting with '.' (dotfiles and dot-directories:
//               .git, .state, .env), a backslash, a path with no segment left, or a path equal
//               to or under "lua" or one of `forbidden_prefixes` (relative to the root, e.g.
//               "scripts/lua"; compared segment-wise, ASCII case-insensitively; prefixes that
//               are empty or contain ".." are ignored).
// A clean path passes through unchanged, so the responder re-checks the canonical path of the
// file it is about to open (after symlinks) with this same function.
Result<std::string> resolve_site_path(std::string_view path,
                                      std::span<const std::string> forbidden_prefixes);

// --- response side (client) ---

struct SiteResponseHead {
  std::string mime;    // may contain spaces ("text/html; charset=utf-8"); never empty
  std::uint64_t size;  // body length in bytes, <= the cap given to the parser
};

// Parses a response header line as the Go client does (§4.2 "Client parsing"), after trimming:
//  "ERR <msg>"         error <msg>, code by message: forbidden -> content::Errc::kForbidden,
//                      "not found" -> goop::Errc::kNotFound, "bad request" ->
//                      content::Errc::kBadRequest, anything else -> content::Errc::kRefused;
//  "EOK ..."           content::Errc::kEncryptedUnsupported (we cannot open sealed bodies yet);
//  "OK <mime> <size>"  MIME = the trimmed text between "OK " and the LAST space, size = the last
//                      token (ASCII decimal, an optional sign as Go's Atoi accepts). A size < 0
//                      or > `max_size` is goop::Errc::kTooLarge ("refusing size N"); an empty
//                      MIME, one with control characters (it may become an HTTP header) or a
//                      size that is not a number is kBadResponse;
//  anything else       content::Errc::kBadResponse, message `bad response: "<line>"`.
// Messages quote remote text with control characters escaped, and never name the peer (the
// caller adds it).
Expected<SiteResponseHead> parse_site_response_head(std::string_view line,
                                                    std::uint64_t max_size = kMaxSiteFileSize);

// Parses an avatar header line (§4.4): "NONE" -> nullopt (no avatar, not an error);
// "OK <size>" -> the size, refused above `max_size` or below 0 (goop::Errc::kTooLarge);
// "EOK ..." -> content::Errc::kEncryptedUnsupported; anything else -> kBadResponse
// (`unexpected response: "<line>"`).
Expected<std::optional<std::uint64_t>> parse_avatar_head(
    std::string_view line, std::uint64_t max_size = kMaxFetchedAvatarSize);

// Remote text made safe for messages (base/remote_text.hpp).
using goop::escape_remote_text;

}  // namespace goop::content
