// The Noise handshake payload arrives (decrypted, but written by any remote) in messages 2 and
// 3: the decoder must reject bad input cleanly, respect its caps, and round-trip what it accepts.
#include "p2p/security/noise/payload.hpp"

#include <cstdint>
#include <cstdlib>

using namespace goop;
using namespace goop::p2p;
using namespace goop::p2p::noise;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const BytesView in(data, size);
  auto p = decode_payload(in);
  if (!p) return 0;
  if (p->identity_key.size() > kMaxKeyMessage || p->identity_sig.size() > kMaxSignatureSize) {
    std::abort();
  }
  if (p->extensions && (p->extensions->stream_muxers.size() > kMaxExtensionEntries ||
                        p->extensions->webtransport_certhashes.size() > kMaxExtensionEntries)) {
    std::abort();
  }
  auto again = decode_payload(encode_payload(*p));
  if (!again || !(*again == *p)) std::abort();
  const DhPublic static_key{};
  (void)verify_payload(*p, static_key);
  return 0;
}
