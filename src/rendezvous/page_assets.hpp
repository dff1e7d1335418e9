#pragma once
// The rendezvous pages' assets (src/rendezvous/assets/**: css, js, svg), embedded into the
// binary at build time by cmake/embed_assets.cmake and served under GET /assets/<path>.
//
// Every response carries `Cache-Control: no-cache`, `X-Content-Type-Options: nosniff` and a
// strong ETag (the first 16 hex digits of the file's SHA-256, computed at build time); a
// matching If-None-Match gets 304 without a body.
//
// Executor rule: the table is immutable; any thread may read it.

#include <cstddef>
#include <span>
#include <string_view>

#include "web/http.hpp"

namespace goop::rendezvous {

struct EmbeddedAsset {
  std::string_view path;  // relative to the embedded folder, e.g. "css/rendezvous.css"
  std::string_view data;
  std::string_view etag;  // quoted, e.g. "\"0123456789abcdef\""
};

namespace detail {
// Defined by the generated rendezvous_assets.cpp.
extern const EmbeddedAsset kEmbeddedAssets[];
extern const std::size_t kEmbeddedAssetCount;
}  // namespace detail

// Every embedded page asset, sorted by path.
std::span<const EmbeddedAsset> page_assets();
// The entry of `table` (sorted by path) at `path`, or nullptr.
const EmbeddedAsset* find_embedded(std::span<const EmbeddedAsset> table, std::string_view path);
// The Content-Type for a file name by its extension; "application/octet-stream" if unknown.
std::string_view content_type_for(std::string_view path);

// The response to GET/HEAD of `asset`: 200 with its bytes, or 304 if `if_none_match` names its
// ETag. A null `asset` gets 404 `not found` (text/plain).
web::Response asset_response(const EmbeddedAsset* asset, std::string_view if_none_match);

}  // namespace goop::rendezvous
