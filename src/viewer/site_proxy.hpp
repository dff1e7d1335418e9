#pragma once
// The site proxy: every peer's site in the local browser, each on its own origin
// http://<label>.localhost:<viewer port>/ (site_origin.hpp; ARCHITECTURE.md "Security model"
// rule 2; spec/viewer.md §3, stricter where noted).
//
// It is a virtual host of the viewer's HttpServer, so none of the viewer's routes or guards is
// reachable from a site origin. On a site origin:
//  * GET/HEAD only (else 405). `/` and any path ending in '/' mean that folder's index.html
//    (spec §3.1 maps only `/`); the query string is ignored (sites read it client-side).
//  * The decoded path is checked before anything is read or any peer is asked: control
//    characters (NUL, CR, LF, ... also as %00) -> 400; "..", dot segments, backslashes, `lua/`
//    (and, for our own site, the Lua script directory) -> 403. Never a file outside the site.
//  * `/api/...` -> 404 JSON (a narrow site API comes later); `/.goop/...` is reserved for the
//    proxy's own pages (dot paths are never site files): `/.goop/error.css` styles the pages.
//  * Our own peer: files come from the site root under the rules of the p2p side (OwnSiteFiles,
//    own_site.hpp: one openat2 that refuses symlinks, else content::open_site_file with its full
//    checks; small files that have been left alone are kept in memory, validated by an lstat on
//    every request), so an edit shows on the next request; no p2p round trip.
//  * Another peer: /goop/site/1.0.0 (content::stream_site_file; the Host dials the addresses it
//    knows). No answer header within `first_byte_timeout` -> 502. A body up to `hold_limit` is
//    held whole (so it gets a content ETag and can be answered 304); a larger one is streamed
//    through as it arrives (no ETag).
//  * Site responses carry Content-Type (spec §3.4), X-Content-Type-Options: nosniff,
//    Referrer-Policy: no-referrer, Cache-Control: no-cache, a strong ETag (a hash of the
//    content) answered 304 on a matching If-None-Match, and site_csp().
//  * Failures are HTML pages under the same CSP (styled by /.goop/error.css, no script): 404
//    "Not found", 403 "Forbidden", 400, and 502 "Peer unreachable" naming the peer (its
//    presence label, else its short ID), the cause in plain words, a diagnostic block and a
//    Retry link that reloads the page.
// On the viewer origin, register_site_proxy() also adds GET /p/<peer-id>[/<rest>] -> 302 to
// http://<label>.localhost:<port>/<rest> (query kept); an unknown ID form -> 404.
//
// Executor rule: register and serve on the node executor (the Host's and the HttpServer's).
// Lifetime: the Host must outlive the HttpServer's async_stop(); a fetch in flight is cancelled
// with its connection when the server stops.

#include "p2p/crypto/peer_id.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace goop::p2p {
class Host;
}
namespace goop::web {
class HttpServer;
}

namespace goop::viewer {

struct SiteProxyOptions {
  explicit SiteProxyOptions(p2p::PeerId self_id) : self(std::move(self_id)) {}

  p2p::PeerId self;                             // our own peer: served from `site_root`
  std::filesystem::path site_root;              // our site folder (may not exist yet)
  std::vector<std::string> forbidden_prefixes;  // e.g. the Lua script dir (site_protocol.hpp)
  std::uint16_t port = 0;                       // the viewer's port (site hosts use it)
  // The viewer's own origins ("http://127.0.0.1:<port>", ...): the only pages that may frame a
  // site (CSP frame-ancestors), for the viewer's /view page.
  std::vector<std::string> viewer_origins;
  // The human name of a peer for error pages (its presence label), "" if unknown. Optional.
  std::function<std::string(const p2p::PeerId&)> peer_name;
  std::chrono::steady_clock::duration first_byte_timeout = std::chrono::seconds(10);
  std::chrono::steady_clock::duration body_read_timeout = std::chrono::seconds(10);
  // Remote bodies up to this size are held whole (ETag, 304); larger ones stream through.
  std::uint64_t hold_limit = 1024 * 1024;
};

// The Content-Security-Policy of every response on a site origin: nothing from other origins,
// no inline script or style, no plugins, framed only by `viewer_origins`.
std::string site_csp(const std::vector<std::string>& viewer_origins);

// Registers the site origins as a virtual host of `server` and the /p/ redirect on its main
// origin. `host` serves the remote fetches.
void register_site_proxy(web::HttpServer& server, p2p::Host& host, SiteProxyOptions options);

}  // namespace goop::viewer
