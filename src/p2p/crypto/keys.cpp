#include "p2p/crypto/keys.hpp"

#include "base/check.hpp"
#include "p2p/errors.hpp"
#include "p2p/multiformats/varint.hpp"

#include <sodium.h>

#include <cstring>

namespace goop::p2p {
namespace {

void ensure_sodium() {
  static const int ok = sodium_init();
  GOOP_CHECK(ok >= 0);
}

struct KeyMessage {
  std::uint64_t type;
  BytesView data;
};

// Parses the two-field key protobuf. Unknown fields are skipped if their wire type is known;
// both required fields must be present.
Result<KeyMessage> parse_key_message(BytesView in) {
  if (in.size() > kMaxKeyMessage) return make_error_code(goop::Errc::kTooLarge);
  bool have_type = false, have_data = false;
  KeyMessage msg{};
  while (!in.empty()) {
    GOOP_TRY(auto tag, decode_uvarint(in));
    in = in.subspan(tag.size);
    const std::uint64_t field = tag.value >> 3;
    const std::uint64_t wire = tag.value & 7;
    if (wire == 0) {
      GOOP_TRY(auto v, decode_uvarint(in));
      in = in.subspan(v.size);
      if (field == 1) {
        msg.type = v.value;
        have_type = true;
      }
    } else if (wire == 2) {
      GOOP_TRY(auto len, decode_uvarint(in));
      in = in.subspan(len.size);
      if (len.value > in.size()) return make_error_code(Errc::kTruncated);
      if (field == 2) {
        msg.data = in.first(len.value);
        have_data = true;
      }
      in = in.subspan(len.value);
    } else {
      return make_error_code(Errc::kInvalidEncoding);
    }
  }
  if (!have_type || !have_data) return make_error_code(Errc::kInvalidEncoding);
  if (msg.type > static_cast<std::uint64_t>(KeyType::kEcdsa))
    return make_error_code(Errc::kInvalidEncoding);
  if (msg.type != static_cast<std::uint64_t>(KeyType::kEd25519)) {
    return make_error_code(Errc::kUnsupportedKeyType);
  }
  return msg;
}

Bytes marshal(BytesView data) {
  Bytes out{0x08, static_cast<std::uint8_t>(KeyType::kEd25519), 0x12};
  append_uvarint(out, data.size());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

}  // namespace

Result<Ed25519PublicKey> Ed25519PublicKey::from_raw(BytesView raw) {
  if (raw.size() != kEd25519PublicKeySize) return make_error_code(Errc::kInvalidKey);
  std::array<std::uint8_t, kEd25519PublicKeySize> a;
  std::memcpy(a.data(), raw.data(), a.size());
  return Ed25519PublicKey(a);
}

bool Ed25519PublicKey::verify(BytesView message, BytesView sig) const noexcept {
  ensure_sodium();
  if (sig.size() != kEd25519SignatureSize) return false;
  return crypto_sign_verify_detached(sig.data(), message.data(), message.size(), raw_.data()) == 0;
}

Ed25519PrivateKey Ed25519PrivateKey::generate() {
  ensure_sodium();
  std::array<std::uint8_t, kEd25519SeedSize> seed;
  randombytes_buf(seed.data(), seed.size());
  auto key = from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  return *key;
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::from_seed(BytesView seed) {
  ensure_sodium();
  if (seed.size() != kEd25519SeedSize) return make_error_code(Errc::kInvalidKey);
  Ed25519PrivateKey key;
  std::array<std::uint8_t, kEd25519PublicKeySize> pk;
  GOOP_CHECK(crypto_sign_seed_keypair(pk.data(), key.sk_.data(), seed.data()) == 0);
  return key;
}

Ed25519PrivateKey::~Ed25519PrivateKey() { sodium_memzero(sk_.data(), sk_.size()); }

Signature Ed25519PrivateKey::sign(BytesView message) const noexcept {
  Signature sig;
  GOOP_CHECK(
      crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), sk_.data()) == 0);
  return sig;
}

Ed25519PublicKey Ed25519PrivateKey::public_key() const {
  std::array<std::uint8_t, kEd25519PublicKeySize> pk;
  std::memcpy(pk.data(), sk_.data() + kEd25519SeedSize, pk.size());
  return Ed25519PublicKey(pk);
}

Bytes marshal_public_key(const Ed25519PublicKey& key) { return marshal(key.raw()); }

Result<Ed25519PublicKey> unmarshal_public_key(BytesView message) {
  GOOP_TRY(auto msg, parse_key_message(message));
  return Ed25519PublicKey::from_raw(msg.data);
}

Bytes marshal_private_key(const Ed25519PrivateKey& key) { return marshal(key.seed_and_public()); }

Result<Ed25519PrivateKey> unmarshal_private_key(BytesView message) {
  GOOP_TRY(auto msg, parse_key_message(message));
  BytesView data = msg.data;
  if (data.size() == 96) {
    // Legacy go-libp2p form with the public key repeated (go-libp2p issue #36).
    if (std::memcmp(data.data() + 32, data.data() + 64, 32) != 0) {
      return make_error_code(Errc::kInvalidKey);
    }
    data = data.first(64);
  }
  if (data.size() != 64) return make_error_code(Errc::kInvalidKey);
  GOOP_TRY(auto key, Ed25519PrivateKey::from_seed(data.first(kEd25519SeedSize)));
  if (std::memcmp(key.public_key().raw().data(), data.data() + 32, 32) != 0) {
    return make_error_code(Errc::kInvalidKey);
  }
  return key;
}

}  // namespace goop::p2p
