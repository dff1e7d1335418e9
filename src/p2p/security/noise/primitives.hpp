#pragma once
// The cryptographic functions of Noise_XX_25519_ChaChaPoly_SHA256 (Noise spec §4, §12), on
// OpenSSL 3 EVP: SHA-256, HMAC-SHA256, HKDF (Noise §4.3, which is RFC 5869 with an empty info),
// X25519, and ChaCha20-Poly1305 (RFC 8439 AEAD). No I/O; no OpenSSL types in this header.
//
// Thread rule: each object is used by one thread at a time; the free functions are reentrant.

#include "base/bytes.hpp"
#include "base/result.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

struct evp_cipher_ctx_st;  // OpenSSL's EVP_CIPHER_CTX

namespace goop::p2p::noise {

inline constexpr std::size_t kHashLen = 32;
inline constexpr std::size_t kDhLen = 32;
inline constexpr std::size_t kKeyLen = 32;
inline constexpr std::size_t kTagLen = 16;
inline constexpr std::size_t kNonceLen = 12;

using Hash = std::array<std::uint8_t, kHashLen>;
using Key = std::array<std::uint8_t, kKeyLen>;
using DhPublic = std::array<std::uint8_t, kDhLen>;
using Nonce = std::array<std::uint8_t, kNonceLen>;

Hash sha256(BytesView a, BytesView b = {});
Hash hmac_sha256(BytesView key, BytesView data);

// Noise HKDF(chaining_key, input_key_material, 2 outputs) (Noise §4.3). Identical to RFC 5869
// with salt = chaining_key, empty info and L = 64. (XX never needs the 3-output form.)
std::array<Hash, 2> hkdf2(const Hash& chaining_key, BytesView ikm);

// An X25519 key pair; the private half is wiped on destruction.
class X25519KeyPair {
 public:
  static X25519KeyPair generate();
  // Clamps as X25519 does; any 32 bytes are a valid private key.
  static X25519KeyPair from_private(const std::array<std::uint8_t, kDhLen>& priv);

  X25519KeyPair(const X25519KeyPair&) = default;
  X25519KeyPair& operator=(const X25519KeyPair&) = default;
  ~X25519KeyPair();

  const DhPublic& public_key() const noexcept { return pub_; }
  // DH(private, remote). Errors: Errc::kInvalidKey if the result is all zeros (the remote sent a
  // low-order point; Noise §12.1 allows refusing it).
  Result<Hash> dh(const DhPublic& remote) const;

 private:
  X25519KeyPair() = default;
  std::array<std::uint8_t, kDhLen> priv_{};
  DhPublic pub_{};
};

// ChaCha20-Poly1305 with a fixed key and a caller-chosen nonce per message. One EVP context is
// created and keyed once; each seal/open only sets the nonce and direction (the transport hot
// path).
// `out` may be exactly `in` (in-place), but must not otherwise overlap it.
class ChaChaPoly {
 public:
  explicit ChaChaPoly(const Key& key);
  ChaChaPoly(ChaChaPoly&&) noexcept;
  ChaChaPoly& operator=(ChaChaPoly&&) noexcept;
  ~ChaChaPoly();

  // Writes in.size() + kTagLen bytes (ciphertext || tag) to `out`, which must be that large.
  void seal(const Nonce& nonce, BytesView ad, BytesView in, std::uint8_t* out);
  // Writes in.size() - kTagLen plaintext bytes to `out`. Returns false (and leaves `out` with
  // unspecified contents) if `in` is shorter than the tag or the tag does not verify.
  [[nodiscard]] bool open(const Nonce& nonce, BytesView ad, BytesView in, std::uint8_t* out);

 private:
  struct CtxDeleter {
    void operator()(evp_cipher_ctx_st* c) const noexcept;
  };
  std::unique_ptr<evp_cipher_ctx_st, CtxDeleter> ctx_;
};

// Fills `out` with cryptographically secure random bytes (aborts if the RNG fails).
void random_bytes(std::span<std::uint8_t> out);

}  // namespace goop::p2p::noise
