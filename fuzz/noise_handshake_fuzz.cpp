// Arbitrary bytes as Noise XX handshake messages. The first input byte picks the target:
//   0: the responder reads the rest as message 1, then writes message 2;
//   1: the initiator (after writing message 1) reads the rest as message 2;
//   2: after a real message 1 and 2, the responder reads the rest as message 3;
//   3: a real handshake whose payloads are the rest of the input; each side must receive
//      exactly what the other sent, and the payload decoder runs on it.
// No input may crash the state machine; failures must leave it failed.
#include "p2p/errors.hpp"
#include "p2p/security/noise/handshake_state.hpp"
#include "p2p/security/noise/payload.hpp"

#include <cstdint>
#include <cstdlib>

using namespace goop;
using namespace goop::p2p::noise;

namespace {

X25519KeyPair key(std::uint8_t seed) {
  std::array<std::uint8_t, kDhLen> priv{};
  priv.fill(seed);
  return X25519KeyPair::from_private(priv);
}

void check_failed_state(HandshakeState& hs) {
  if (hs.is_complete() || hs.split()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const BytesView in(data + 1, size - 1);
  HandshakeState init(Role::kInitiator, key(1), key(2));
  HandshakeState resp(Role::kResponder, key(3), key(4));
  switch (data[0] % 4) {
    case 0: {
      auto p = resp.read_message(in);
      if (!p) return check_failed_state(resp), 0;
      // The payload (≤ 65503 bytes) fits message 2; only a low-order remote ephemeral key can
      // make it fail (its DH result is all zeros).
      if (auto m2 = resp.write_message(*p); !m2) {
        if (m2.error() != goop::p2p::Errc::kInvalidKey) std::abort();
        check_failed_state(resp);
      }
      break;
    }
    case 1: {
      if (!init.write_message({})) std::abort();
      if (auto p = init.read_message(in))
        (void)decode_payload(*p);
      else
        check_failed_state(init);
      break;
    }
    case 2: {
      auto m1 = init.write_message({});
      if (!m1 || !resp.read_message(*m1)) std::abort();
      auto m2 = resp.write_message({});
      if (!m2 || !init.read_message(*m2)) std::abort();
      if (resp.read_message(in)) {
        std::abort();  // forging message 3 would need the initiator's keys
      }
      check_failed_state(resp);
      break;
    }
    default: {
      auto m1 = init.write_message({});
      if (!m1 || !resp.read_message(*m1)) std::abort();
      auto m2 = resp.write_message(in);
      if (!m2) {
        if (in.size() <= kMaxMessageSize - 96) std::abort();
        return 0;
      }
      auto p2 = init.read_message(*m2);
      if (!p2 || !std::equal(p2->begin(), p2->end(), in.begin(), in.end())) std::abort();
      (void)decode_payload(*p2);
      auto m3 = init.write_message(in);
      if (!m3) std::abort();
      auto p3 = resp.read_message(*m3);
      if (!p3 || *p3 != *p2) std::abort();
      if (!init.is_complete() || !resp.is_complete() ||
          init.handshake_hash() != resp.handshake_hash()) {
        std::abort();
      }
      break;
    }
  }
  return 0;
}
