#pragma once
// Pieces of the site proxy (site_proxy.hpp) that need no I/O: the HTML pages it answers with
// when a file cannot be shown, their stylesheet, Content-Type rules (spec/viewer.md §3.4) and
// ETags. Pure; thread-safe.

#include "base/bytes.hpp"

#include <string>
#include <string_view>

namespace goop::viewer {

// The path of the pages' stylesheet on every site origin. A dot segment, so never a site file.
inline constexpr std::string_view kSitePageCssPath = "/.goop/error.css";

struct SitePage {
  int status = 502;
  std::string title;        // "Peer unreachable"; also the <title>
  std::string peer;         // who: the peer's label, else its short ID; "" for none
  std::string peer_detail;  // shown beside `peer` in small type (the short ID), may be ""
  std::string cause;        // one or two plain sentences
  std::string diagnostics;  // preformatted details for a bug report; "" for none
  bool retry = false;       // a Retry link that reloads the page
};

// A complete HTML document (every text escaped), styled by kSitePageCssPath, no script: it
// obeys the site CSP.
std::string render_site_page(const SitePage& page);
// The stylesheet: a centred card, light and dark (prefers-color-scheme).
std::string_view site_page_css();

// The Content-Type for a site file (§3.4). `peer_mime` is what a remote peer announced ("" for
// our own files): kept unless it is empty, text/plain or application/octet-stream. Otherwise:
// .css, .js/.mjs, .html/.htm (with charset=utf-8) and .svg are forced; then the extension table
// (content/mime.hpp); then sniffing `head` (the first bytes); application/octet-stream if
// `head` is empty.
std::string site_content_type(std::string_view path, std::string_view peer_mime, BytesView head);

// A strong ETag for `body`: 128 bits of its SHA-256, hex, quoted.
std::string content_etag(std::string_view body);

}  // namespace goop::viewer
