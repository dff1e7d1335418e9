// The site proxy (see site_proxy.hpp): request checks and routing on a site origin, our own
// files from disk, other peers' files over /goop/site/1.0.0, and the /p/ redirect.
#include "viewer/site_proxy.hpp"

#include "base/errors.hpp"
#include "base/log.hpp"
#include "goop/content/codec.hpp"
#include "goop/content/errors.hpp"
#include "goop/content/site_file.hpp"
#include "goop/content/site_protocol.hpp"
#include "p2p/errors.hpp"
#include "p2p/host/host.hpp"
#include "viewer/own_site.hpp"
#include "viewer/site_origin.hpp"
#include "viewer/site_page.hpp"
#include "web/etag.hpp"
#include "web/http_server.hpp"

#include <fmt/core.h>

#include <map>
#include <optional>

namespace goop::viewer {
namespace asio = boost::asio;
namespace {

using Clock = std::chrono::steady_clock;

log::Logger lg("viewer.site");

// Labels parsed so far (base36 decoding is quadratic in the length; a page loads many files).
constexpr std::size_t kMaxLabelCache = 256;

std::string header_block(const std::string& csp, std::string_view cache_control) {
  return fmt::format(
      "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n"
      "Content-Security-Policy: {}\r\nCache-Control: {}\r\n",
      csp, cache_control);
}

struct State {
  State(p2p::Host& h, SiteProxyOptions o)
      : host(h),
        opts(std::move(o)),
        csp(site_csp(opts.viewer_origins)),
        css_etag(content_etag(site_page_css())),
        file_headers(std::make_shared<const std::string>(header_block(csp, "no-cache"))),
        page_headers(std::make_shared<const std::string>(header_block(csp, "no-store"))),
        own(opts.site_root, opts.forbidden_prefixes, opts.hold_limit) {}

  p2p::Host& host;
  SiteProxyOptions opts;
  std::string csp;
  std::string css_etag;
  std::shared_ptr<const std::string> file_headers;
  std::shared_ptr<const std::string> page_headers;
  OwnSiteFiles own;
  std::map<std::string, p2p::PeerId, std::less<>> labels;

  std::optional<p2p::PeerId> peer_for(std::string_view label) {
    if (auto it = labels.find(label); it != labels.end()) return it->second;
    auto peer = peer_from_site_label(label);
    if (!peer) return std::nullopt;
    if (labels.size() >= kMaxLabelCache) labels.clear();
    labels.emplace(std::string(label), *peer);
    return peer;
  }

