#pragma once
// Ed25519 keys and their libp2p protobuf encoding (libp2p specs: peer-ids/peer-ids.md, Keys).
//
//   message PublicKey  { required KeyType Type = 1; required bytes Data = 2; }
//   message PrivateKey { required KeyType Type = 1; required bytes Data = 2; }
//
// Only Ed25519 (KeyType 1) is accepted; a remote offering RSA, secp256k1 or ECDSA gets
// Errc::kUnsupportedKeyType. Signing and verification use libsodium (constant time).

#include "base/bytes.hpp"
#include "base/result.hpp"

#include <array>
#include <cstdint>

namespace goop::p2p {

enum class KeyType : std::uint8_t { kRsa = 0, kEd25519 = 1, kSecp256k1 = 2, kEcdsa = 3 };

inline constexpr std::size_t kEd25519PublicKeySize = 32;
inline constexpr std::size_t kEd25519SeedSize = 32;
inline constexpr std::size_t kEd25519SignatureSize = 64;
// A remote key message larger than this is refused before parsing (RSA-4096 is ~550 bytes).
inline constexpr std::size_t kMaxKeyMessage = 1024;

using Signature = std::array<std::uint8_t, kEd25519SignatureSize>;

class Ed25519PublicKey {
 public:
  explicit Ed25519PublicKey(const std::array<std::uint8_t, kEd25519PublicKeySize>& raw)
      : raw_(raw) {}
  // Errors: Errc::kInvalidKey if `raw` is not 32 bytes.
  static Result<Ed25519PublicKey> from_raw(BytesView raw);

  // True if `sig` is a valid signature of `message` by this key.
  bool verify(BytesView message, BytesView sig) const noexcept;

  const std::array<std::uint8_t, kEd25519PublicKeySize>& raw() const noexcept { return raw_; }
  friend bool operator==(const Ed25519PublicKey&, const Ed25519PublicKey&) = default;

 private:
  std::array<std::uint8_t, kEd25519PublicKeySize> raw_;
};

// Holds the 64-byte libsodium secret key (seed followed by public key); wiped on destruction.
class Ed25519PrivateKey {
 public:
  static Ed25519PrivateKey generate();
  // Errors: Errc::kInvalidKey if `seed` is not 32 bytes.
  static Result<Ed25519PrivateKey> from_seed(BytesView seed);

  Ed25519PrivateKey(const Ed25519PrivateKey&) = default;
  Ed25519PrivateKey& operator=(const Ed25519PrivateKey&) = default;
  ~Ed25519PrivateKey();

  Signature sign(BytesView message) const noexcept;
  Ed25519PublicKey public_key() const;
  BytesView seed() const noexcept { return BytesView(sk_.data(), kEd25519SeedSize); }
  // seed || public key, the 64-byte form go-libp2p stores.
  BytesView seed_and_public() const noexcept { return BytesView(sk_.data(), sk_.size()); }

 private:
  Ed25519PrivateKey() = default;
  std::array<std::uint8_t, 64> sk_{};
};

// `08 01 12 20 <32 bytes>`.
Bytes marshal_public_key(const Ed25519PublicKey& key);
// Errors: goop::Errc::kTooLarge over kMaxKeyMessage, Errc::kInvalidEncoding for a malformed
// protobuf or missing field, Errc::kUnsupportedKeyType for any type but Ed25519, Errc::kInvalidKey
// for a wrong data length.
Result<Ed25519PublicKey> unmarshal_public_key(BytesView message);

// `08 01 12 40 <seed 32><public 32>`: the go-libp2p identity.key file format.
Bytes marshal_private_key(const Ed25519PrivateKey& key);
// Accepts the 64-byte form and the legacy 96-byte form (seed, public key, public key again).
// Errors as unmarshal_public_key; also Errc::kInvalidKey if the stored public key does not
// belong to the seed.
Result<Ed25519PrivateKey> unmarshal_private_key(BytesView message);

}  // namespace goop::p2p
