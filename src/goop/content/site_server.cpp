// The /goop/site/1.0.0 responder (see site_protocol.hpp): one request line in, one file (or ERR)
// out, every read and write under a deadline.
#include "base/errors.hpp"
#include "base/log.hpp"
#include "base/timeout.hpp"
#include "goop/content/detail/stream_reader.hpp"
#include "goop/content/detail/stream_watchdog.hpp"
#include "goop/content/errors.hpp"
#include "goop/content/mime.hpp"
#include "goop/content/site_file.hpp"
#include "goop/content/site_protocol.hpp"
#include "p2p/host/host.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>

namespace goop::content {
namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace {

log::Logger lg("goop.content.site");

struct ActiveGuard {
  SiteStats& stats;
  ~ActiveGuard() { --stats.active; }
};

// The ERR text for a refusal (the Go peers' words; "not found" also covers unreadable files).
std::string_view refusal_text(const error_code& e) {
  if (e == make_error_code(Errc::kForbidden)) return "forbidden";
  if (e == make_error_code(Errc::kBadRequest)) return "bad request";
  if (e == make_error_code(goop::Errc::kTooLarge)) return "file too large";
  return "not found";
}

// Go trims the line before looking for the prefix.
bool is_sealed_line(std::string_view line) {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  return line.substr(0, 4) == "ENC:";
}

std::string sealed_payload(std::string_view line) {
  const auto at = line.find("ENC:");
  std::string_view rest = line.substr(at + 4);
  while (!rest.empty() && (rest.back() == '\r' || rest.back() == ' ' || rest.back() == '\t')) {
    rest.remove_suffix(1);
  }
  return std::string(rest);
}

// Fills `buf` from the file; fewer bytes only at end of file.
Result<std::size_t> read_full(SiteFile& f, std::span<std::uint8_t> buf) {
  std::size_t got = 0;
  while (got < buf.size()) {
    GOOP_TRY(const std::size_t n, f.read(buf.subspan(got)));
    if (n == 0) break;
    got += n;
  }
  return got;
}

// The file a request path names, or why it is refused.
Result<SiteFile> open_requested(const SiteOptions& o, std::string_view path) {
  GOOP_TRY(const std::string rel, resolve_site_path(path, o.forbidden_prefixes));
  return open_site_file(o.root, rel, o.forbidden_prefixes, o.max_file_size);
}

asio::awaitable<void> answer_error(p2p::MuxedStream& s, detail::StreamWatchdog& dog,
                                   std::string_view msg, const SiteOptions& o, SiteStats& stats) {
  const std::string line = fmt::format("ERR {}\n", msg);
  dog.arm_after(o.write_timeout);
  auto w = co_await s.write(as_bytes(line));
  if (!w) {
    s.reset();
    ++stats.dropped;
    co_return;
  }
  ++stats.refused;
  (void)co_await s.close_write();
}

// Streams the file: header and first chunk in one write, then chunk by chunk, each write under
// the write deadline. A file that shrinks while being sent resets the stream (the announced size
// can no longer be met); one that grows is cut at the announced size.
asio::awaitable<Result<void>> answer_file(p2p::MuxedStream& s, detail::StreamWatchdog& dog,
                                          SiteFile& f, const SiteOptions& o) {
  const std::uint64_t size = f.size();
  Bytes chunk(static_cast<std::size_t>(std::min<std::uint64_t>(size, kSiteChunkSize)));
  GOOP_CO_TRY(const std::size_t first, read_full(f, chunk));
  if (first != chunk.size()) co_return make_error_code(goop::Errc::kIo);
  const std::string_view mime = site_mime_type(f.relative_path(), chunk);
  // A future sealer (§4.0) would answer "EOK <mime> <len(b64)>\n<b64>" here for callers it can
  // seal for; that needs the whole file in memory, capped.
  const std::string header = fmt::format("OK {} {}\n", mime, size);
  Bytes out(header.begin(), header.end());
  out.insert(out.end(), chunk.begin(), chunk.end());
  dog.arm_after(o.write_timeout);
  GOOP_CO_TRY_VOID(co_await s.write(out));
  std::uint64_t sent = first;
  while (sent < size) {
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(size - sent, kSiteChunkSize));
    GOOP_CO_TRY(const std::size_t n, read_full(f, std::span(chunk).first(want)));
    if (n != want) co_return make_error_code(goop::Errc::kIo);
    dog.arm_after(o.write_timeout);
    GOOP_CO_TRY_VOID(co_await s.write(std::span(chunk).first(n)));
    sent += n;
  }
  dog.arm_after(o.write_timeout);
  co_return co_await s.close_write();
}

asio::awaitable<void> handle_site_stream(std::unique_ptr<p2p::MuxedStream> s, p2p::PeerId remote,
                                         std::shared_ptr<const SiteOptions> opts,
                                         std::shared_ptr<SiteStats> stats) {
  const SiteOptions& o = *opts;
  // One timer bounds every read and write of this stream (the request, then each write).
  detail::StreamWatchdog dog(s->get_executor(), *s);
  ++stats->active;
  ActiveGuard guard{*stats};
  if (stats->active > o.max_concurrent) {
    GOOP_LOG_DEBUG(lg, "peer={} site request refused: {} responses running", remote.short_string(),
                   stats->active - 1);
    co_await answer_error(*s, dog, "busy", o, *stats);
    co_return;
  }

  dog.arm_after(o.request_timeout);
  detail::StreamReader reader(*s);
  auto line = co_await reader.read_line(kMaxSiteRequestLine);
  if (!line) {
    if (line.error() == make_error_code(goop::Errc::kTooLarge)) {
      co_await answer_error(*s, dog, "bad request", o, *stats);
      co_return;
    }
    GOOP_LOG_DEBUG(lg, "peer={} site: no request line: {}", remote.short_string(),
                   line.error().message());
    s->reset();
    ++stats->dropped;
    co_return;
  }
  std::string request = std::move(*line);
  if (is_sealed_line(request) && o.open_request) {
    // On failure the line stays as is and is refused below, as in the Go peer.
    if (auto opened = o.open_request(remote, sealed_payload(request))) request = std::move(*opened);
  }

  auto path = parse_site_request_line(request);
  if (!path) {
    GOOP_LOG_DEBUG(lg, "peer={} site: bad request line \"{}\"", remote.short_string(),
                   escape_remote_text(request.substr(0, 64)));
    co_await answer_error(*s, dog, "bad request", o, *stats);
    co_return;
  }
  auto file = open_requested(o, *path);
  if (!file) {
    GOOP_LOG_DEBUG(lg, "peer={} site GET \"{}\": {}", remote.short_string(),
                   escape_remote_text(*path), refusal_text(file.error()));
    co_await answer_error(*s, dog, refusal_text(file.error()), o, *stats);
    co_return;
  }
  auto sent = co_await answer_file(*s, dog, *file, o);
  if (!sent) {
    GOOP_LOG_DEBUG(lg, "peer={} site GET \"{}\" aborted: {}", remote.short_string(),
                   escape_remote_text(*path), sent.error().message());
    s->reset();
    ++stats->dropped;
    co_return;
  }
  ++stats->served;
  GOOP_LOG_TRACE(lg, "peer={} site GET \"{}\": {} bytes", remote.short_string(),
                 escape_remote_text(*path), file->size());
}

std::optional<std::string> relative_inside(const fs::path& root, const fs::path& dir) {
  const fs::path rel = dir.lexically_relative(root);
  if (rel.empty() || rel == "." || *rel.begin() == "..") return std::nullopt;
  std::string out = rel.generic_string();
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

}  // namespace

std::shared_ptr<const SiteStats> serve_site(p2p::Host& host, SiteOptions options) {
  auto opts = std::make_shared<const SiteOptions>(std::move(options));
  auto stats = std::make_shared<SiteStats>();
  // Not a coroutine lambda: the Host may drop the handler while a responder runs.
  host.set_stream_handler(std::string(kSiteProtocol),
                          [opts, stats](std::unique_ptr<p2p::MuxedStream> s, p2p::PeerId remote) {
                            return handle_site_stream(std::move(s), std::move(remote), opts, stats);
                          });
  return stats;
}

std::vector<std::string> site_forbidden_prefixes_for(const fs::path& site_root,
                                                     const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  const fs::path root_abs = fs::absolute(site_root, ec).lexically_normal();
  const fs::path dir_abs = fs::absolute(dir, ec).lexically_normal();
  if (auto lexical = relative_inside(root_abs, dir_abs)) out.push_back(std::move(*lexical));
  const fs::path root_c = fs::canonical(site_root, ec);
  if (ec) return out;
  const fs::path dir_c = fs::canonical(dir, ec);
  if (ec) return out;
  if (auto canonical = relative_inside(root_c, dir_c)) {
    if (std::find(out.begin(), out.end(), *canonical) == out.end())
      out.push_back(std::move(*canonical));
  }
  return out;
}

}  // namespace goop::content
