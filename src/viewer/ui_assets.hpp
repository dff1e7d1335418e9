#pragma once
// The viewer's UI assets (src/viewer/assets/**: css, js, images), embedded into the binary at
// build time by cmake/embed_assets.cmake and served under GET /assets/<path>.
//
// Every response carries `Cache-Control: no-cache` and a strong ETag (the first 16 hex digits
// of the file's SHA-256, computed at build time); a matching If-None-Match gets 304 without a
// body, so a browser revalidates cheaply and never runs stale UI code after an upgrade.
//
// Executor rule: the table is immutable; register and serve on the viewer's executor.

#include "web/embedded_assets.hpp"
#include "web/http.hpp"

#include <cstddef>
#include <span>
#include <string_view>

namespace goop::web {
class HttpServer;
}

namespace goop::viewer {

using web::EmbeddedAsset;

namespace detail {
// Defined by the generated viewer_assets.cpp.
extern const EmbeddedAsset kEmbeddedAssets[];
extern const std::size_t kEmbeddedAssetCount;
}  // namespace detail

// Every embedded asset, sorted by path.
std::span<const EmbeddedAsset> embedded_assets();
// The asset at `path` ("css/app.css"), or nullptr.
const EmbeddedAsset* find_asset(std::string_view path);
// The Content-Type for a file name by its extension; "application/octet-stream" if unknown.
std::string_view asset_content_type(std::string_view path);

// The response to GET/HEAD `req` for /assets/<path>: 200 with the bytes, 304 if If-None-Match
// names the current ETag, 404 {"error"} for an unknown path.
web::Response serve_asset(const web::Request& req);

// Registers GET /assets/* (HEAD falls back to it).
void register_assets(web::HttpServer& server);

}  // namespace goop::viewer
