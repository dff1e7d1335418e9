#pragma once
// Files embedded into the binary at build time (cmake/embed_assets.cmake: the viewer's UI, the
// rendezvous pages' assets and docs) and how they are served: a strong ETag (the first 16 hex
// digits of the file's SHA-256), `Cache-Control: no-cache` and 304 on a matching
// If-None-Match, so a browser revalidates cheaply and never runs stale code after an upgrade.
//
// Executor rule: the tables are immutable; any thread may read them.

#include "web/http.hpp"

#include <span>
#include <string_view>

namespace goop::web {

struct EmbeddedAsset {
  std::string_view path;  // relative to the embedded folder, e.g. "css/app.css"
  std::string_view data;
  std::string_view etag;  // quoted, e.g. "\"0123456789abcdef\""
};

// The entry of `table` (sorted by path, as the generator writes it) at `path`, or nullptr.
const EmbeddedAsset* find_embedded(std::span<const EmbeddedAsset> table, std::string_view path);

// The Content-Type for a file name by its extension; "application/octet-stream" if unknown.
std::string_view content_type_for(std::string_view path);

// The response to GET/HEAD of `asset` (not null): 200 with its bytes and type, or 304 without a
// body if `if_none_match` names its ETag.
Response asset_response(const EmbeddedAsset& asset, std::string_view if_none_match);

}  // namespace goop::web
