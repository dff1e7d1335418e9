#pragma once
// Noise CipherState (Noise spec §5.1): a ChaCha20-Poly1305 key and a 64-bit message counter.
// The 96-bit AEAD nonce is 4 zero bytes followed by the counter in little-endian (§12.3).
//
// Invariants:
//  1. The counter only grows; each value is used for at most one message.
//  2. Encryption and decryption at counter 2^64-1 are refused (reserved by §5.1; libp2p noise
//     spec: terminate before the nonce wraps), so no nonce is ever reused.
//
// Not thread-safe; a transport CipherState belongs to one direction of one connection.

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "p2p/security/noise/primitives.hpp"

#include <cstdint>
#include <optional>

namespace goop::p2p::noise {

inline constexpr std::uint64_t kMaxNonce = UINT64_MAX;  // reserved, never used

class CipherState {
 public:
  CipherState() = default;  // no key: encrypt/decrypt pass data through (handshake only)
  explicit CipherState(const Key& key) : aead_(key) {}

  bool has_key() const noexcept { return aead_.has_value(); }

  // Writes plaintext.size() + kTagLen bytes to `out` (or plaintext.size() without a key) and
  // advances the counter. `out` may be exactly plaintext.data(). Errors:
  // Errc::kResourceLimit when the counter reached 2^64-1 (nothing is written).
  Result<void> encrypt_with_ad(BytesView ad, BytesView plaintext, std::uint8_t* out);

  // Writes ciphertext.size() - kTagLen bytes to `out` (ciphertext.size() without a key) and
  // advances the counter. Errors: Errc::kProtocolViolation for a short message or a tag that
  // does not verify (the counter does not advance then); kResourceLimit at 2^64-1.
  Result<void> decrypt_with_ad(BytesView ad, BytesView ciphertext, std::uint8_t* out);

  std::uint64_t nonce() const noexcept { return n_; }
  void set_nonce_for_testing(std::uint64_t n) noexcept { n_ = n; }

 private:
  Nonce current_nonce() const noexcept;

  std::optional<ChaChaPoly> aead_;
  std::uint64_t n_ = 0;
};

}  // namespace goop::p2p::noise
