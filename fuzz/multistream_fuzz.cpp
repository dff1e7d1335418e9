// multistream-select messages come straight off fresh connections before any authentication:
// the codec must reject bad input cleanly and round-trip what it accepts.
#include "p2p/negotiation/codec.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

using namespace goop;
using namespace goop::p2p::multistream;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  BytesView in(data, size);
  // A sequence of messages, as a listener would read them.
  while (!in.empty()) {
    auto msg = decode_message(in, kMaxLsResponseSize);
    if (!msg) break;
    const Bytes again = encode_message(msg->text);
    if (again.size() != msg->size || !std::equal(again.begin(), again.end(), in.begin())) {
      std::abort();
    }
    if (auto list = decode_ls_response(msg->text)) {
      if (encode_ls_response(*list) != again) std::abort();
    }
    (void)is_valid_protocol_name(msg->text);
    in = in.subspan(msg->size);
  }
  (void)decode_message_payload(BytesView(data, size));
  return 0;
}
