#pragma once
// What the rendezvous accepts from a peer as presence (spec/rendezvous.md §3, with the limits
// of §17.13 raised): the body of POST /publish and every WebSocket frame.

#include "base/result.hpp"
#include "goop/presence/message.hpp"

#include <cstddef>
#include <string_view>

namespace goop::rendezvous {

inline constexpr std::size_t kMaxEmailBytes = 320;
inline constexpr std::size_t kMaxAddrBytes = 256;

// Decodes and checks one presence a peer publishes. Errors (Errc::kInvalidArgument, the
// message says which field and why, e.g. "presence message: more than 64 \"addrs\""): what
// presence::decode refuses (not JSON, too large, missing type/peerId/ts, a bad peer ID, too many
// addresses ...), a "punch" (only the rendezvous sends those), an email over 320 bytes, an
// address over 256 bytes.
Expected<presence::PresenceMsg> check_publish(std::string_view body);

}  // namespace goop::rendezvous
