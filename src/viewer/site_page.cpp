#include "viewer/site_page.hpp"

#include "base/ascii.hpp"
#include "goop/content/mime.hpp"
#include "p2p/multiformats/multihash.hpp"
#include "web/http.hpp"

#include <fmt/core.h>

namespace goop::viewer {
namespace {

constexpr std::string_view kCss = R"css(:root {
  color-scheme: light dark;
  --bg: #f4f5f7; --card: #ffffff; --text: #1d2330; --muted: #5d6677; --line: #dfe3ea;
  --accent: #3557d6; --accent-text: #ffffff; --badge: #eef1fb; --code: #f6f7f9;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14161b; --card: #1e2129; --text: #e7e9ee; --muted: #9aa2b1; --line: #2e333d;
    --accent: #7b96ff; --accent-text: #10131a; --badge: #262b38; --code: #171a20;
  }
}
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body {
  display: flex; align-items: center; justify-content: center; padding: 24px;
  background: var(--bg); color: var(--text);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
.card {
  width: 100%; max-width: 520px; padding: 32px 32px 24px; border-radius: 14px;
  background: var(--card); border: 1px solid var(--line);
  box-shadow: 0 10px 30px rgba(0, 0, 0, 0.08);
}
.status {
  display: inline-block; margin: 0 0 12px; padding: 2px 10px; border-radius: 999px;
  background: var(--badge); color: var(--muted); font-size: 12px; font-weight: 600;
  letter-spacing: 0.04em;
}
h1 { margin: 0 0 6px; font-size: 22px; line-height: 1.25; }
.peer { margin: 0 0 14px; font-weight: 600; word-break: break-all; }
.peer small { color: var(--muted); font-weight: 400; margin-left: 6px; }
.cause { margin: 0 0 20px; color: var(--muted); }
.actions { margin: 0 0 18px; }
.button {
  display: inline-block; padding: 8px 20px; border-radius: 8px; text-decoration: none;
  background: var(--accent); color: var(--accent-text); font-weight: 600;
}
.button:hover, .button:focus-visible { filter: brightness(1.08); outline: none; }
details { border-top: 1px solid var(--line); padding-top: 12px; color: var(--muted); }
summary { cursor: pointer; font-size: 13px; }
pre {
  margin: 10px 0 0; padding: 10px 12px; border-radius: 8px; background: var(--code);
  border: 1px solid var(--line); color: var(--text); font-size: 12px; line-height: 1.45;
  white-space: pre-wrap; word-break: break-all; max-height: 240px; overflow: auto;
  user-select: all;
}
.brand { margin: 16px 0 0; font-size: 12px; color: var(--muted); text-align: right; }
)css";

std::string extension(std::string_view path) {
  const auto slash = path.rfind('/');
  if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  const auto dot = path.rfind('.');
  if (dot == std::string_view::npos) return {};
  return ascii::lower(path.substr(dot + 1));
}

}  // namespace

std::string render_site_page(const SitePage& p) {
  using web::html_escape;
  std::string peer;
  if (!p.peer.empty()) {
    peer = fmt::format("    <p class=\"peer\">{}{}</p>\n", html_escape(p.peer),
                       p.peer_detail.empty()
                           ? std::string()
                           : fmt::format(" <small>{}</small>", html_escape(p.peer_detail)));
  }
  // href="" is this very URL: following it reloads the page, and cannot lead anywhere else.
  const std::string retry =
      p.retry ? "    <p class=\"actions\"><a class=\"button\" href=\"\">Retry</a></p>\n" : "";
  const std::string diagnostics =
      p.diagnostics.empty() ? std::string()
                            : fmt::format(
                                  "    <details>\n      <summary>Diagnostic info</summary>\n"
                                  "      <pre>{}</pre>\n    </details>\n",
                                  html_escape(p.diagnostics));
  return fmt::format(
      "<!doctype html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n"
      "  <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "  <meta name=\"color-scheme\" content=\"light dark\">\n"
      "  <title>{0} · Goop2</title>\n  <link rel=\"stylesheet\" href=\"{1}\">\n</head>\n<body>\n"
      "  <main class=\"card\">\n    <p class=\"status\">{2}</p>\n    <h1>{0}</h1>\n{3}"
      "    <p class=\"cause\">{4}</p>\n{5}{6}    <p class=\"brand\">Goop2</p>\n  </main>\n"
      "</body>\n</html>\n",
      html_escape(p.title), kSitePageCssPath, p.status, peer, html_escape(p.cause), retry,
      diagnostics);
}

std::string_view site_page_css() { return kCss; }

std::string site_content_type(std::string_view path, std::string_view peer_mime, BytesView head) {
  const std::string_view mime = ascii::trim(peer_mime);
  if (!mime.empty() && !ascii::starts_with_ci(mime, "text/plain") &&
      !ascii::starts_with_ci(mime, "application/octet-stream")) {
    return std::string(mime);
  }
  const std::string ext = extension(path);
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "application/javascript; charset=utf-8";
  if (ext == "html" || ext == "htm") return "text/html; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  const std::string_view by_name = content::mime_type_for_name(path);
  if (!by_name.empty()) return std::string(by_name);
  if (head.empty()) return "application/octet-stream";
  return std::string(content::sniff_mime_type(head));
}

std::string content_etag(std::string_view body) {
  const Bytes mh = p2p::multihash_sha256(as_bytes(body));
  // The multihash is <0x12><0x20><32-byte digest>; 16 bytes of the digest are plenty.
  const BytesView digest = BytesView(mh).subspan(mh.size() - 32, 16);
  return fmt::format("\"{}\"", to_hex(digest));
}

}  // namespace goop::viewer
