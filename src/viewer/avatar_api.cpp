#include "viewer/avatar_api.hpp"

#include "base/errors.hpp"
#include "base/file_io.hpp"
#include "base/log.hpp"
#include "goop/content/avatar_protocol.hpp"
#include "goop/content/codec.hpp"
#include "web/etag.hpp"
#include "web/http_server.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>
#include <sodium.h>

#include <array>
#include <memory>
#include <optional>

namespace goop::viewer {
namespace asio = boost::asio;
namespace json = boost::json;
namespace fs = std::filesystem;
namespace {

log::Logger lg("viewer.avatar");

constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1a\n";
constexpr std::string_view kPeerPrefix = "/api/avatar/peer/";
constexpr std::array<std::string_view, 14> kPalette = {
    "#e74c3c", "#e67e22", "#f1c40f", "#2ecc71", "#1abc9c", "#3498db", "#9b59b6",
    "#e91e63", "#00bcd4", "#ff5722", "#607d8b", "#795548", "#8bc34a", "#673ab7"};

// The first UTF-8 character of `s` (the whole rest if the encoding is broken).
std::string_view first_char(std::string_view s) {
  if (s.empty()) return s;
  const auto lead = static_cast<unsigned char>(s[0]);
  std::size_t n = 1;
  if (lead >= 0xF0)
    n = 4;
  else if (lead >= 0xE0)
    n = 3;
  else if (lead >= 0xC0)
    n = 2;
  return s.substr(0, std::min(n, s.size()));
}

std::string upper_ascii(std::string s) {
  for (char& ch : s) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  return s;
}

web::Response svg_response(std::string body) {
  web::Response r;
  r.status = 200;
  r.body = std::move(body);
  r.set_header("Content-Type", "image/svg+xml");
  r.set_header("Cache-Control", "no-cache");
  r.set_header("X-Content-Type-Options", "nosniff");
  return r;
}

// A PNG answer; `hash` empty: no ETag.
web::Response png_response(std::string bytes, const std::string& hash, std::string cache_control) {
  web::Response r;
  r.status = 200;
  r.body = std::move(bytes);
  r.set_header("Content-Type", "image/png");
  r.set_header("Cache-Control", std::move(cache_control));
  r.set_header("X-Content-Type-Options", "nosniff");
  if (!hash.empty()) r.set_header("ETag", fmt::format("\"{}\"", hash));
  return r;
}

// A 304 if If-None-Match names `hash` ("*" included; never for an empty hash).
std::optional<web::Response> not_modified(const web::Request& req, const std::string& hash,
                                          std::string cache_control) {
  if (hash.empty()) return std::nullopt;
  web::Response r;
  r.set_header("Cache-Control", std::move(cache_control));
  if (!web::not_modified(r, req.header("If-None-Match"), fmt::format("\"{}\"", hash)))
    return std::nullopt;
  return r;
}

std::string ok_json(std::string_view hash) {
  json::object o{{"ok", true}};
  if (!hash.empty()) o["hash"] = hash;
  return json::serialize(o);
}

fs::path avatar_file(const fs::path& dir) { return dir / "avatar.png"; }
fs::path cache_dir(const fs::path& dir) { return dir / "cache" / "avatars"; }

struct Cached {
  std::string bytes;
  std::string hash;  // as stored beside it
};

// `peer` is a canonical base58 peer ID (safe as a file name).
std::optional<Cached> read_cache(const fs::path& dir, const std::string& peer) {
  auto bytes = read_file(cache_dir(dir) / (peer + ".png"), content::kMaxFetchedAvatarSize);
  if (!bytes) return std::nullopt;
  auto hash = read_file(cache_dir(dir) / (peer + ".hash"), 64);
  return Cached{std::move(*bytes), hash ? *hash : std::string()};
}

void write_cache(const fs::path& dir, const std::string& peer, const std::string& bytes,
                 const std::string& hash) {
  auto png = write_file_atomic(cache_dir(dir) / (peer + ".png"), bytes, 0600);
  auto h = png ? write_file_atomic(cache_dir(dir) / (peer + ".hash"), hash, 0600) : png;
  if (!h) GOOP_LOG_WARN(lg, "cannot cache the avatar of peer {}: {}", peer, h.error().message);
}

web::Response own_avatar(const AvatarApi& api, const web::Request& req) {
  auto bytes = read_file(avatar_file(api.peer_dir), kMaxAvatarBytes);
  if (!bytes) {
    const SelfRow self = api.self();
    return svg_response(initials_svg(self.label, self.email));
  }
  const std::string hash = content::avatar_hash(as_bytes(*bytes));
  if (auto r = not_modified(req, hash, "no-cache")) return std::move(*r);
  return png_response(std::move(*bytes), hash, "no-cache");
}

// A remote peer's avatar; `api` is shared with the route, `req` owned (coroutine parameters).
asio::awaitable<web::Response> peer_avatar(std::shared_ptr<const AvatarApi> api, web::Request req) {
  const std::string raw_id = req.path.substr(kPeerPrefix.size());
  if (raw_id == api->self_id) co_return own_avatar(*api, req);
  auto parsed = p2p::PeerId::parse(raw_id);
  if (raw_id.empty() || !parsed) {
    co_return web::Response::error(400, fmt::format("\"{}\" is not a peer ID", raw_id));
  }
  const p2p::PeerId peer = *parsed;
  const std::string id = peer.to_base58();
  if (id == api->self_id) co_return own_avatar(*api, req);
  std::string hash, label = id, email;
  bool known = false;
  if (const presence::PeerEntry* e =
          api->table.find(id)) {  // copied: the entry may go while we fetch
    known = true;
    hash = e->identity.avatar_hash;
    if (!e->identity.content.empty()) label = e->identity.content;
    email = e->identity.email;
  }
  std::optional<Cached> cached = read_cache(api->peer_dir, id);
  if (!hash.empty()) {
    const std::string long_cache = "public, max-age=86400";
    if (auto r = not_modified(req, hash, long_cache)) co_return std::move(*r);
    if (cached && cached->hash == hash)
      co_return png_response(std::move(cached->bytes), hash, long_cache);
    auto fetched = co_await api->fetch(peer);
    if (fetched && *fetched) {
      std::string bytes(as_chars(**fetched));
      // The bytes decide the ETag: the peer may have changed its avatar since it announced.
      const std::string got = content::avatar_hash(**fetched);
      write_cache(api->peer_dir, id, bytes, got);
      co_return png_response(std::move(bytes), got, long_cache);
    }
    if (!fetched) GOOP_LOG_DEBUG(lg, "{}", fetched.error().message);
  }
  // A known peer that announces no avatar has none; otherwise an old one beats the initials.
  if (cached && !(known && hash.empty())) {
    co_return png_response(std::move(cached->bytes), "", "public, max-age=60");
  }
  co_return svg_response(initials_svg(label, email));
}

web::Response label_json(const std::string& label) {
  json::object o;
  o["content"] = label;
  return web::Response::json(200, json::serialize(o));
}

asio::awaitable<web::Response> peer_content(std::shared_ptr<const AvatarApi> api,
                                            web::Request req) {
  const auto id = req.param("id");
  if (!id || id->empty())
    co_return web::Response::error(400, "missing id: ask for /api/peer/content?id=<peer ID>");
  auto peer = p2p::PeerId::parse(*id);
  if (!peer) co_return web::Response::error(400, fmt::format("\"{}\" is not a peer ID", *id));
  if (peer->to_base58() == api->self_id) co_return label_json(api->self().label);
  auto label = co_await api->fetch_label(*peer);
  if (!label) co_return web::Response::error(502, label.error().message);
  co_return label_json(*label);
}

web::Response upload(const AvatarApi& api, const web::Request& req) {
  if (!req.header("Content-Type").starts_with("image/png")) {
    return web::Response::error(415, "send the avatar as a PNG image with Content-Type: image/png");
  }
  if (req.body.empty())
    return web::Response::error(400, "the request has no body: send the PNG image's bytes");
  if (req.body.size() > kMaxAvatarBytes) {
    return web::Response::error(
        413, fmt::format("the image is {} KiB; an avatar may be at most {} KiB (scale it "
                         "down to 256x256 first)",
                         (req.body.size() + 1023) / 1024, kMaxAvatarBytes / 1024));
  }
  if (!req.body.starts_with(kPngSignature)) {
    return web::Response::error(
        400,
        "this is not a PNG image (it does not start with the PNG signature); "
        "convert the picture to PNG and upload it again");
  }
  if (auto w = write_file_atomic(avatar_file(api.peer_dir), req.body, 0644); !w) {
    return web::Response::error(500,
                                fmt::format("the avatar was not saved: {}", w.error().message));
  }
  const std::string hash = content::avatar_hash(as_bytes(req.body));
  GOOP_LOG_INFO(lg, "avatar updated ({} bytes, hash {})", req.body.size(), hash);
  if (api.changed) api.changed(hash);
  return web::Response::json(200, ok_json(hash));
}

web::Response remove(const AvatarApi& api) {
  std::error_code ec;
  fs::remove(avatar_file(api.peer_dir), ec);
  if (ec)
    return web::Response::error(500, fmt::format("the avatar was not removed: {}", ec.message()));
  GOOP_LOG_INFO(lg, "avatar removed");
  if (api.changed) api.changed("");
  return web::Response::json(200, ok_json(""));
}

}  // namespace

std::string initials_of(std::string_view label) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < label.size() && words.size() < 2) {
    while (i < label.size() &&
           (label[i] == ' ' || label[i] == '\t' || label[i] == '\n' || label[i] == '\r'))
      ++i;
    const std::size_t start = i;
    while (i < label.size() && label[i] != ' ' && label[i] != '\t' && label[i] != '\n' &&
           label[i] != '\r')
      ++i;
    if (i > start) words.push_back(label.substr(start, i - start));
  }
  if (words.empty()) return "?";
  std::string out;
  if (words.size() >= 2) {
    out = std::string(first_char(words[0])) + std::string(first_char(words[1]));
  } else {
    const std::string_view a = first_char(words[0]);
    out = std::string(a) + std::string(first_char(words[0].substr(a.size())));
  }
  return upper_ascii(std::move(out));
}

