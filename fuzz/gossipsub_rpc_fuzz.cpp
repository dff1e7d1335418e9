// GossipSub RPCs come from any connected peer: the decoder must refuse bad input cleanly, and
// what it accepts must re-encode to bytes that decode to the same RPC. Messages that decode
// are also run through StrictSign verification and both message-id functions (which must not
// crash on any field content), and encoded_size() must match the encoder (encode_rpc writes
// messages in place behind that length).
#include "p2p/protocol/gossipsub/rpc.hpp"
#include "p2p/protocol/gossipsub/signing.hpp"

#include <cstdint>
#include <cstdlib>

using namespace goop;
using namespace goop::p2p::gossipsub;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto rpc = decode_rpc(BytesView(data, size));
  if (!rpc) return 0;
  auto again = decode_rpc(encode_rpc(*rpc));
  if (!again || !(*again == *rpc)) std::abort();
  for (const auto& m : rpc->publish) {
    (void)verify_message(m);
    (void)message_id(m);
    (void)js_message_id(m);
    if (encoded_size(m) != encode_message(m).size()) std::abort();
  }
  return 0;
}
