#include "goop/crypto/nacl_box.hpp"

#include "base/check.hpp"
#include "base/errors.hpp"
#include "goop/crypto/errors.hpp"

#include <fmt/core.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace goop::crypto {
namespace {

static_assert(kNaclKeySize == crypto_box_PUBLICKEYBYTES);
static_assert(kNaclKeySize == crypto_box_SECRETKEYBYTES);
static_assert(kNaclNonceSize == crypto_box_NONCEBYTES);
static_assert(kNaclMacSize == crypto_box_MACBYTES);

std::string to_b64(const std::uint8_t* data, std::size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL libsodium writes
  return out;
}

// Decodes standard padded base64 into `out` (resized to the decoded length). False if `b64` is
// not exactly that (other characters, missing padding, trailing bytes).
bool from_b64(std::string_view b64, Bytes& out) {
  out.resize(b64.size() / 4 * 3 + 3);
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), b64.data(), b64.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != b64.data() + b64.size()) {
    return false;
  }
  out.resize(len);
  return true;
}

// Decodes a 32-byte key; the error message never quotes the text (it may be a secret).
Expected<std::array<std::uint8_t, kNaclKeySize>> decode_key(std::string_view b64,
                                                            std::string_view what) {
  ensure_sodium();
  if (b64.empty()) {
    return Error{make_error_code(Errc::kBadKey), fmt::format("{} is empty", what)};
  }
  if (b64.size() > 64) {
    return Error{make_error_code(Errc::kBadKey),
                 fmt::format("{} is {} characters long; a NaCl key is 44 characters of base64 "
                             "(32 bytes)",
                             what, b64.size())};
  }
  Bytes raw;
  if (!from_b64(b64, raw)) {
    return Error{make_error_code(Errc::kBadKey),
                 fmt::format("{} is not standard base64 (A-Z a-z 0-9 + / with = padding)", what)};
  }
  if (raw.size() != kNaclKeySize) {
    sodium_memzero(raw.data(), raw.size());
    return Error{make_error_code(Errc::kBadKey),
                 fmt::format("{} decodes to {} bytes; a NaCl key is 32 bytes", what, raw.size())};
  }
  std::array<std::uint8_t, kNaclKeySize> key{};
  std::copy(raw.begin(), raw.end(), key.begin());
  sodium_memzero(raw.data(), raw.size());
  return key;
}

}  // namespace

void ensure_sodium() {
  // A function-local static is initialised exactly once, even with concurrent callers.
  static const bool ok = sodium_init() >= 0;
  if (!ok) {
    std::fputs("libsodium could not be initialised (no usable random source)\n", stderr);
    std::abort();
  }
}

Expected<NaclPublicKey> NaclPublicKey::from_base64(std::string_view b64, std::string_view what) {
  GOOP_TRY(auto raw, decode_key(b64, what));
  return NaclPublicKey(raw);
}

std::string NaclPublicKey::to_base64() const {
  ensure_sodium();
  return to_b64(raw_.data(), raw_.size());
}

NaclPrivateKey::~NaclPrivateKey() { sodium_memzero(raw_.data(), raw_.size()); }

Expected<NaclPrivateKey> NaclPrivateKey::from_base64(std::string_view b64, std::string_view what) {
  GOOP_TRY(auto raw, decode_key(b64, what));
  NaclPrivateKey key(raw);
  sodium_memzero(raw.data(), raw.size());
  return key;
}

std::string NaclPrivateKey::to_base64() const {
  ensure_sodium();
  return to_b64(raw_.data(), raw_.size());
}

NaclPublicKey NaclPrivateKey::public_key() const {
  ensure_sodium();
  NaclPublicKey::Raw pub{};
  // Fails only for a scalar that yields the identity point, which clamping rules out.
  GOOP_CHECK(crypto_scalarmult_base(pub.data(), raw_.data()) == 0);
  return NaclPublicKey(pub);
}

