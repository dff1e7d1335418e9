// Peer IDs and keys arrive from the network (Noise payloads, identify, presence JSON): every
// decoder here must return an error for bad input, never crash, and round-trip what it accepts.
#include "p2p/crypto/keys.hpp"
#include "p2p/crypto/peer_id.hpp"
#include "p2p/multiformats/multibase.hpp"
#include "p2p/multiformats/multihash.hpp"
#include "p2p/multiformats/varint.hpp"

#include <cstdint>
#include <cstdlib>

using namespace goop;
using namespace goop::p2p;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const BytesView in(data, size);
  (void)decode_uvarint(in);
  (void)multihash_decode(in);
  if (auto key = unmarshal_public_key(in)) {
    if (unmarshal_public_key(marshal_public_key(*key)).value() != *key) std::abort();
  }
  (void)unmarshal_private_key(in);
  if (auto id = PeerId::from_bytes(in)) {
    if (PeerId::parse(id->to_base58()).value() != *id) std::abort();
    if (PeerId::parse(id->to_cid_base36()).value() != *id) std::abort();
  }
  const std::string_view text = as_chars(in);
  (void)PeerId::parse(text);
  if (auto mb = multibase_decode(text)) {
    if (multibase_decode(multibase_encode(mb->base, mb->bytes)).value().bytes != mb->bytes)
      std::abort();
  }
  return 0;
}
