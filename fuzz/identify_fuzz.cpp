// Identify messages come from any connected peer: the decoder must refuse bad input cleanly
// and re-encode what it accepts to something that decodes the same.
#include "p2p/protocol/identify/identify.hpp"

#include <cstdint>
#include <cstdlib>

using namespace goop;
using namespace goop::p2p;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto m = identify::decode(BytesView(data, size));
  if (!m) return 0;
  auto again = identify::decode(identify::encode(*m));
  if (!again || again->protocols != m->protocols || again->listen_addrs != m->listen_addrs ||
      again->agent_version != m->agent_version || again->public_key != m->public_key) {
    std::abort();
  }
  return 0;
}
