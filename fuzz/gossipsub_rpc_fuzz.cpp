// GossipSub RPCs come from any connected peer: the decoder must refuse bad input cleanly (the
// caps on IHAVE/IWANT and IDONTWANT ids included), and what it accepts must re-encode to bytes
// that decode to the same RPC. Messages that decode are also run through StrictSign
// verification and both message-id functions (which must not crash on any field content),
// encoded_size() must match the encoder (encode_rpc writes messages in place behind that
// length), and the framed encoding must be varint(len) || encode_rpc.
#include "p2p/multiformats/varint.hpp"
#include "p2p/protocol/gossipsub/rpc.hpp"
#include "p2p/protocol/gossipsub/signing.hpp"

#include <cstdint>
#include <cstdlib>

using namespace goop;
using namespace goop::p2p::gossipsub;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto rpc = decode_rpc(BytesView(data, size));
  if (!rpc) return 0;
  const Bytes body = encode_rpc(*rpc);
  auto again = decode_rpc(body);
  if (!again || !(*again == *rpc)) std::abort();
  std::size_t ids = 0;
  for (const auto& d : rpc->control.idontwant) ids += d.ids.size();
  if (ids > kMaxIDontWantIdsPerRpc || rpc->control.idontwant.size() > kMaxControlEntriesPerRpc)
    std::abort();
  Bytes framed;
  goop::p2p::append_uvarint(framed, body.size());
  framed.insert(framed.end(), body.begin(), body.end());
  if (encode_rpc_length_prefixed(*rpc) != framed) std::abort();
  for (const auto& m : rpc->publish) {
    (void)verify_message(m);
    (void)message_id(m);
    (void)js_message_id(m);
    if (encoded_size(m) != encode_message(m).size()) std::abort();
  }
  return 0;
}
