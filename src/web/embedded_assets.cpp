#include "web/embedded_assets.hpp"

#include "web/etag.hpp"

#include <algorithm>
#include <string>

namespace goop::web {

const EmbeddedAsset* find_embedded(std::span<const EmbeddedAsset> table, std::string_view path) {
  const auto it =
      std::lower_bound(table.begin(), table.end(), path,
                       [](const EmbeddedAsset& a, std::string_view p) { return a.path < p; });
  return it != table.end() && it->path == path ? &*it : nullptr;
}

std::string_view content_type_for(std::string_view path) {
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
      {".md", "text/markdown; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& t : kTypes) {
    if (path.ends_with(t.ext)) return t.mime;
  }
  return "application/octet-stream";
}

Response asset_response(const EmbeddedAsset& asset, std::string_view if_none_match) {
  Response r;
  r.set_header("Cache-Control", "no-cache");
  r.set_header("X-Content-Type-Options", "nosniff");
  if (not_modified(r, if_none_match, std::string(asset.etag))) return r;
  r.status = 200;
  r.set_header("Content-Type", std::string(content_type_for(asset.path)));
  r.body = std::string(asset.data);
  return r;
}

}  // namespace goop::web
