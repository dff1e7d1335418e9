#include "goop/crypto/sealer.hpp"

#include "goop/crypto/errors.hpp"

#include <fmt/core.h>

namespace goop::crypto {

Expected<std::string> Sealer::seal_for(const p2p::PeerId& peer, BytesView plaintext) const {
  const auto key = keys_.seal_key_for(peer);
  if (!key) {
    return Error{make_error_code(Errc::kNoKey),
                 fmt::format("cannot seal for peer {}: its NaCl key or encryption support is not "
                             "known",
                             peer.to_base58())};
  }
  auto sealed = seal(*key, ours_.private_key, plaintext);
  if (!sealed) {
    return Error{sealed.error().code,
                 fmt::format("peer {}: {}", peer.to_base58(), sealed.error().message)};
  }
  return sealed;
}

Expected<Bytes> Sealer::open_from(const p2p::PeerId& peer, std::string_view sealed_b64,
                                  std::size_t max_sealed_size) const {
  const auto keys = keys_.keys_to_try_for_open(peer);
  if (keys.empty()) {
    return Error{make_error_code(Errc::kNoKey),
                 fmt::format("cannot open sealed message from {}: no NaCl key is known for it",
                             peer.to_base58())};
  }
  Error last;
  for (const auto& key : keys) {
    auto plain = open(key, ours_.private_key, sealed_b64, max_sealed_size);
    if (plain) return plain;
    last = plain.error();
    if (last.code != make_error_code(Errc::kDecryptFailed)) break;  // no other key helps
  }
  if (last.code == make_error_code(Errc::kDecryptFailed)) {
    return Error{last.code,
                 fmt::format("cannot open sealed message from {}: wrong key or tampered (tried "
                             "{} known key{})",
                             peer.to_base58(), keys.size(), keys.size() == 1 ? "" : "s")};
  }
  return Error{last.code, fmt::format("from {}: {}", peer.to_base58(), last.message)};
}

}  // namespace goop::crypto
