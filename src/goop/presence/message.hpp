#pragma once
// PresenceMsg: the JSON a peer announces itself with, identical on gossip (topic
// presence.topic), the rendezvous WebSocket/SSE/POST and the bridge (spec/net.md §5.1). Keys are
// camelCase ("peerId" with a lower-case d); empty/false fields are omitted; "ts" (Unix ms) is
// always present.

#include "base/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace goop::presence {

enum class MsgType { kOnline, kUpdate, kOffline, kPunch };

std::string_view to_string(MsgType t);

struct PresenceMsg {
  MsgType type = MsgType::kUpdate;
  std::string peer_id;
  std::string content;  // display label
  std::string email;
  std::string avatar_hash;  // 16 hex characters
  bool video_disabled = false;
  std::string active_template;
  std::string target;              // punch only
  std::vector<std::string> addrs;  // multiaddrs
  std::string verification_token;  // client -> rendezvous only
  std::string public_key;          // NaCl public key, base64
  bool encryption_supported = false;
  std::string goop_client_version;
  std::int64_t ts = 0;  // Unix milliseconds
  bool verified = false;
};

inline constexpr std::size_t kMaxMessageBytes = 64 * 1024;
inline constexpr std::size_t kMaxAddrs = 64;
inline constexpr std::size_t kMaxFieldBytes = 1024;

std::string encode(const PresenceMsg& m);

// Errors (each message names the field): not JSON or over kMaxMessageBytes; unknown "type";
// missing or malformed "peerId" (must parse as a libp2p peer ID); missing "ts"; a field of the
// wrong JSON type; more than kMaxAddrs addresses or a field over kMaxFieldBytes; control
// characters in "content" (a label is shown to people). Unknown keys are ignored.
Expected<PresenceMsg> decode(std::string_view json);

// Gossip presence is accepted only when the JSON's peerId is the message's signed author
// (ARCHITECTURE.md security rule 4): no peer can speak for another.
bool is_authored_by(const PresenceMsg& m, std::string_view author_peer_id);

}  // namespace goop::presence
