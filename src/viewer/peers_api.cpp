#include "viewer/peers_api.hpp"

#include "base/errors.hpp"
#include "web/http_server.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

#include <ctime>

namespace goop::viewer {
namespace json = boost::json;
namespace asio = boost::asio;

std::string rfc3339_nano(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto nanos = duration_cast<nanoseconds>(t - secs).count();
  const std::time_t tt = system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900,
                                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (nanos > 0) {
    std::string frac = fmt::format("{:09}", nanos);
    while (frac.back() == '0') frac.pop_back();
    out += "." + frac;
  }
  return out + "Z";
}

std::string peers_json(const presence::PeerTable& table, const Clock& clock) {
  const auto now = clock.now();
  const auto wall = clock.wall_now();
  json::array rows;
  for (const auto& [id, e] : table.entries()) {  // std::map: sorted by ID
    json::object row;
    row["ID"] = id;
    row["Content"] = e.identity.content;
    row["Email"] = e.identity.email;
    row["AvatarHash"] = e.identity.avatar_hash;
    row["VideoDisabled"] = e.identity.video_disabled;
    row["ActiveTemplate"] = e.identity.active_template;
    if (!e.identity.public_key.empty()) row["PublicKey"] = e.identity.public_key;
    row["Verified"] = e.identity.verified;
    row["Reachable"] = e.reachable;
    row["Offline"] = !e.online();
    row["LastSeen"] = rfc3339_nano(
        wall - std::chrono::duration_cast<std::chrono::system_clock::duration>(now - e.last_seen));
    row["Favorite"] = e.favorite;
    row["Connection"] = e.connection;  // ours: "none" | "lan" | "direct" | "relay"
    rows.push_back(std::move(row));
  }
  return json::serialize(rows);
}

namespace {
asio::awaitable<web::Response> probe_then_list(std::function<asio::awaitable<void>()> probe,
                                               const presence::PeerTable& table,
                                               const Clock& clock) {
  co_await probe();
  co_return web::Response::json(200, peers_json(table, clock));
}
}  // namespace

void register_peers_api(web::HttpServer& server, PeersApi api) {
  server.route(
      "GET", "/api/self", web::SyncHandler([self = api.self](const web::Request&) {
        const SelfRow s = self();
        json::object o{
            {"id", s.id}, {"label", s.label}, {"email", s.email}, {"avatar_hash", s.avatar_hash}};
        return web::Response::json(200, json::serialize(o));
      }));
  server.route("GET", "/api/peers",
               web::SyncHandler([&table = api.table, &clock = api.clock](const web::Request&) {
                 return web::Response::json(200, peers_json(table, clock));
               }));
  if (api.set_favorite) {
    // {"peer_id": "...", "favorite": bool} -> 200 with an empty body (as the Go viewer).
    server.route("POST", "/api/peers/favorite",
                 web::SyncHandler([set = api.set_favorite](const web::Request& req) {
                   boost::system::error_code ec;
                   const json::value v = json::parse(req.body, ec);
                   const json::object* o = (!ec && v.is_object()) ? &v.as_object() : nullptr;
                   const json::value* id = o ? o->if_contains("peer_id") : nullptr;
                   if (!id || !id->is_string() || id->as_string().empty())
                     return web::Response::error(400, "peer_id required");
                   const json::value* fav = o->if_contains("favorite");
                   if (fav && !fav->is_bool())
                     return web::Response::error(400, "favorite must be true or false");
                   if (auto r = set(std::string(id->as_string()), fav && fav->as_bool()); !r) {
                     return web::Response::error(
                         r.error().code == make_error_code(Errc::kNotFound) ? 404 : 500,
                         r.error().message);
                   }
                   return web::Response::text(200, "");
                 }));
  }
  if (api.probe_all) {
    server.route(
        "POST", "/api/peers/probe",
        web::Handler([probe = api.probe_all, &table = api.table, &clock = api.clock](web::Request) {
          return probe_then_list(probe, table, clock);  // not a coroutine lambda
        }));
  }
}

}  // namespace goop::viewer
