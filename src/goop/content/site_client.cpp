// The /goop/site/1.0.0 client (see site_protocol.hpp): "GET <path>\n", then the header line
// parsed by parse_site_response_head(), then the body streamed into a sink.
#include "base/errors.hpp"
#include "base/log.hpp"
#include "base/remote_text.hpp"
#include "base/timeout.hpp"
#include "goop/content/detail/stream_reader.hpp"
#include "goop/content/detail/stream_watchdog.hpp"
#include "goop/content/errors.hpp"
#include "goop/content/site_protocol.hpp"
#include "p2p/errors.hpp"
#include "p2p/host/host.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <optional>

namespace goop::content {
namespace asio = boost::asio;
namespace {

using Clock = std::chrono::steady_clock;

log::Logger lg("goop.content.site");

long long to_ms(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// Words for a transport-level failure while waiting for `what`.
std::string why(const error_code& e, std::string_view what, Clock::duration limit) {
  if (e == make_error_code(goop::Errc::kTimeout))
    return fmt::format("no {} within {} ms", what, to_ms(limit));
  if (e == make_error_code(p2p::Errc::kNegotiationFailed))
    return "the peer does not serve /goop/site/1.0.0";
  if (e == make_error_code(p2p::Errc::kEndOfStream))
    return fmt::format("the stream ended before the {}", what);
  if (e == make_error_code(goop::Errc::kTooLarge)) {
    return fmt::format("its header line is longer than {} bytes", kMaxSiteHeaderLine);
  }
  return e.message();
}

std::string head_refused(const error_code& e, std::uint64_t size) {
  if (e == make_error_code(goop::Errc::kTooLarge))
    return fmt::format("the file is too large ({} bytes)", size);
  return e.message();
}

Error fetch_error(const p2p::PeerId& peer, std::string_view path, error_code e,
                  std::string reason) {
  GOOP_LOG_DEBUG(lg, "peer={} site fetch \"{}\" failed: {}", peer.short_string(),
                 escape_remote_text(path), reason);
  return Error{e, fmt::format("cannot fetch \"{}\" from peer {}: {}", escape_remote_text(path),
                              peer.to_base58(), reason)};
}

// The fetch itself. `overall`, when set, also bounds every body read (and so the whole fetch).
asio::awaitable<Expected<SiteResponseHead>> run_fetch(p2p::Host& host, p2p::PeerId peer,
                                                      std::string path, SiteSink sink,
                                                      SiteFetchTimeouts t,
                                                      std::optional<Clock::time_point> overall) {
  if (path.empty() || path == "/") path = "/index.html";
  if (has_control_chars(path) || path.size() + 4 > kMaxSiteRequestLine) {
    co_return fetch_error(peer, path, make_error_code(goop::Errc::kInvalidArgument),
                          "the path has control characters or is too long");
  }
  const auto header_deadline = Clock::now() + t.header;

  std::vector<std::string> protocols(
      1, std::string(kSiteProtocol));  // no braced list in co_await (GCC 12)
  auto opened = co_await with_timeout(host.new_stream(peer, std::move(protocols)), t.header);
  if (!opened)
    co_return fetch_error(peer, path, opened.error(), why(opened.error(), "stream", t.header));
  std::unique_ptr<p2p::MuxedStream> s = std::move(*opened);

  // One timer bounds the exchange: the header deadline, then each body read.
  detail::StreamWatchdog dog(s->get_executor(), *s);
  dog.arm(header_deadline);
  const auto failed = [&dog](const error_code& ec) -> error_code {
    return dog.fired() ? make_error_code(goop::Errc::kTimeout) : ec;
  };
  const std::string request = "GET " + path + "\n";
  auto w = co_await s->write(as_bytes(request));
  if (w) w = co_await s->close_write();
  if (!w) {
    s->reset();
    const error_code ec = failed(w.error());
    co_return fetch_error(peer, path, ec, why(ec, "request sent", t.header));
  }

  detail::StreamReader reader(*s);
  auto line = co_await reader.read_line(kMaxSiteHeaderLine);
  if (!line) {
    s->reset();
    const error_code ec = failed(line.error());
    co_return fetch_error(peer, path, ec, why(ec, "answer", t.header));
  }
  auto head = parse_site_response_head(*line);
  if (!head) {
    s->reset();
    const Error& e = head.error();
    GOOP_LOG_DEBUG(lg, "peer={} site fetch \"{}\": {}", peer.short_string(),
                   escape_remote_text(path), e.message);
    co_return Error{e.code, fmt::format("peer {} answered \"{}\" with an error: {}",
                                        peer.to_base58(), escape_remote_text(path), e.message)};
  }
  if (sink.on_head) {
    auto r = co_await sink.on_head(*head);
    if (!r) {
      s->reset();
      co_return fetch_error(peer, path, r.error(), head_refused(r.error(), head->size));
    }
  }

  Bytes buf(static_cast<std::size_t>(std::min<std::uint64_t>(head->size, kSiteChunkSize)));
  std::uint64_t got = 0;
  while (got < head->size) {
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(head->size - got, buf.size()));
    auto limit = t.body_read;
    if (overall) limit = std::min(limit, time_left(*overall));
    dog.arm_after(limit);
    auto n = co_await reader.read_some(std::span(buf).first(want));
    if (!n) {
      s->reset();
      const error_code ec = failed(n.error());
      const std::string reason =
          fmt::format("{} (after {} of {} bytes)", why(ec, "body bytes", limit), got, head->size);
      co_return fetch_error(peer, path, ec, reason);
    }
    auto r = co_await sink.on_chunk(std::span(buf).first(*n));
    if (!r) {
      s->reset();
      co_return fetch_error(peer, path, r.error(), r.error().message());
    }
    got += *n;
  }
  GOOP_LOG_TRACE(lg, "peer={} site fetch \"{}\": {} bytes", peer.short_string(),
                 escape_remote_text(path), got);
  co_return std::move(*head);
}

asio::awaitable<Result<void>> check_size(std::uint64_t max, std::shared_ptr<Bytes> body,
                                         SiteResponseHead head) {
  if (head.size > max) co_return make_error_code(goop::Errc::kTooLarge);
  body->reserve(static_cast<std::size_t>(head.size));
  co_return Result<void>();
}

asio::awaitable<Result<void>> append(std::shared_ptr<Bytes> body, BytesView chunk) {
  body->insert(body->end(), chunk.begin(), chunk.end());
  co_return Result<void>();
}

}  // namespace

asio::awaitable<Expected<SiteResponseHead>> stream_site_file(p2p::Host& host, p2p::PeerId peer,
                                                             std::string path, SiteSink sink,
                                                             SiteFetchTimeouts timeouts) {
  co_return co_await run_fetch(host, std::move(peer), std::move(path), std::move(sink), timeouts,
                               std::nullopt);
}

asio::awaitable<Expected<FetchedSiteFile>> fetch_site_file(p2p::Host& host, p2p::PeerId peer,
                                                           std::string path,
                                                           Clock::duration timeout,
                                                           std::uint64_t max_size) {
  auto body = std::make_shared<Bytes>();
  SiteSink sink;
  // Not coroutine lambdas: each returns a call to a coroutine that owns its arguments.
  sink.on_head = [max_size, body](const SiteResponseHead& h) {
    return check_size(max_size, body, h);
  };
  sink.on_chunk = [body](BytesView chunk) { return append(body, chunk); };
  SiteFetchTimeouts t;
  t.header = timeout;
  t.body_read = timeout;
  const auto overall = Clock::now() + timeout;
  auto head =
      co_await run_fetch(host, std::move(peer), std::move(path), std::move(sink), t, overall);
  if (!head) co_return head.error();
  FetchedSiteFile out;
  out.mime = std::move(head->mime);
  out.body = std::move(*body);
  co_return out;
}

}  // namespace goop::content
