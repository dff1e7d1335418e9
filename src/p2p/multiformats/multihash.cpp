#include "p2p/multiformats/multihash.hpp"

#include "p2p/errors.hpp"
#include "p2p/multiformats/varint.hpp"

#include <openssl/sha.h>

namespace goop::p2p {

Bytes multihash_encode(std::uint64_t code, BytesView digest) {
  Bytes out;
  out.reserve(digest.size() + 4);
  append_uvarint(out, code);
  append_uvarint(out, digest.size());
  out.insert(out.end(), digest.begin(), digest.end());
  return out;
}

Bytes multihash_identity(BytesView data) { return multihash_encode(kMultihashIdentity, data); }

Bytes multihash_sha256(BytesView data) {
  std::uint8_t d[SHA256_DIGEST_LENGTH];
  SHA256(data.data(), data.size(), d);
  return multihash_encode(kMultihashSha256, BytesView(d, sizeof d));
}

Result<Multihash> multihash_decode(BytesView in) {
  GOOP_TRY(auto code, decode_uvarint(in));
  in = in.subspan(code.size);
  GOOP_TRY(auto len, decode_uvarint(in));
  in = in.subspan(len.size);
  if (code.value != kMultihashIdentity && code.value != kMultihashSha256) {
    return make_error_code(Errc::kUnknownProtocolCode);
  }
  if (code.value == kMultihashSha256 && len.value != 32)
    return make_error_code(Errc::kInvalidEncoding);
  if (code.value == kMultihashIdentity && len.value > kMaxIdentityDigest) {
    return make_error_code(goop::Errc::kTooLarge);
  }
  if (in.size() < len.value) return make_error_code(Errc::kTruncated);
  if (in.size() > len.value) return make_error_code(Errc::kInvalidEncoding);
  return Multihash{code.value, Bytes(in.begin(), in.end())};
}

}  // namespace goop::p2p
