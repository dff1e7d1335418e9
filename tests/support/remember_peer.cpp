#include "remember_peer.hpp"

#include "base/clock.hpp"
#include "goop/presence/peer_cache.hpp"
#include "storage/db.hpp"

#include <string>
#include <vector>

namespace goop::testing {

void remember_peer(const std::filesystem::path& dir, const PeerProcess& other) {
  std::filesystem::create_directories(dir);
  auto db = storage::Db::open(dir / "data.db").value();
  auto cache = presence::PeerCache::open(db, SystemClock::instance()).value();
  std::vector<std::string> addrs;
  for (const auto& a : other.listen()) {
    if (a.starts_with("/ip4/127.0.0.1/")) addrs.push_back(a.substr(0, a.find("/p2p/")));
  }
  presence::PeerIdentity id;
  id.content = "(remembered)";
  (void)cache.upsert(other.id(), id, addrs, false).value();
}

}  // namespace goop::testing
