#pragma once
// /goop/avatar/1.0.0 (spec/net.md §4.4): the responder reads nothing and writes "NONE\n" (no
// avatar) or "OK <len>\n<bytes>" (our avatar.png), then closes. The avatar hash announced in
// presence is avatar_hash() of the same bytes.
//
// Differences from the Go peer: the write has a deadline; an avatar file over
// kMaxServedAvatarSize (the upload limit) is not served (NONE, and a warning). We have no NaCl
// sealer yet, so we never answer EOK, and the client refuses an EOK answer with a clear error.
//
// Executor rule: everything on the Host's executor. Responders run in the Host's task group.

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "p2p/crypto/peer_id.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace goop::p2p {
class Host;
}

namespace goop::content {

inline constexpr std::string_view kAvatarProtocol = "/goop/avatar/1.0.0";
inline constexpr std::chrono::seconds kAvatarWriteTimeout{10};
// The longest avatar header line the client reads ("OK 524288"), LF excluded.
inline constexpr std::size_t kMaxAvatarHeaderLine = 64;

// Serves the file at `avatar_file` (normally <peer dir>/avatar.png), read afresh for every
// request (a missing or unreadable file is answered NONE). Replaces an earlier handler.
void serve_avatar(p2p::Host& host, std::filesystem::path avatar_file);

// Fetches `peer`'s avatar, dialling it if needed, all within `timeout`. Returns nullopt if the
// peer has none (NONE). Errors name the peer: the dial/stream error (kNegotiationFailed for a
// peer without the protocol), goop::Errc::kTimeout, goop::Errc::kTooLarge (an OK size over
// kMaxFetchedAvatarSize), content::Errc::kEncryptedUnsupported (EOK), kBadResponse,
// p2p::Errc::kEndOfStream (the body ended early).
boost::asio::awaitable<Expected<std::optional<Bytes>>> fetch_avatar(
    p2p::Host& host, p2p::PeerId peer, std::chrono::steady_clock::duration timeout);

// The avatar hash: the first 8 bytes of SHA-256(bytes) as 16 lower-case hex characters. (A peer
// without an avatar announces an empty hash; that is the caller's business.)
std::string avatar_hash(BytesView bytes);

}  // namespace goop::content
