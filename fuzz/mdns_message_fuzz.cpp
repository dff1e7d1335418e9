// mDNS packets arrive from anyone on the LAN: decoding must fail cleanly on any input (no
// unbounded compression walks), and whatever decodes must re-encode and decode to the same
// message (names, TXT strings and rdata survive without compression).
#include "p2p/crypto/keys.hpp"
#include "p2p/discovery/mdns/dns_message.hpp"
#include "p2p/discovery/mdns/records.hpp"
#include "p2p/errors.hpp"

#include <cstdint>
#include <cstdlib>

using namespace goop;
using namespace goop::p2p;
using namespace goop::p2p::mdns;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const PeerId self =
      PeerId::from_public_key(Ed25519PrivateKey::from_seed(Bytes(32, 7)).value().public_key());
  auto m = decode(BytesView(data, size));
  if (!m) return 0;
  (void)peers_in_response(*m, kStandardServiceName, self);
  (void)peers_in_response(*m, "goop-mdns.local", self);
  (void)asks_for(*m, kStandardServiceName, "peer");
  auto bytes = encode(*m);
  // Everything decode accepts re-encodes, except that a message may outgrow the size cap once
  // its compressed names are written out in full.
  if (!bytes) {
    if (bytes.error() != make_error_code(goop::Errc::kTooLarge)) std::abort();
    return 0;
  }
  auto again = decode(*bytes);
  if (!again || !(*again == *m)) std::abort();
  return 0;
}