  // Who a page names: the presence label with the short ID beside it, else the short ID.
  std::pair<std::string, std::string> who(const p2p::PeerId& peer) const {
    std::string name = opts.peer_name ? opts.peer_name(peer) : std::string();
    if (name.empty()) return {peer.short_string(), ""};
    return {std::move(name), peer.short_string()};
  }
};

// The headers of every response on a site origin, with Cache-Control: no-cache (files: always
// revalidated, hence the ETags). Pre-formatted once: they are the same on every response.
void site_headers(web::Response& r, const State& s) { r.header_block = s.file_headers; }

web::Response page_response(const State& s, const SitePage& p) {
  web::Response r;
  r.status = p.status;
  r.body = render_site_page(p);
  r.set_header("Content-Type", "text/html; charset=utf-8");
  r.header_block = s.page_headers;  // Cache-Control: no-store
  return r;
}

SitePage simple_page(int status, std::string title, std::string cause) {
  SitePage p;
  p.status = status;
  p.title = std::move(title);
  p.cause = std::move(cause);
  return p;
}

web::Response not_found(const State& s, std::string_view path) {
  return page_response(
      s, simple_page(404, "Not found", fmt::format("There is no file at {} on this site.", path)));
}

web::Response refused_path(const State& s, const error_code& e, std::string_view path) {
  if (e == make_error_code(content::Errc::kBadRequest)) {
    return page_response(s, simple_page(400, "Bad request",
                                        "The address contains characters a site path may not "
                                        "have (control characters such as %00)."));
  }
  return page_response(
      s, simple_page(403, "Forbidden",
                     fmt::format("{} is not part of the public site: paths with \"..\", hidden "
                                 "(dot) files and folders, backslashes and the Lua scripts "
                                 "are never served.",
                                 path)));
}

// A complete body: ETag, and 304 when the browser already has it.
web::Response file_response(const State& s, std::string_view if_none_match, std::string body,
                            std::string content_type) {
  web::Response r;
  site_headers(r, s);
  if (web::not_modified(r, if_none_match, content_etag(body))) return r;
  r.status = 200;
  r.set_header("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

// '/' and "dir/" name the folder's index.html (spec §3.1 maps only '/').
std::string site_path(std::string_view path) {
  std::string p(path);
  if (p.empty() || p.back() == '/') p += "index.html";
  return p;
}

// --- our own site ---

// A file too large to hold: streamed from disk in chunks. Its validator comes from the file's
// identity, size and change times (nanoseconds), so any write changes it.
asio::awaitable<void> stream_own(std::shared_ptr<content::SiteFile> f, web::Response head,
                                 web::BodyWriter& w) {
  auto h = co_await w.write_head(std::move(head), f->size());
  if (!h) co_return;
  std::string chunk(content::kSiteChunkSize, '\0');
  std::uint64_t sent = 0;
  while (sent < f->size()) {
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(f->size() - sent, chunk.size()));
    auto n = f->read(std::span(reinterpret_cast<std::uint8_t*>(chunk.data()), want));
    if (!n || *n == 0) co_return;  // the connection closes: the body is cut short
    auto r = co_await w.write(std::string_view(chunk.data(), *n));
    if (!r) co_return;
    sent += *n;
  }
}

web::Response serve_own(State& s, const web::Request& req, const std::string& rel) {
  auto opened = s.own.open(rel);
  const std::string shown = "/" + rel;
  if (!opened) {
    if (opened.error() == make_error_code(content::Errc::kForbidden)) {
      return refused_path(s, opened.error(), shown);
    }
    if (opened.error() == make_error_code(goop::Errc::kTooLarge)) {
      return page_response(s, simple_page(404, "Not found",
                                          fmt::format("{} is larger than {} MiB, the most a site "
                                                      "file may be.",
                                                      shown, content::kMaxSiteFileSize >> 20)));
    }
    return not_found(s, shown);
  }
  const auto inm = req.header("If-None-Match");
  if (opened->held) {
    OwnSiteFiles::Held& h = *opened->held;
    web::Response r;
    site_headers(r, s);
    if (web::not_modified(r, inm, std::move(h.etag))) return r;
    r.status = 200;
    r.set_header("Content-Type", std::move(h.content_type));
    r.body = *h.body;
    return r;
  }
  web::Response head;
  site_headers(head, s);
  if (web::not_modified(head, inm, std::move(opened->validator))) return head;
  head.set_header("Content-Type", site_content_type(rel, "", {}));
  auto file = std::make_shared<content::SiteFile>(std::move(*opened->file));
  return web::Response::streamed([file, head = std::move(head)](web::BodyWriter& w) mutable {
    return stream_own(file, std::move(head), w);
  });
}

// --- another peer's site ---

// Plain words for why a fetch failed (the diagnostics carry the full message).
// `was_connected`: a connection to the peer existed when the fetch began; `known_addrs`: how
// many addresses of it the Host knows.
std::string cause_of(const error_code& e, const SiteProxyOptions& o, bool was_connected,
                     std::size_t known_addrs) {
  if (e == make_error_code(goop::Errc::kTimeout) || e == make_error_code(p2p::Errc::kTimeout)) {
    return fmt::format(
        "The peer did not answer within {} seconds. It may be offline, or its "
        "connection may have dropped.",
        std::chrono::duration_cast<std::chrono::seconds>(o.first_byte_timeout).count());
  }
  if (e == make_error_code(p2p::Errc::kNegotiationFailed)) {
    return "The peer is online but does not serve a site.";
  }
  if (e == make_error_code(content::Errc::kRefused)) {
    return "The peer refused the request (it may be busy, or its site is switched off).";
  }
  if (e == make_error_code(content::Errc::kBadResponse)) {
    return "The peer's answer did not follow the site protocol.";
  }
  if (e == make_error_code(content::Errc::kEncryptedUnsupported)) {
    return "The peer sent an encrypted answer, which this version of Goop2 cannot open yet.";
  }
  if (e == make_error_code(goop::Errc::kTooLarge)) {
    return fmt::format("The file is larger than {} MiB, the most a site file may be.",
                       content::kMaxSiteFileSize >> 20);
  }
  if (was_connected) return "The connection to the peer ended before the file arrived.";
  if (known_addrs == 0) {
    return "No address of this peer is known here: it has not been seen on this network, so "
           "there is nowhere to connect to.";
  }
  return "Could not connect to the peer: it may be offline, or none of its addresses works "
         "from here.";
}

struct Relay {
  web::BodyWriter* w = nullptr;
  std::string path;
  std::string mime;
  std::uint64_t size = 0;
  bool hold = false;
  bool started = false;  // streaming: the head went out
  std::string body;      // holding
};

asio::awaitable<Result<void>> relay_head(std::shared_ptr<Relay> r, std::uint64_t hold_limit,
                                         content::SiteResponseHead head) {
  r->mime = std::move(head.mime);
  r->size = head.size;
  r->hold = head.size <= hold_limit;
  if (r->hold) r->body.reserve(static_cast<std::size_t>(head.size));
  co_return Result<void>();
}

asio::awaitable<Result<void>> relay_chunk(std::shared_ptr<Relay> r, std::shared_ptr<State> s,
                                          BytesView chunk) {
  if (r->hold) {
    r->body.append(as_chars(chunk));
    co_return Result<void>();
  }
  if (!r->started) {
    web::Response head;
    head.status = 200;
    site_headers(head, *s);
    head.set_header("Content-Type", site_content_type(r->path, r->mime, chunk));
    r->started = true;
    auto h = co_await r->w->write_head(std::move(head), r->size);
    if (!h) co_return h;
  }
  co_return co_await r->w->write(as_chars(chunk));
}

// The page for a fetch that failed before any of the body was sent: the peer's own 404/403
// answers as such, anything else a 502 "Peer unreachable". (Not in the coroutine: GCC 12.)
web::Response failure_response(const State& s, const p2p::PeerId& peer, const std::string& path,
                               const Error& error, bool was_connected, Clock::time_point start) {
  const error_code e = error.code;
  if (e == make_error_code(goop::Errc::kNotFound)) return not_found(s, path);
  if (e == make_error_code(content::Errc::kForbidden)) return refused_path(s, e, path);
  if (e == make_error_code(content::Errc::kBadRequest) ||
      e == make_error_code(goop::Errc::kInvalidArgument)) {
    return refused_path(s, make_error_code(content::Errc::kBadRequest), path);
  }
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  std::string addrs;
  std::size_t known = 0;
  if (const p2p::PeerInfo* info = s.host.peerstore().find(peer)) {
    known = info->addrs.size();
    for (const auto& a : info->addrs) addrs += "\n  " + a.to_string();
  }
  if (addrs.empty()) addrs = " none known";
  SitePage p;
  p.status = 502;
  p.title = "Peer unreachable";
  std::tie(p.peer, p.peer_detail) = s.who(peer);
  p.cause = cause_of(e, s.opts, was_connected, known);
  p.retry = true;
  p.diagnostics = fmt::format(
      "peer:      {}\nsite:      {}\npath:      {}\nerror:     {}\nconnected: {}\n"
      "after:     {} ms\naddresses:{}",
      peer.to_base58(), site_origin(peer, s.opts.port), path, error.message,
      s.host.is_connected(peer) ? "yes" : "no", ms, addrs);
  GOOP_LOG_DEBUG(lg, "peer={} site {}: 502: {}", peer.short_string(), path, error.message);
  return page_response(s, p);
}

asio::awaitable<void> relay(std::shared_ptr<State> s, p2p::PeerId peer, std::string rel,
                            std::string if_none_match, web::BodyWriter& w) {
  auto r = std::make_shared<Relay>();
  r->w = &w;
  r->path = "/" + rel;
  content::SiteSink sink;
  const std::uint64_t hold_limit = s->opts.hold_limit;
  sink.on_head = [r, hold_limit](const content::SiteResponseHead& h) {
    return relay_head(r, hold_limit, h);
  };
  sink.on_chunk = [r, s](BytesView chunk) { return relay_chunk(r, s, chunk); };
  content::SiteFetchTimeouts t;
  t.header = s->opts.first_byte_timeout;
  t.body_read = s->opts.body_read_timeout;
  const auto start = Clock::now();
  const bool was_connected = s->host.is_connected(peer);
  auto got = co_await content::stream_site_file(s->host, peer, r->path, std::move(sink), t);
  if (w.head_sent()) co_return;  // streamed: done, or cut short (the connection then closes)
  if (!got) {
    (void)co_await w.send(failure_response(*s, peer, r->path, got.error(), was_connected, start));
    co_return;
  }
  const std::string_view head_bytes = std::string_view(r->body).substr(0, 512);
  std::string type = site_content_type(r->path, r->mime, as_bytes(head_bytes));
  (void)co_await w.send(file_response(*s, if_none_match, std::move(r->body), std::move(type)));
}

// --- routing ---

web::Response site_css(const State& s, const web::Request& req) {
  web::Response r;
  site_headers(r, s);
  if (web::not_modified(r, req.header("If-None-Match"), s.css_etag)) return r;
  r.set_header("Content-Type", "text/css; charset=utf-8");
  r.body = std::string(site_page_css());
  return r;
}

web::Response respond(const std::shared_ptr<State>& s, const web::Request& req) {
  if (req.method != "GET" && req.method != "HEAD") {
    web::Response r = web::Response::error(405, "a site is read-only: only GET and HEAD");
    r.set_header("Allow", "GET, HEAD");
    site_headers(r, *s);
    return r;
  }
  const std::string_view path = req.path;
  if (path == kSitePageCssPath) return site_css(*s, req);
  if (path == "/api" || path.starts_with("/api/")) {
    web::Response r = web::Response::error(404, "no API on a site origin yet");
    site_headers(r, *s);
    return r;
  }
  const auto label = site_label_of_host(req.header("Host"), s->opts.port);
  const auto peer = label ? s->peer_for(*label) : std::nullopt;
  if (!peer) {
    return page_response(
        *s, simple_page(404, "No such peer",
                        fmt::format("{}.localhost does not name a peer: a site address is the "
                                    "peer's ID in base36 (as the viewer's links give it).",
                                    label.value_or("?"))));
  }
  const std::string wanted = site_path(path);
  const bool own = *peer == s->opts.self;
  std::vector<std::string> no_prefixes;
  auto rel = content::resolve_site_path(wanted, own ? s->opts.forbidden_prefixes : no_prefixes);
  if (!rel) {
    GOOP_LOG_DEBUG(lg, "site request \"{}\" refused: {}", content::escape_remote_text(wanted),
                   rel.error().message());
    return refused_path(*s, rel.error(), content::escape_remote_text(wanted));
  }
  if (own) return serve_own(*s, req, *rel);
  std::string inm(req.header("If-None-Match"));
  return web::Response::streamed([s, p = *peer, r = std::move(*rel), inm = std::move(inm)](
                                     web::BodyWriter& w) { return relay(s, p, r, inm, w); });
}

// GET /p/<id>[/<rest>] on the viewer origin -> the peer's site origin, from the raw target so
// the rest and the query pass through exactly as sent.
web::Response redirect(const State& s, const web::Request& req) {
  std::string_view t = req.target;
  if (!t.starts_with("/p/")) return web::Response::error(404, "not found");
  t.remove_prefix(3);
  const auto end = t.find_first_of("/?");
  const std::string id_text = web::percent_decode(t.substr(0, end));
  auto peer = p2p::PeerId::parse(id_text);
  if (!peer)
    return web::Response::error(404, "not a peer ID: " + content::escape_remote_text(id_text));
  std::string rest(end == std::string_view::npos ? std::string_view() : t.substr(end));
  if (rest.empty() || rest.front() == '?') rest.insert(0, "/");
  web::Response r;
  r.status = 302;
  r.set_header("Location", site_origin(*peer, s.opts.port) + rest);
  r.set_header("Cache-Control", "no-store");
  return r;
}

}  // namespace

std::string site_csp(const std::vector<std::string>& viewer_origins) {
  std::string ancestors;
  for (const auto& o : viewer_origins) {
    if (ancestors.find(o) != std::string::npos) continue;
    ancestors += ancestors.empty() ? "" : " ";
    ancestors += o;
  }
  if (ancestors.empty()) ancestors = "'none'";
  return "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
         "font-src 'self' data:; media-src 'self'; connect-src 'self'; form-action 'self'; "
         "base-uri 'none'; frame-ancestors " +
         ancestors;
}

void register_site_proxy(web::HttpServer& server, p2p::Host& host, SiteProxyOptions options) {
  auto s = std::make_shared<State>(host, std::move(options));
  const std::uint16_t port = s->opts.port;
  server.route_host([port](std::string_view h) { return is_site_host(h, port); },
                    web::SyncHandler([s](const web::Request& req) { return respond(s, req); }));
  server.route("GET", "/p/*", [s](const web::Request& req) { return redirect(*s, req); });
}

}  // namespace goop::viewer
