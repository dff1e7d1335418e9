#pragma once
// The identify message (specs: identify/README.md), a protobuf:
//   Identify { bytes publicKey = 1; repeated bytes listenAddrs = 2; repeated string protocols = 3;
//              bytes observedAddr = 4; string protocolVersion = 5; string agentVersion = 6;
//              bytes signedPeerRecord = 8; }
// Pure encode/decode with size caps; no I/O (fuzzed by fuzz/identify_fuzz.cpp).

#include "base/bytes.hpp"
#include "base/result.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goop::p2p::identify {

inline constexpr std::string_view kProtocolVersion = "ipfs/0.1.0";
// go and js accept at most 8 KiB (js MAX_IDENTIFY_MESSAGE_SIZE).
inline constexpr std::size_t kMaxMessageSize = 8 * 1024;
inline constexpr std::size_t kMaxProtocols = 256;
inline constexpr std::size_t kMaxAddrs = 128;

struct Message {
  std::optional<Bytes> public_key;  // protobuf PublicKey
  std::vector<Bytes> listen_addrs;  // binary multiaddrs
  std::vector<std::string> protocols;
  std::optional<Bytes> observed_addr;  // binary multiaddr
  std::optional<std::string> protocol_version;
  std::optional<std::string> agent_version;
  std::optional<Bytes> signed_peer_record;
};

Bytes encode(const Message& m);
// Errors: Errc::kTooLarge over kMaxMessageSize, kResourceLimit for more than kMaxProtocols
// protocols or kMaxAddrs addresses, kInvalidEncoding for malformed protobuf.
Result<Message> decode(BytesView in);

}  // namespace goop::p2p::identify
