#pragma once
// The HTML of the rendezvous pages (landing, docs, admin dashboard) and the headers every page
// carries. Pure functions from plain values to strings: every value is HTML-escaped here, so the
// callers pass raw text. Our own markup and stylesheet (assets/css/rendezvous.css); the pages
// load only scripts from /assets/ (no inline script or style, see kPageCsp).
//
// Executor rule: pure; any thread.

#include "rendezvous/docs.hpp"
#include "rendezvous/pages.hpp"
#include "web/http.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace goop::rendezvous {

inline constexpr std::string_view kPageCsp =
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

// A text/html response with the page headers (CSP, nosniff, no referrer, no framing) and
// Cache-Control `cache_control`.
web::Response html_page_response(int status, std::string html,
                                 std::string_view cache_control = "no-cache");

struct LandingView {
  std::vector<std::string> connect_urls;  // may be empty
  std::string endpoint;                   // external_url or the listening endpoint, for the footer
  bool admin_enabled = false;
};
std::string landing_html(const LandingView& v);

// The docs page showing `site.pages()[index]`; `admin_enabled` adds the Admin link.
std::string docs_html(const DocsSite& site, std::size_t index, bool admin_enabled);
// The docs site's 404 page for an unknown slug.
std::string docs_not_found_html(const DocsSite& site, std::string_view slug, bool admin_enabled);

// The admin dashboard with `stats` filled in (the script keeps them live).
std::string admin_html(const RendezvousStats& stats);

}  // namespace goop::rendezvous
