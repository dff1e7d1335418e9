// Sealed text (src/goop/crypto/nacl_box.*) comes from any peer, after "ENC:" or "EOK". open()
// must refuse what it cannot open with a clear error and never read out of bounds; whatever it
// does open must be exactly what seal_with_nonce() produces for that plaintext and nonce (so
// nothing but a genuine box opens). The first input byte chooses a second mode: the rest is a
// plaintext that must survive seal() then open().
#include "base/bytes.hpp"
#include "goop/crypto/nacl_box.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace goop::crypto;

namespace {

// The keys of the unit tests' fixed vector (src/goop/crypto/nacl_box_test.cpp); the corpus
// holds messages alice sealed for bob.
template <std::size_t N>
std::array<std::uint8_t, N> counting(std::uint8_t first) {
  std::array<std::uint8_t, N> a{};
  for (std::size_t i = 0; i < N; ++i) a[i] = static_cast<std::uint8_t>(first + i);
  return a;
}

constexpr std::size_t kCap = 64 * 1024;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const NaclPrivateKey alice(counting<32>(0x01));
  static const NaclPrivateKey bob(counting<32>(0x80));
  static const NaclPublicKey alice_pub = alice.public_key();
  static const NaclPublicKey bob_pub = bob.public_key();

  if (size > 0 && data[0] == '!') {
    const goop::BytesView plain(data + 1, size - 1);
    auto sealed = seal(bob_pub, alice, plain);
    if (!sealed || sealed->size() != sealed_text_size(plain.size())) std::abort();
    auto opened = open(alice_pub, bob, *sealed, sealed_text_size(plain.size()));
    if (!opened || opened->size() != plain.size() ||
        !std::equal(opened->begin(), opened->end(), plain.begin())) {
      std::abort();
    }
    return 0;
  }

  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto opened = open(alice_pub, bob, text, kCap);
  if (!opened) {
    for (char c : opened.error().message) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f) std::abort();
    }
    return 0;
  }
  // It opened: the text must be the canonical sealing of what came out. Its first 32 base64
  // characters are the 24 nonce bytes.
  if (text.size() < sealed_text_size(0)) std::abort();
  std::array<std::uint8_t, kNaclNonceSize> nonce{};
  std::size_t len = 0;
  if (sodium_base642bin(nonce.data(), nonce.size(), text.data(), 32, nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len != nonce.size()) {
    std::abort();
  }
  auto again = seal_with_nonce(bob_pub, alice, *opened, nonce);
  if (!again || *again != text) std::abort();
  return 0;
}
