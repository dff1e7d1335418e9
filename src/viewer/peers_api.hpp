#pragma once
// The viewer's peer routes (spec/viewer.md §2.3): GET /api/self, GET /api/peers,
// POST /api/peers/probe and POST /api/peers/favorite, with the Go viewer's JSON shapes (PeerRow
// keys are PascalCase, sorted by ID, LastSeen in RFC 3339 with nanoseconds; self is never listed).
//
// Executor rule: register and serve on the node executor (the PeerTable's).

#include "base/clock.hpp"
#include "base/result.hpp"
#include "goop/presence/peer_table.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>

namespace goop::web {
class HttpServer;
}

namespace goop::viewer {

struct SelfRow {
  std::string id;
  std::string label;
  std::string email;
  std::string avatar_hash;
};

struct PeersApi {
  const presence::PeerTable& table;
  std::function<SelfRow()> self;
  std::function<boost::asio::awaitable<void>()> probe_all;  // may be empty: no probe route
  // Persists and applies a favourite flag; may be empty: no favourite route.
  std::function<Expected<void>(const std::string& peer_id, bool favorite)> set_favorite;
  Clock& clock;
};

void register_peers_api(web::HttpServer& server, PeersApi api);

// The /api/peers body for `table` (exposed for tests).
std::string peers_json(const presence::PeerTable& table, const Clock& clock);
// RFC 3339 in UTC with trailing zeros of the fraction removed, as Go's time.RFC3339Nano.
std::string rfc3339_nano(std::chrono::system_clock::time_point t);

}  // namespace goop::viewer
