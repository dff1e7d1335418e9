#pragma once
// Protection of the viewer's management API (ARCHITECTURE.md "Security model" rule 1). A
// state-changing request (any method but GET, HEAD and OPTIONS) under /api/ must carry:
//   * the per-process token twice: in the cookie `goop_token_<port>` (SameSite=Strict, HttpOnly,
//   set
//     by the viewer's pages) and in the header `X-Goop-Token` (read by the page's script from
//     <meta name="goop-token">), so neither a cross-site form nor a script of another origin
//     can produce it;
//   * an `Origin` that is one of the viewer's own origins (a peer site on
//     <cid>.localhost:<port> is another origin and is refused);
//   * `Content-Type: application/json` when it has a body (POST /api/avatar/upload alone also
//     takes `image/png`: its body is the raw PNG).
// GET /api/settings, although a read, needs the token cookie and header too: it returns the
// tokens and passwords of goop.json. (A page of another origin cannot send the header.)
// Refusals are 403 (415 for the content type) with a message saying what to do. The Host
// allow-list guard runs before this one.

#include "web/http_server.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace goop::viewer {

inline constexpr const char* kTokenHeader = "X-Goop-Token";

// 32 random bytes as 64 lower-case hex characters.
std::string new_session_token();

// The token cookie's name for the viewer on `port`, "goop_token_<port>". Cookies are scoped by
// host, not port, so two peers' viewers open in one browser each need their own name.
std::string token_cookie_name(std::uint16_t port);

// `origins`: the viewer's own origins, e.g. "http://127.0.0.1:8080", "http://localhost:8080".
web::Guard management_guard(std::string token, std::uint16_t port,
                            std::vector<std::string> origins);

// The Set-Cookie value that hands `token` to the viewer's pages.
std::string token_cookie(const std::string& token, std::uint16_t port);

}  // namespace goop::viewer
