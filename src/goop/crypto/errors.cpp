#include "goop/crypto/errors.hpp"

#include <string>

// error_category has a protected non-virtual destructor by design (Boost.System).
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"

namespace goop::crypto {
namespace {

class CryptoCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "goop.crypto"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::kBadKey:
        return "unusable NaCl key";
      case Errc::kNoKey:
        return "no NaCl public key known for the peer";
      case Errc::kMalformed:
        return "malformed sealed message";
      case Errc::kDecryptFailed:
        return "sealed message does not open (wrong key or tampered)";
      case Errc::kKeyConflict:
        return "NaCl key conflicts with the peer's bound key";
      case Errc::kBadFrame:
        return "malformed sealed frame";
    }
    return "unknown crypto error";
  }
};

}  // namespace

const boost::system::error_category& crypto_category() noexcept {
  static const CryptoCategory cat;
  return cat;
}

}  // namespace goop::crypto
