#pragma once
// NaCl box exactly as the Go peers use it (spec/net.md §7.1, §7.2), over libsodium:
//
//   seal(recipient, ours, m) = base64(nonce(24) || crypto_box_easy(m, nonce, recipient, ours))
//
// with a fresh random nonce per message; crypto_box_easy's output is MAC(16) || ciphertext, the
// same bytes as Go's golang.org/x/crypto/nacl/box.Seal. base64 is standard, with padding
// (RFC 4648 §4). open() is the reverse. Keys are X25519, stored in goop.json as base64 of 32
// bytes (p2p.nacl_public_key / p2p.nacl_private_key).
//
// Pure functions over their arguments (the nonce comes from libsodium's CSPRNG); thread-safe.
// Every entry point initialises libsodium once (ensure_sodium()).

#include "base/bytes.hpp"
#include "base/result.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace goop::crypto {

inline constexpr std::size_t kNaclKeySize = 32;    // crypto_box_PUBLICKEYBYTES / SECRETKEYBYTES
inline constexpr std::size_t kNaclNonceSize = 24;  // crypto_box_NONCEBYTES
inline constexpr std::size_t kNaclMacSize = 16;    // crypto_box_MACBYTES
inline constexpr std::size_t kNaclSealOverhead = kNaclNonceSize + kNaclMacSize;  // 40

// The length of the base64 text seal() produces for `plaintext_size` bytes.
constexpr std::size_t sealed_text_size(std::size_t plaintext_size) noexcept {
  return 4 * ((plaintext_size + kNaclSealOverhead + 2) / 3);
}

// Initialises libsodium once per process (thread-safe, cheap after the first call). Aborts if
// libsodium cannot start (no entropy source): nothing in the peer can work without it.
void ensure_sodium();

class NaclPublicKey {
 public:
  using Raw = std::array<std::uint8_t, kNaclKeySize>;

  explicit NaclPublicKey(const Raw& raw) noexcept : raw_(raw) {}
  // Decodes base64 of exactly 32 bytes. Errors: crypto::Errc::kBadKey, naming `what` (e.g.
  // "p2p.nacl_public_key", "the NaCl key announced by 12D3Ko…abc") and what is wrong with it.
  static Expected<NaclPublicKey> from_base64(std::string_view b64,
                                             std::string_view what = "NaCl public key");

  const Raw& bytes() const noexcept { return raw_; }
  std::string to_base64() const;

  friend bool operator==(const NaclPublicKey&, const NaclPublicKey&) = default;

 private:
  Raw raw_;
};

// An X25519 secret key. Wiped from memory when destroyed; never logged or formatted.
class NaclPrivateKey {
 public:
  using Raw = std::array<std::uint8_t, kNaclKeySize>;

  explicit NaclPrivateKey(const Raw& raw) noexcept : raw_(raw) {}
  NaclPrivateKey(const NaclPrivateKey&) = default;
  NaclPrivateKey& operator=(const NaclPrivateKey&) = default;
  ~NaclPrivateKey();
  // Decodes base64 of exactly 32 bytes. Errors: crypto::Errc::kBadKey naming `what`; the message
  // never contains the key text.
  static Expected<NaclPrivateKey> from_base64(std::string_view b64,
                                              std::string_view what = "NaCl private key");

  const Raw& bytes() const noexcept { return raw_; }
  // For writing goop.json only.
  std::string to_base64() const;
  // The matching public key (X25519 base-point multiplication).
  NaclPublicKey public_key() const;

 private:
  Raw raw_;
};

struct NaclKeyPair {
  NaclPublicKey public_key;
  NaclPrivateKey private_key;
};

// A fresh random key pair (crypto_box_keypair).
NaclKeyPair generate_key_pair();

// The key pair stored in goop.json. Both must be base64 of 32 bytes and the public key must be
// the one derived from the private key (otherwise peers would seal to a key we cannot open with).
// Errors (crypto::Errc::kBadKey) name the field and say how to fix it ("empty both to generate a
// new key pair"). A caller that gets an error runs without encryption and never announces
// encryptionSupported.
Expected<NaclKeyPair> key_pair_from_config(std::string_view public_b64,
                                           std::string_view private_b64);

// Seals `plaintext` for `recipient` with a random nonce: base64(nonce || crypto_box_easy(...)),
// sealed_text_size(plaintext.size()) characters. Errors: crypto::Errc::kBadKey if `recipient`
// is a low-order point (libsodium refuses the all-zero shared secret; the Go peer would seal
// anyway, to a key nobody can use).
Expected<std::string> seal(const NaclPublicKey& recipient, const NaclPrivateKey& ours,
                           BytesView plaintext);

// As seal() with a given nonce. For test vectors only: a nonce must never be reused.
Expected<std::string> seal_with_nonce(const NaclPublicKey& recipient, const NaclPrivateKey& ours,
                                      BytesView plaintext,
                                      std::span<const std::uint8_t, kNaclNonceSize> nonce);

// Opens what seal() produced, sent by `sender` to us. Refuses text longer than
// `max_sealed_size` characters before decoding anything. Errors:
//   goop::Errc::kTooLarge       more than `max_sealed_size` characters;
//   crypto::Errc::kMalformed    not standard padded base64, or fewer than 40 bytes once decoded
//                               ("sealed message too short: 10 bytes, need at least 40");
//   crypto::Errc::kDecryptFailed the box does not open with this key pair.
// Messages do not name the peer (the caller knows it; see Sealer::open_from).
Expected<Bytes> open(const NaclPublicKey& sender, const NaclPrivateKey& ours,
                     std::string_view sealed_b64, std::size_t max_sealed_size);

}  // namespace goop::crypto
