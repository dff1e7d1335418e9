// The body of POST /publish and every WebSocket frame a rendezvous receives, from anyone on the
// network: check_publish must refuse bad input cleanly, never accept a punch, and keep its caps.
#include "rendezvous/publish_check.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace goop;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto m = rendezvous::check_publish(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!m) return 0;
  if (m->type == presence::MsgType::kPunch || m->email.size() > rendezvous::kMaxEmailBytes ||
      m->addrs.size() > presence::kMaxAddrs) {
    std::abort();
  }
  for (const auto& a : m->addrs) {
    if (a.size() > rendezvous::kMaxAddrBytes) std::abort();
  }
  return 0;
}
