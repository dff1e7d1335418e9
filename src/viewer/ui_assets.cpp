#include "viewer/ui_assets.hpp"

#include "web/http_server.hpp"

namespace goop::viewer {
namespace {
constexpr std::string_view kPrefix = "/assets/";
}  // namespace

std::span<const EmbeddedAsset> embedded_assets() {
  return {detail::kEmbeddedAssets, detail::kEmbeddedAssetCount};
}

const EmbeddedAsset* find_asset(std::string_view path) {
  return web::find_embedded(embedded_assets(), path);
}

std::string_view asset_content_type(std::string_view path) { return web::content_type_for(path); }

web::Response serve_asset(const web::Request& req) {
  std::string_view path = req.path;
  if (path.starts_with(kPrefix)) path.remove_prefix(kPrefix.size());
  const EmbeddedAsset* asset = find_asset(path);
  if (!asset) return web::Response::error(404, "no such asset");
  return web::asset_response(*asset, req.header("If-None-Match"));
}

void register_assets(web::HttpServer& server) {
  server.route("GET", "/assets/*",
               web::SyncHandler([](const web::Request& req) { return serve_asset(req); }));
}

}  // namespace goop::viewer
