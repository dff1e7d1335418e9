// Yamux frame headers arrive straight from the network: decode_header must reject bad input
// with an error, never crash, and re-encode what it accepts to the same 12 bytes.
#include "p2p/muxer/yamux/frame.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace goop;
using namespace goop::p2p::yamux;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const BytesView in(data, size);
  auto h = decode_header(in);
  if (h) {
    if (size < kHeaderSize) std::abort();
    const auto e = encode_header(*h);
    if (std::memcmp(e.data(), data, kHeaderSize) != 0) std::abort();
  }
  return 0;
}
