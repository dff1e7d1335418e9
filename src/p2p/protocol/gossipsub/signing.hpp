#pragma once
// Message signing under StrictSign (pubsub/README.md "Message Signing"), message ids and
// sequence numbers.
#include "base/bytes.hpp"
#include "base/result.hpp"
#include "p2p/crypto/keys.hpp"
#include "p2p/crypto/peer_id.hpp"
#include "p2p/protocol/gossipsub/rpc.hpp"

#include <cstdint>
#include <string_view>

namespace goop::p2p::gossipsub {

inline constexpr std::string_view kSignPrefix = "libp2p-pubsub:";
inline constexpr std::size_t kSeqnoSize = 8;

// Sets m.from to the key's PeerId and m.signature; leaves m.key empty (Ed25519 keys are inlined
// in the PeerId). m.data, m.seqno and m.topic must be set first.
void sign_message(Message& m, const Ed25519PrivateKey& key);

// StrictSign validation: `from` is a valid PeerId, `seqno` is exactly 8 bytes, the signature is
// 64 bytes and verifies with the key inlined in `from` (or `key`, which must then match
// `from`). Returns the author. Errors: kInvalidSignature (also for missing fields),
// kInvalidKey / kUnsupportedKeyType for a bad `key`, kInvalidEncoding for a bad `from`.
Result<PeerId> verify_message(const Message& m);

// go-libp2p-pubsub's default message id: from || seqno. Ours.
MessageId message_id(const Message& m);

// js-libp2p's default message id (msgIdFnStrictSign): the author's marshaled public key ||
// seqno, the key being `key` if set, else the one inlined in an identity-multihash `from`.
// Empty if neither is there. Only used to understand js peers' gossip (router.hpp).
MessageId js_message_id(const Message& m);

// 8-byte big-endian encoding of a sequence number.
Bytes encode_seqno(std::uint64_t n);

}  // namespace goop::p2p::gossipsub
