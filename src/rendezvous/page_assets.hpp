#pragma once
// The rendezvous pages' assets (src/rendezvous/assets/**: css, js, svg), embedded into the
// binary at build time by cmake/embed_assets.cmake and served under GET /assets/<path>.
//
// Every response carries `Cache-Control: no-cache`, `X-Content-Type-Options: nosniff` and a
// strong ETag (the first 16 hex digits of the file's SHA-256, computed at build time); a
// matching If-None-Match gets 304 without a body.
//
// Executor rule: the table is immutable; any thread may read it.

#include "web/embedded_assets.hpp"
#include "web/http.hpp"

#include <cstddef>
#include <span>
#include <string_view>

namespace goop::rendezvous {

using web::EmbeddedAsset;

namespace detail {
// Defined by the generated rendezvous_assets.cpp.
extern const EmbeddedAsset kEmbeddedAssets[];
extern const std::size_t kEmbeddedAssetCount;
}  // namespace detail

// Every embedded page asset, sorted by path.
std::span<const EmbeddedAsset> page_assets();
// The response to GET/HEAD of `asset`: as web::asset_response, and 404 `not found`
// (text/plain) for a null `asset`.
web::Response asset_response(const EmbeddedAsset* asset, std::string_view if_none_match);

}  // namespace goop::rendezvous
