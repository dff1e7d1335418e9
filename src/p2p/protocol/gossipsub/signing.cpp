#include "p2p/protocol/gossipsub/signing.hpp"

#include "p2p/errors.hpp"

namespace goop::p2p::gossipsub {
namespace {

// kSignPrefix || the message without signature and key, in a buffer reused by every call on
// this thread (a message is about as large as the RPC; no allocation per message).
BytesView signed_bytes(const Message& m) {
  thread_local Bytes b;
  b.assign(kSignPrefix.begin(), kSignPrefix.end());
  append_message_for_signing(b, m);
  return b;
}

}  // namespace

void sign_message(Message& m, const Ed25519PrivateKey& key) {
  m.from = PeerId::from_public_key(key.public_key()).bytes();
  m.signature.clear();
  const Signature sig = key.sign(signed_bytes(m));
  m.signature.assign(sig.begin(), sig.end());
}

Result<PeerId> verify_message(const Message& m) {
  if (m.from.empty() || m.seqno.size() != kSeqnoSize ||
      m.signature.size() != kEd25519SignatureSize) {
    return make_error_code(Errc::kInvalidSignature);
  }
  GOOP_TRY(auto author, PeerId::from_bytes(m.from));
  std::optional<Ed25519PublicKey> pk;
  if (!m.key.empty()) {
    GOOP_TRY(auto k, unmarshal_public_key(m.key));
    if (PeerId::from_public_key(k) != author) return make_error_code(Errc::kInvalidSignature);
    pk = k;
  } else {
    pk = author.public_key();
  }
  if (!pk || !pk->verify(signed_bytes(m), m.signature)) {
    return make_error_code(Errc::kInvalidSignature);
  }
  return author;
}

MessageId message_id(const Message& m) {
  MessageId id(as_chars(m.from));
  id.append(as_chars(m.seqno));
  return id;
}

MessageId js_message_id(const Message& m) {
  MessageId id;
  if (!m.key.empty()) {
    id.assign(as_chars(m.key));
  } else if (m.from.size() >= 2 && m.from[0] == 0x00 && m.from[1] == m.from.size() - 2) {
    // identity multihash: code 0x00, one-byte length, then the marshaled key itself
    id.assign(as_chars(BytesView(m.from).subspan(2)));
  } else {
    return {};
  }
  id.append(as_chars(m.seqno));
  return id;
}

Bytes encode_seqno(std::uint64_t n) {
  Bytes b(kSeqnoSize);
  for (std::size_t i = 0; i < kSeqnoSize; ++i) {
    b[kSeqnoSize - 1 - i] = static_cast<std::uint8_t>(n >> (8 * i));
  }
  return b;
}

}  // namespace goop::p2p::gossipsub
