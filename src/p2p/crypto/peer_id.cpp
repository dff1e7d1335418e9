#include "p2p/crypto/peer_id.hpp"

#include "p2p/errors.hpp"
#include "p2p/multiformats/multibase.hpp"
#include "p2p/multiformats/multihash.hpp"
#include "p2p/multiformats/varint.hpp"

namespace goop::p2p {

PeerId PeerId::from_public_key(const Ed25519PublicKey& key) {
  return from_marshaled_key(marshal_public_key(key));
}

PeerId PeerId::from_marshaled_key(BytesView marshaled) {
  return PeerId(marshaled.size() <= kMaxInlineKeyLength ? multihash_identity(marshaled)
                                                        : multihash_sha256(marshaled));
}

Result<PeerId> PeerId::from_bytes(BytesView multihash) {
  GOOP_TRY_VOID(multihash_decode(multihash));
  return PeerId(Bytes(multihash.begin(), multihash.end()));
}

Result<PeerId> PeerId::parse(std::string_view text) {
  if (text.empty()) return make_error_code(Errc::kInvalidEncoding);
  if (text.starts_with("1") || text.starts_with("Qm")) {
    auto raw = base58btc_decode(text);
    if (!raw) return make_error_code(Errc::kInvalidEncoding);
    auto id = from_bytes(*raw);
    if (!id) return make_error_code(Errc::kInvalidEncoding);
    return id;
  }
  auto decoded = multibase_decode(text);
  if (!decoded) return make_error_code(Errc::kInvalidEncoding);
  BytesView cid = decoded->bytes;
  auto version = decode_uvarint(cid);
  if (!version || version->value != 1) return make_error_code(Errc::kInvalidEncoding);
  cid = cid.subspan(version->size);
  auto codec = decode_uvarint(cid);
  if (!codec || codec->value != kLibp2pKeyCodec) return make_error_code(Errc::kInvalidEncoding);
  auto id = from_bytes(cid.subspan(codec->size));
  if (!id) return make_error_code(Errc::kInvalidEncoding);
  return id;
}

Bytes PeerId::cid_bytes() const {
  Bytes out;
  append_uvarint(out, 1);
  append_uvarint(out, kLibp2pKeyCodec);
  out.insert(out.end(), bytes_.begin(), bytes_.end());
  return out;
}

std::string PeerId::to_base58() const { return base58btc_encode(bytes_); }
std::string PeerId::to_cid_base32() const {
  return multibase_encode(Multibase::kBase32, cid_bytes());
}
std::string PeerId::to_cid_base36() const {
  return multibase_encode(Multibase::kBase36, cid_bytes());
}

std::string PeerId::short_string() const {
  const std::string s = to_base58();
  if (s.size() <= 12) return s;
  return s.substr(0, 6) + "…" + s.substr(s.size() - 6);
}

std::optional<Ed25519PublicKey> PeerId::public_key() const {
  auto mh = multihash_decode(bytes_);
  if (!mh || mh->code != kMultihashIdentity) return std::nullopt;
  auto key = unmarshal_public_key(mh->digest);
  if (!key) return std::nullopt;
  return *key;
}

}  // namespace goop::p2p
