#pragma once
// Avatars and a remote peer's live label (spec/viewer.md §2.3):
//   GET  /api/avatar              our avatar.png (image/png, no-cache, ETag "<hash>") or the
//                                 initials SVG of our label and email
//   GET  /api/avatar/peer/<id>    our own for our ID; for a peer that announces an avatar hash:
//                                 the disk cache <peer dir>/cache/avatars/<id>.png|.hash when its
//                                 hash matches, else a live /goop/avatar fetch (AvatarApi::fetch,
//                                 5 s) that refreshes the cache; served with
//                                 `Cache-Control: public, max-age=86400` and `ETag: "<hash>"`,
//                                 and If-None-Match "<hash>" -> 304. If that fails: any cached
//                                 avatar (max-age=60), else the initials SVG of its label (or
//                                 ID) and email. (?v= is a cache-buster and ignored.)
//   POST /api/avatar/upload       body: the raw PNG (Content-Type: image/png), at most
//                                 kMaxAvatarBytes (413 above), starting with the PNG signature
//                                 (400 otherwise); written atomically to <peer dir>/avatar.png ->
//                                 {"ok":true,"hash":"<16 hex>"}
//   POST|DELETE /api/avatar/delete -> {"ok":true}
//   GET  /api/peer/content?id=    {"content":"<label>"} fetched live over /goop/content
//                                 (AvatarApi::fetch_label, 5 s); 400 without a valid id, 502
//                                 {"error"} when the peer does not answer.
// After an upload or delete, AvatarApi::changed gets the new hash ("" without an avatar) so
// the peer re-announces it.
//
// Executor rule: register and serve on the node executor (the PeerTable's). File reads and
// writes are small (<= 256 KiB) and done inline.

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "goop/presence/peer_table.hpp"
#include "p2p/crypto/peer_id.hpp"
#include "viewer/peers_api.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace goop::web {
class HttpServer;
}

namespace goop::viewer {

inline constexpr std::size_t kMaxAvatarBytes = 256 * 1024;
inline constexpr std::chrono::seconds kRemoteFetchTimeout{5};

struct AvatarApi {
  std::string self_id;             // our peer ID (base58)
  std::filesystem::path peer_dir;  // holds avatar.png and cache/avatars/
  std::function<SelfRow()> self;   // our label and email (for the initials)
  const presence::PeerTable& table;
  // The peer's avatar bytes, nullopt if it has none; errors are the fetch's (logged at debug).
  std::function<boost::asio::awaitable<Expected<std::optional<Bytes>>>(p2p::PeerId)> fetch;
  // The peer's label line.
  std::function<boost::asio::awaitable<Expected<std::string>>(p2p::PeerId)> fetch_label;
  // Our avatar changed: its new hash, "" after a delete.
  std::function<void(const std::string& hash)> changed;
};

void register_avatar_api(web::HttpServer& server, AvatarApi api);

// The fallback avatar: a 256x256 circle in one of 14 colours chosen by
// sha256(label + email)[0] mod 14, with white bold initials (first letters of the first two
// words, or the first two letters of a single word, upper-cased; "?" for an empty label).
std::string initials_svg(std::string_view label, std::string_view email);
std::string initials_of(std::string_view label);

// Removes the cached avatar of `peer` (a peer ID) from <peer dir>/cache/avatars, e.g. once the
// peer left the table; the cache then holds at most one avatar per listed peer.
void forget_cached_avatar(const std::filesystem::path& peer_dir, const std::string& peer);

// The hash of <peer dir>/avatar.png (content::avatar_hash), "" if there is none or it cannot be
// read.
std::string own_avatar_hash(const std::filesystem::path& peer_dir);

}  // namespace goop::viewer
