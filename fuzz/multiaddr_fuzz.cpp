// Multiaddrs arrive from the network (identify listen addrs, peer records, relay reservations,
// DCUtR): decoding must fail cleanly on bad input and round-trip exactly what it accepts.
#include "p2p/multiformats/multiaddr.hpp"
#include "p2p/transport/tcp/tcp_addr.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

using namespace goop;
using namespace goop::p2p;

namespace {
void check_round_trip(const Multiaddr& m) {
  auto again = Multiaddr::from_bytes(m.bytes());
  if (!again || *again != m) std::abort();
  const auto text = m.to_string();
  auto reparsed = Multiaddr::parse(text);
  if (!reparsed || *reparsed != m || reparsed->to_string() != text) std::abort();
  (void)m.peer_id();
  (void)p2p::tcp::to_endpoint(m);
  if (!m.empty()) {
    const auto last =
        Multiaddr::from_bytes(m.bytes()).value().decapsulate_code(m.components().back().code);
    if (last.bytes().size() >= m.bytes().size()) std::abort();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const BytesView in(data, size);
  if (auto m = Multiaddr::from_bytes(in)) {
    if (m->bytes().size() != in.size() || !std::equal(in.begin(), in.end(), m->bytes().begin())) {
      std::abort();
    }
    check_round_trip(*m);
  }
  if (auto m = Multiaddr::parse(as_chars(in))) check_round_trip(*m);
  return 0;
}
