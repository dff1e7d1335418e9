// Presence messages arrive from any peer on the LAN (gossip) and later from the rendezvous:
// decode must refuse bad JSON cleanly, and what it accepts must re-encode to JSON that decodes
// to the same message.
#include "goop/presence/message.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace goop::presence;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto m = decode(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!m) return 0;
  auto again = decode(encode(*m));
  if (!again) std::abort();
  if (again->peer_id != m->peer_id || again->type != m->type || again->ts != m->ts ||
      again->content != m->content || again->addrs != m->addrs) {
    std::abort();
  }
  (void)is_authored_by(*m, m->peer_id);
  return 0;
}
