#pragma once
// Seeds a peer folder's data.db (the peer cache) with another running peer's loopback address,
// as if the two had met before, so the peer dials it at start. Throws on a database error.

#include "peer_process.hpp"

#include <filesystem>

namespace goop::testing {

void remember_peer(const std::filesystem::path& dir, const PeerProcess& other);

}  // namespace goop::testing
