#pragma once
// /goop/site/1.0.0 (spec/net.md §4.2): a peer's static site, one file per stream. The client
// writes "GET <path>\n"; the responder answers "OK <mime> <len>\n<bytes>" or "ERR <msg>\n"
// (bad request, forbidden, not found, file too large, busy) and closes. Byte-compatible with the
// Go peers, with these differences (ARCHITECTURE.md "Security model"):
//  * every read and write has a deadline; the request line is capped at kMaxSiteRequestLine;
//  * ".." segments, dotfiles and dot-directories, backslashes, "lua" (any case) and the
//    configured forbidden prefixes (the Lua script directory) are refused with ERR forbidden;
//    symlinks are followed only while they stay inside the site and out of those areas;
//  * files are streamed from disk in chunks and re-read on every request (no cache); files over
//    kMaxSiteFileSize are refused (the Go client would refuse them anyway);
//  * a bounded number of responses run at once.
//
// Encryption seam (§4.0, §7): a request line "ENC:<b64>" is opened by SiteOptions::open_request
// when one is set; without it (we have no NaCl encryptor yet), or if opening fails, the line stays
// as is and is answered "ERR bad request", as a Go peer without an encryptor does. Sealed answers
// (EOK) are not produced; a future sealer slots in where the responder writes its header
// (site_server.cpp, answer_file). The client refuses EOK answers with a clear error.
//
// Executor rule: everything on the Host's executor. Responders run in the Host's task group.
// The responder's file system calls (open, 64 KiB reads) also run there: they are short, but
// belong on the blocking pool once there is one.

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "goop/content/codec.hpp"
#include "p2p/crypto/peer_id.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goop::p2p {
class Host;
}

namespace goop::content {

inline constexpr std::string_view kSiteProtocol = "/goop/site/1.0.0";
// Deadlines: the whole request line, each body write, and (client) each body read.
inline constexpr std::chrono::seconds kSiteRequestTimeout{10};
inline constexpr std::chrono::seconds kSiteWriteTimeout{10};
inline constexpr std::chrono::seconds kSiteReadTimeout{10};
// Body bytes per read from disk and per stream write.
inline constexpr std::size_t kSiteChunkSize = 64 * 1024;

struct SiteOptions {
  // The site directory. Resolved to its canonical path on every request, so it may appear later.
  std::filesystem::path root;
  // Paths relative to `root` that are never served, besides "lua" (e.g. lua.script_dir when it
  // lies inside the site; see site_forbidden_prefixes_for()). Compared ASCII case-insensitively.
  std::vector<std::string> forbidden_prefixes;
  std::chrono::steady_clock::duration request_timeout = kSiteRequestTimeout;
  std::chrono::steady_clock::duration write_timeout = kSiteWriteTimeout;
  std::uint64_t max_file_size = kMaxSiteFileSize;
  // Responses running at once; a request beyond it is answered "ERR busy".
  std::size_t max_concurrent = 32;
  // Opens the base64 text after "ENC:" sealed by `remote`; nullopt if it cannot. Unset: every
  // ENC: line is a bad request.
  std::function<std::optional<std::string>(const p2p::PeerId& remote, std::string_view sealed_b64)>
      open_request;
};

// Counters of a serving site; read them on the Host's executor.
struct SiteStats {
  std::size_t active = 0;     // responders running now (each holds a stream, maybe a file)
  std::uint64_t served = 0;   // files sent completely
  std::uint64_t refused = 0;  // ERR answers
  std::uint64_t dropped = 0;  // streams reset: no request line in time, or a failed write
};

// Registers the /goop/site/1.0.0 responder on `host` (replacing any earlier one). The returned
// counters stay valid as long as the caller keeps them, independently of the Host.
std::shared_ptr<const SiteStats> serve_site(p2p::Host& host, SiteOptions options);

// The prefixes to forbid so that `dir` (e.g. lua.script_dir) is never served, relative to
// `site_root`: its lexical path (both made absolute and normalised) and, when both exist, its
// canonical path (through symlinks). Empty if `dir` is outside the site, or is the site root
// itself (which no prefix can protect; the caller should warn). Blocking (file system calls).
std::vector<std::string> site_forbidden_prefixes_for(const std::filesystem::path& site_root,
                                                     const std::filesystem::path& dir);

// --- client ---

// Receives a file as it arrives. `on_head` (optional) runs once, after the header and before
// any body byte; `on_chunk` runs for each piece of the body, in order (the pieces add up to
// head.size). `chunk` is valid until the returned awaitable completes. An error from either
// aborts the fetch (the stream is reset) and is returned.
struct SiteSink {
  std::function<boost::asio::awaitable<Result<void>>(const SiteResponseHead& head)> on_head;
  std::function<boost::asio::awaitable<Result<void>>(BytesView chunk)> on_chunk;
};

struct SiteFetchTimeouts {
  // Dialling, opening the stream, sending the request and receiving the header line, together.
  std::chrono::steady_clock::duration header = std::chrono::seconds(10);
  // Each read of the body (an idle deadline: a large file may take longer in total).
  std::chrono::steady_clock::duration body_read = kSiteReadTimeout;
};

// Fetches `path` ("/" or "" means /index.html) from `peer`, dialling it if needed, and streams
// the body into `sink`. Returns the header (MIME, size). Errors name the peer and the path:
//  the dial/stream error (a peer without the protocol: p2p::Errc::kNegotiationFailed);
//  goop::Errc::kTimeout (a header or body-read deadline passed);
//  the peer's ERR answer (codes as parse_site_response_head: kForbidden, kNotFound, ...);
//  content::Errc::kEncryptedUnsupported (EOK), kBadResponse, goop::Errc::kTooLarge (> 50 MiB);
//  p2p::Errc::kEndOfStream (the body ended early); the sink's own error;
//  goop::Errc::kInvalidArgument (a path with control characters or longer than the request cap).
// Cancellation: total/terminal cancellation aborts it (the stream is reset).
boost::asio::awaitable<Expected<SiteResponseHead>> stream_site_file(
    p2p::Host& host, p2p::PeerId peer, std::string path, SiteSink sink,
    SiteFetchTimeouts timeouts = {});

struct FetchedSiteFile {
  std::string mime;
  Bytes body;
};

// Fetches a whole (small) file into memory: the same protocol and errors as stream_site_file(),
// all of it within `timeout`, and the body refused above `max_size` (goop::Errc::kTooLarge).
boost::asio::awaitable<Expected<FetchedSiteFile>> fetch_site_file(
    p2p::Host& host, p2p::PeerId peer, std::string path,
    std::chrono::steady_clock::duration timeout, std::uint64_t max_size = kMaxSiteFileSize);

}  // namespace goop::content
