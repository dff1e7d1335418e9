#pragma once
// GossipSub RPC messages (pubsub spec: "The RPC"; gossipsub-v1.0 "Control messages";
// gossipsub-v1.1 "PRUNE Backoff and Peer Exchange"; gossipsub-v1.2 "IDONTWANT Message") as
// plain structs, and their pure protobuf codec. No I/O; safe to fuzz.
//
// Presence: empty `from`, `seqno`, `signature` and `key` are treated as absent and not
// encoded; `data` and `topic` are always encoded (as js and go do), so re-encoding a decoded
// message without its signature and key reproduces the bytes the author signed.
#include "base/bytes.hpp"
#include "base/result.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace goop::p2p::gossipsub {

// Caps applied when decoding (the whole RPC is already capped at kMaxRpcSize by framing).
inline constexpr std::size_t kMaxRpcSize = 1 << 20;  // go DefaultMaxMessageSize
inline constexpr std::size_t kMaxSubscriptionsPerRpc = 1024;
inline constexpr std::size_t kMaxMessagesPerRpc = 4096;
inline constexpr std::size_t kMaxControlEntriesPerRpc = 1024;  // per kind (ihave, graft, ...)
inline constexpr std::size_t kMaxMessageIdsPerRpc = 5000;      // over all IHAVE (and IWANT)
inline constexpr std::size_t kMaxIDontWantIdsPerRpc = 5000;    // over all IDONTWANT
inline constexpr std::size_t kMaxPrunePeers = 64;
inline constexpr std::size_t kMaxTopicLength = 1024;

struct SubOpts {
  bool subscribe = false;
  std::string topic;
  friend bool operator==(const SubOpts&, const SubOpts&) = default;
};

struct Message {
  Bytes from;  // author's PeerId multihash
  Bytes data;
  Bytes seqno;  // 8 bytes big endian under StrictSign
  std::string topic;
  Bytes signature;  // Ed25519 over kSignPrefix || encode(message without signature)
  Bytes key;        // marshaled public key; omitted for Ed25519 (inlined in the PeerId)
  friend bool operator==(const Message&, const Message&) = default;
};

using MessageId = std::string;  // opaque bytes; default: from || seqno

struct ControlIHave {
  std::string topic;
  std::vector<MessageId> ids;
  friend bool operator==(const ControlIHave&, const ControlIHave&) = default;
};
struct ControlIWant {
  std::vector<MessageId> ids;
  friend bool operator==(const ControlIWant&, const ControlIWant&) = default;
};
struct ControlGraft {
  std::string topic;
  friend bool operator==(const ControlGraft&, const ControlGraft&) = default;
};
struct PeerInfo {
  Bytes peer_id;
  Bytes signed_peer_record;
  friend bool operator==(const PeerInfo&, const PeerInfo&) = default;
};
struct ControlPrune {
  std::string topic;
  std::vector<PeerInfo> peers;
  std::optional<std::uint64_t> backoff_seconds;
  friend bool operator==(const ControlPrune&, const ControlPrune&) = default;
};
// v1.2: the sender already has these messages; do not send them to it.
struct ControlIDontWant {
  std::vector<MessageId> ids;
  friend bool operator==(const ControlIDontWant&, const ControlIDontWant&) = default;
};
struct ControlMessage {
  std::vector<ControlIHave> ihave;
  std::vector<ControlIWant> iwant;
  std::vector<ControlGraft> graft;
  std::vector<ControlPrune> prune;
  std::vector<ControlIDontWant> idontwant;
  bool empty() const noexcept {
    return ihave.empty() && iwant.empty() && graft.empty() && prune.empty() && idontwant.empty();
  }
  friend bool operator==(const ControlMessage&, const ControlMessage&) = default;
};

struct Rpc {
  std::vector<SubOpts> subscriptions;
  std::vector<Message> publish;
  ControlMessage control;  // encoded only when non-empty
  bool empty() const noexcept {
    return subscriptions.empty() && publish.empty() && control.empty();
  }
  friend bool operator==(const Rpc&, const Rpc&) = default;
};

Bytes encode_message(const Message& m);
// encode_message(m).size() and the size of an RPC carrying only `m`, without encoding.
std::size_t encoded_size(const Message& m);
std::size_t encoded_rpc_size(const Message& m);
// The bytes an author signs: encode_message(m) without `signature` and `key`.
Bytes encode_message_for_signing(const Message& m);
void append_message_for_signing(Bytes& out, const Message& m);
Bytes encode_rpc(const Rpc& rpc);
// varint(len) || encode_rpc(rpc), as the RPC goes on a stream, in one buffer.
Bytes encode_rpc_length_prefixed(const Rpc& rpc);

// Errors: Errc::kInvalidEncoding / kTruncated for malformed protobuf, goop::Errc::kTooLarge when a
// count cap above is exceeded or the input is over kMaxRpcSize. Unknown fields are skipped.
Result<Rpc> decode_rpc(BytesView in);
Result<Message> decode_message(BytesView in);

}  // namespace goop::p2p::gossipsub
