#include "p2p/security/noise/primitives.hpp"

#include "base/check.hpp"
#include "p2p/errors.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sodium.h>

#include <climits>
#include <cstring>

namespace goop::p2p::noise {
namespace {

int to_int(std::size_t n) {
  GOOP_CHECK(n <= static_cast<std::size_t>(INT_MAX));
  return static_cast<int>(n);
}

}  // namespace

Hash sha256(BytesView a, BytesView b) {
  Hash out{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  GOOP_CHECK(ctx != nullptr);
  bool ok = EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
            EVP_DigestUpdate(ctx, a.data(), a.size()) == 1 &&
            EVP_DigestUpdate(ctx, b.data(), b.size()) == 1 &&
            EVP_DigestFinal_ex(ctx, out.data(), nullptr) == 1;
  EVP_MD_CTX_free(ctx);
  GOOP_CHECK(ok);
  return out;
}

Hash hmac_sha256(BytesView key, BytesView data) {
  Hash out{};
  unsigned int len = 0;
  // HMAC() rejects a null key pointer even for an empty key.
  static const std::uint8_t kEmpty = 0;
  const std::uint8_t* k = key.empty() ? &kEmpty : key.data();
  GOOP_CHECK(HMAC(EVP_sha256(), k, to_int(key.size()), data.data(), data.size(), out.data(),
                  &len) != nullptr);
  GOOP_CHECK(len == kHashLen);
  return out;
}

std::array<Hash, 2> hkdf2(const Hash& chaining_key, BytesView ikm) {
  const Hash temp = hmac_sha256(chaining_key, ikm);
  const std::uint8_t one = 0x01;
  Hash out1 = hmac_sha256(temp, BytesView(&one, 1));
  std::array<std::uint8_t, kHashLen + 1> buf{};
  std::memcpy(buf.data(), out1.data(), kHashLen);
  buf[kHashLen] = 0x02;
  Hash out2 = hmac_sha256(temp, buf);
  return {out1, out2};
}

X25519KeyPair X25519KeyPair::generate() {
  std::array<std::uint8_t, kDhLen> priv{};
  random_bytes(priv);
  X25519KeyPair kp = from_private(priv);
  sodium_memzero(priv.data(), priv.size());
  return kp;
}

// X25519 uses libsodium: its scalar multiplication is about 2.5x faster here than OpenSSL's
// EVP path, which must build key objects (and derive the public key) for every operation; on
// a 2-core box the handshake rate is bound by these 8 operations.
X25519KeyPair X25519KeyPair::from_private(const std::array<std::uint8_t, kDhLen>& priv) {
  static const bool sodium_ready = sodium_init() >= 0;  // selects the fastest implementation
  GOOP_CHECK(sodium_ready);
  X25519KeyPair kp;
  kp.priv_ = priv;
  GOOP_CHECK(crypto_scalarmult_curve25519_base(kp.pub_.data(), kp.priv_.data()) == 0);
  return kp;
}

X25519KeyPair::~X25519KeyPair() { sodium_memzero(priv_.data(), priv_.size()); }

Result<Hash> X25519KeyPair::dh(const DhPublic& remote) const {
  Hash out{};
  // libsodium refuses an all-zero shared secret (a low-order remote point) with -1.
  if (crypto_scalarmult_curve25519(out.data(), priv_.data(), remote.data()) != 0) {
    return make_error_code(Errc::kInvalidKey);
  }
  return out;
}

void ChaChaPoly::CtxDeleter::operator()(evp_cipher_ctx_st* c) const noexcept {
  EVP_CIPHER_CTX_free(c);
}

ChaChaPoly::ChaChaPoly(const Key& key) : ctx_(EVP_CIPHER_CTX_new()) {
  GOOP_CHECK(ctx_ != nullptr);
  GOOP_CHECK(
      EVP_CipherInit_ex(ctx_.get(), EVP_chacha20_poly1305(), nullptr, key.data(), nullptr, 1) == 1);
}

ChaChaPoly::ChaChaPoly(ChaChaPoly&&) noexcept = default;
ChaChaPoly& ChaChaPoly::operator=(ChaChaPoly&&) noexcept = default;
ChaChaPoly::~ChaChaPoly() = default;

void ChaChaPoly::seal(const Nonce& nonce, BytesView ad, BytesView in, std::uint8_t* out) {
  EVP_CIPHER_CTX* c = ctx_.get();
  int len = 0;
  bool ok = EVP_CipherInit_ex(c, nullptr, nullptr, nullptr, nonce.data(), 1) == 1;
  if (ok && !ad.empty()) ok = EVP_CipherUpdate(c, nullptr, &len, ad.data(), to_int(ad.size())) == 1;
  int written = 0;
  if (ok && !in.empty()) ok = EVP_CipherUpdate(c, out, &written, in.data(), to_int(in.size())) == 1;
  int tail = 0;
  if (ok) ok = EVP_CipherFinal_ex(c, out + written, &tail) == 1;
  if (ok) {
    ok = static_cast<std::size_t>(written + tail) == in.size() &&
         EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kTagLen),
                             out + in.size()) == 1;
  }
  GOOP_CHECK(ok);
}

bool ChaChaPoly::open(const Nonce& nonce, BytesView ad, BytesView in, std::uint8_t* out) {
  if (in.size() < kTagLen) return false;
  const std::size_t n = in.size() - kTagLen;
  std::array<std::uint8_t, kTagLen> tag{};
  std::memcpy(tag.data(), in.data() + n, kTagLen);
  EVP_CIPHER_CTX* c = ctx_.get();
  int len = 0;
  GOOP_CHECK(EVP_CipherInit_ex(c, nullptr, nullptr, nullptr, nonce.data(), 0) == 1);
  GOOP_CHECK(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kTagLen), tag.data()) ==
             1);
  if (!ad.empty() && EVP_CipherUpdate(c, nullptr, &len, ad.data(), to_int(ad.size())) != 1) {
    return false;
  }
  int written = 0;
  if (n > 0 && EVP_CipherUpdate(c, out, &written, in.data(), to_int(n)) != 1) return false;
  int tail = 0;
  return EVP_CipherFinal_ex(c, out + written, &tail) == 1;
}

void random_bytes(std::span<std::uint8_t> out) {
  GOOP_CHECK(RAND_bytes(out.data(), to_int(out.size())) == 1);
}

}  // namespace goop::p2p::noise
