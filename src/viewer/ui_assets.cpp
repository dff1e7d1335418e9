#include "viewer/ui_assets.hpp"

#include <algorithm>

#include "web/http_server.hpp"

namespace goop::viewer {
namespace {

constexpr std::string_view kPrefix = "/assets/";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::span<const EmbeddedAsset> embedded_assets() {
  return {detail::kEmbeddedAssets, detail::kEmbeddedAssetCount};
}

const EmbeddedAsset* find_asset(std::string_view path) {
  const auto all = embedded_assets();
  const auto it = std::lower_bound(all.begin(), all.end(), path,
                                   [](const EmbeddedAsset& a, std::string_view p) { return a.path < p; });
  return it != all.end() && it->path == path ? &*it : nullptr;
}

std::string_view asset_content_type(std::string_view path) {
  struct Type {
    std::string_view ext;
    std::string_view mime;
  };
  static constexpr Type kTypes[] = {
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".png", "image/png"},
      {".svg", "image/svg+xml"},
      {".ico", "image/x-icon"},
      {".jpg", "image/jpeg"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& t : kTypes) {
    if (ends_with(path, t.ext)) return t.mime;
  }
  return "application/octet-stream";
}

web::Response serve_asset(const web::Request& req) {
  std::string_view path = req.path;
  if (path.starts_with(kPrefix)) path.remove_prefix(kPrefix.size());
  const EmbeddedAsset* asset = find_asset(path);
  if (!asset) return web::Response::error(404, "no such asset");
  web::Response r;
  r.set_header("ETag", std::string(asset->etag));
  r.set_header("Cache-Control", "no-cache");
  r.set_header("X-Content-Type-Options", "nosniff");
  if (web::etag_matches(req.header("If-None-Match"), asset->etag)) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.set_header("Content-Type", std::string(asset_content_type(asset->path)));
  r.body = std::string(asset->data);
  return r;
}

void register_assets(web::HttpServer& server) {
  server.route("GET", "/assets/*", web::SyncHandler([](const web::Request& req) { return serve_asset(req); }));
}

}  // namespace goop::viewer
