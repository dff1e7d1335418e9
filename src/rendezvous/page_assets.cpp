#include "rendezvous/page_assets.hpp"

namespace goop::rendezvous {

std::span<const EmbeddedAsset> page_assets() {
  return {detail::kEmbeddedAssets, detail::kEmbeddedAssetCount};
}

web::Response asset_response(const EmbeddedAsset* asset, std::string_view if_none_match) {
  if (!asset) return web::Response::text(404, "not found\n");
  return web::asset_response(*asset, if_none_match);
}

}  // namespace goop::rendezvous