std::string initials_svg(std::string_view label, std::string_view email) {
  const std::string seed = std::string(label) + std::string(email);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(seed.data()), seed.size());
  const std::string_view colour = kPalette[digest[0] % kPalette.size()];
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"256\" height=\"256\" viewBox=\"0 0 256 "
      "256\">"
      "<rect width=\"256\" height=\"256\" rx=\"128\" fill=\"{}\"/>"
      "<text x=\"128\" y=\"128\" dy=\".35em\" text-anchor=\"middle\" font-family=\"sans-serif\" "
      "font-size=\"100\" font-weight=\"bold\" fill=\"#fff\">{}</text></svg>",
      colour, web::html_escape(initials_of(label)));
}

void forget_cached_avatar(const fs::path& peer_dir, const std::string& peer) {
  auto id = p2p::PeerId::parse(peer);
  if (!id) return;
  const std::string name = id->to_base58();  // never a path of the caller's making
  std::error_code ec;
  fs::remove(cache_dir(peer_dir) / (name + ".png"), ec);
  fs::remove(cache_dir(peer_dir) / (name + ".hash"), ec);
}

std::string own_avatar_hash(const fs::path& peer_dir) {
  auto bytes = read_file(avatar_file(peer_dir), kMaxAvatarBytes);
  return bytes ? content::avatar_hash(as_bytes(*bytes)) : std::string();
}

void register_avatar_api(web::HttpServer& server, AvatarApi api) {
  auto shared = std::make_shared<const AvatarApi>(std::move(api));
  server.route("GET", "/api/avatar", web::SyncHandler([shared](const web::Request& req) {
                 return own_avatar(*shared, req);
               }));
  server.route("GET", std::string(kPeerPrefix) + "*", web::Handler([shared](web::Request req) {
                 return peer_avatar(shared, std::move(req));  // not a coroutine lambda
               }));
  server.route("POST", "/api/avatar/upload", web::SyncHandler([shared](const web::Request& req) {
                 return upload(*shared, req);
               }));
  const web::SyncHandler del = [shared](const web::Request&) { return remove(*shared); };
  server.route("POST", "/api/avatar/delete", del);
  server.route("DELETE", "/api/avatar/delete", del);
  server.route("GET", "/api/peer/content", web::Handler([shared](web::Request req) {
                 return peer_content(shared, std::move(req));  // not a coroutine lambda
               }));
}

}  // namespace goop::viewer