NaclKeyPair generate_key_pair() {
  ensure_sodium();
  NaclPublicKey::Raw pub{};
  NaclPrivateKey::Raw priv{};
  crypto_box_keypair(pub.data(), priv.data());
  NaclKeyPair pair{NaclPublicKey(pub), NaclPrivateKey(priv)};
  sodium_memzero(priv.data(), priv.size());
  return pair;
}

Expected<NaclKeyPair> key_pair_from_config(std::string_view public_b64,
                                           std::string_view private_b64) {
  constexpr std::string_view kFix =
      "; fix it, or empty both p2p.nacl_public_key and p2p.nacl_private_key to generate a new "
      "key pair";
  auto priv = NaclPrivateKey::from_base64(private_b64, "p2p.nacl_private_key");
  if (!priv) return Error{priv.error().code, priv.error().message + std::string(kFix)};
  auto pub = NaclPublicKey::from_base64(public_b64, "p2p.nacl_public_key");
  if (!pub) return Error{pub.error().code, pub.error().message + std::string(kFix)};
  if (priv->public_key() != *pub) {
    return Error{make_error_code(Errc::kBadKey),
                 fmt::format("p2p.nacl_public_key is not the public key of p2p.nacl_private_key "
                             "(peers would seal messages this peer cannot open){}",
                             kFix)};
  }
  return NaclKeyPair{*pub, *priv};
}

Expected<std::string> seal_with_nonce(const NaclPublicKey& recipient, const NaclPrivateKey& ours,
                                      BytesView plaintext,
                                      std::span<const std::uint8_t, kNaclNonceSize> nonce) {
  ensure_sodium();
  Bytes out(kNaclNonceSize + kNaclMacSize + plaintext.size());
  std::copy(nonce.begin(), nonce.end(), out.begin());
  if (crypto_box_easy(out.data() + kNaclNonceSize, plaintext.data(), plaintext.size(), nonce.data(),
                      recipient.bytes().data(), ours.bytes().data()) != 0) {
    return Error{make_error_code(Errc::kBadKey),
                 fmt::format("cannot seal for NaCl public key {}: it is a low-order point that "
                             "no one holds the private key for",
                             recipient.to_base64())};
  }
  return to_b64(out.data(), out.size());
}

Expected<std::string> seal(const NaclPublicKey& recipient, const NaclPrivateKey& ours,
                           BytesView plaintext) {
  ensure_sodium();
  std::array<std::uint8_t, kNaclNonceSize> nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  return seal_with_nonce(recipient, ours, plaintext, nonce);
}

Expected<Bytes> open(const NaclPublicKey& sender, const NaclPrivateKey& ours,
                     std::string_view sealed_b64, std::size_t max_sealed_size) {
  ensure_sodium();
  if (sealed_b64.size() > max_sealed_size) {
    return Error{make_error_code(goop::Errc::kTooLarge),
                 fmt::format("sealed message too large: {} characters, the limit is {}",
                             sealed_b64.size(), max_sealed_size)};
  }
  Bytes raw;
  if (!from_b64(sealed_b64, raw)) {
    return Error{
        make_error_code(Errc::kMalformed),
        fmt::format("sealed message is not standard base64 ({} characters)", sealed_b64.size())};
  }
  if (raw.size() < kNaclSealOverhead) {
    return Error{make_error_code(Errc::kMalformed),
                 fmt::format("sealed message too short: {} bytes, need at least {}", raw.size(),
                             kNaclSealOverhead)};
  }
  Bytes plain(raw.size() - kNaclSealOverhead);
  if (crypto_box_open_easy(plain.data(), raw.data() + kNaclNonceSize, raw.size() - kNaclNonceSize,
                           raw.data(), sender.bytes().data(), ours.bytes().data()) != 0) {
    return Error{make_error_code(Errc::kDecryptFailed),
                 "sealed message does not open: wrong key or tampered"};
  }
  return plain;
}

}  // namespace goop::crypto
