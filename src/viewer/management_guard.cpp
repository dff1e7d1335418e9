#include "viewer/management_guard.hpp"

#include <fmt/core.h>
#include <sodium.h>

#include <algorithm>
#include <array>

namespace goop::viewer {
namespace {

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return {};
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool is_safe_method(std::string_view m) { return m == "GET" || m == "HEAD" || m == "OPTIONS"; }

// Reads that hand out secrets (tokens, passwords of goop.json): they need the token header too.
bool is_secret_read(const web::Request& req) {
  return (req.method == "GET" || req.method == "HEAD") &&
         (req.path == "/api/settings" || req.path == "/api/settings/quick/get");
}

// The one route that takes a body other than JSON: the avatar upload, a raw PNG.
bool content_type_allowed(const web::Request& req) {
  const std::string_view type = req.header("Content-Type");
  if (type.starts_with("application/json")) return true;
  return req.path == "/api/avatar/upload" && type.starts_with("image/png");
}

}  // namespace

std::string new_session_token() {
  std::array<unsigned char, 32> raw{};
  randombytes_buf(raw.data(), raw.size());
  std::string hex(raw.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
  hex.pop_back();
  return hex;
}

std::string token_cookie_name(std::uint16_t port) { return fmt::format("goop_token_{}", port); }

std::string token_cookie(const std::string& token, std::uint16_t port) {
  return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict", token_cookie_name(port), token);
}

web::Guard management_guard(std::string token, std::uint16_t port,
                            std::vector<std::string> origins) {
  return [token = std::move(token), cookie = token_cookie_name(port),
          origins = std::move(origins)](const web::Request& req) -> std::optional<web::Response> {
    if (is_secret_read(req)) {
      if (!equal_constant_time(cookie_value(req.header("Cookie"), cookie), token) ||
          !equal_constant_time(req.header(kTokenHeader), token)) {
        return web::Response::error(
            403,
            "the settings hold secrets: send the viewer token in the X-Goop-Token "
            "header (reload the viewer page if it is outdated)");
      }
      return std::nullopt;
    }
    if (is_safe_method(req.method) || !req.path.starts_with("/api/")) return std::nullopt;
    const std::string_view origin = req.header("Origin");
    if (std::find(origins.begin(), origins.end(), origin) == origins.end()) {
      return web::Response::error(
          403,
          origin.empty()
              ? "this request has no Origin header; the viewer accepts changes only from its own "
                "pages"
              : fmt::format("requests from {} may not change this peer; use the viewer's own pages",
                            origin));
    }
    if (!equal_constant_time(cookie_value(req.header("Cookie"), cookie), token) ||
        !equal_constant_time(req.header(kTokenHeader), token)) {
      return web::Response::error(
          403, "missing or outdated viewer token: reload the viewer page and try again");
    }
    if (!req.body.empty() && !content_type_allowed(req)) {
      return web::Response::error(
          415, req.path == "/api/avatar/upload"
                   ? "send the avatar as a PNG image with Content-Type: image/png"
                   : "this API takes JSON: send Content-Type: application/json");
    }
    return std::nullopt;
  };
}

}  // namespace goop::viewer
