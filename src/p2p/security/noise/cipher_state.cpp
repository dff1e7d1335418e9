#include "p2p/security/noise/cipher_state.hpp"

#include "p2p/errors.hpp"

#include <cstring>

namespace goop::p2p::noise {

Nonce CipherState::current_nonce() const noexcept {
  Nonce nonce{};
  for (std::size_t i = 0; i < 8; ++i) nonce[4 + i] = static_cast<std::uint8_t>(n_ >> (8 * i));
  return nonce;
}

Result<void> CipherState::encrypt_with_ad(BytesView ad, BytesView plaintext, std::uint8_t* out) {
  if (!aead_) {
    if (!plaintext.empty() && out != plaintext.data()) {
      std::memmove(out, plaintext.data(), plaintext.size());
    }
    return {};
  }
  if (n_ == kMaxNonce) return make_error_code(Errc::kResourceLimit);
  aead_->seal(current_nonce(), ad, plaintext, out);
  ++n_;
  return {};
}

Result<void> CipherState::decrypt_with_ad(BytesView ad, BytesView ciphertext, std::uint8_t* out) {
  if (!aead_) {
    if (!ciphertext.empty() && out != ciphertext.data()) {
      std::memmove(out, ciphertext.data(), ciphertext.size());
    }
    return {};
  }
  if (n_ == kMaxNonce) return make_error_code(Errc::kResourceLimit);
  if (!aead_->open(current_nonce(), ad, ciphertext, out)) {
    return make_error_code(Errc::kProtocolViolation);
  }
  ++n_;
  return {};
}

}  // namespace goop::p2p::noise
