#pragma once
// Error codes of the NaCl layer (spec/net.md §7) that goop::Errc has no word for. Size caps use
// goop::Errc::kTooLarge. Callers compare against these values, never against message strings.

#include <boost/system/error_code.hpp>

namespace goop::crypto {

enum class Errc {
  kBadKey = 1,     // a NaCl key is not 32 bytes of base64, or cannot be used (low-order point)
  kNoKey,          // no NaCl public key is known for the peer (seal: send plaintext instead)
  kMalformed,      // sealed text that is not base64, or too short to hold a nonce and a MAC
  kDecryptFailed,  // the box does not open: a wrong key, or the bytes were changed
  kKeyConflict,    // an unbound key offered for a peer whose key is bound to its identity
  kBadFrame,       // an ENC:/EOK line that does not follow the protocol
};

const boost::system::error_category& crypto_category() noexcept;

inline boost::system::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), crypto_category()};
}

}  // namespace goop::crypto

namespace boost::system {
template <>
struct is_error_code_enum<goop::crypto::Errc> : std::true_type {};
}  // namespace boost::system
