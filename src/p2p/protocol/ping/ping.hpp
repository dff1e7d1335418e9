#pragma once
// libp2p ping (specs: ping/ping.md): the dialer writes 32 random bytes, the listener echoes
// them; repeat on the same stream. Used for liveness and RTT.

#include "base/result.hpp"
#include "p2p/io/byte_stream.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string_view>

namespace goop::p2p::ping {

inline constexpr std::string_view kProtocolId = "/ipfs/ping/1.0.0";
inline constexpr std::size_t kPayloadSize = 32;
// One round trip must finish within this (go: pingTimeout 10 s; rust 20 s).
inline constexpr auto kPingTimeout = std::chrono::seconds(10);
// The listener gives up on a stream idle for this long between pings.
inline constexpr auto kIdleTimeout = std::chrono::seconds(60);

// One ping round trip on `s` (which the caller owns and keeps for further pings). Returns the
// round-trip time. Errors: goop::Errc::kTimeout after kPingTimeout, kProtocolViolation if the echo
// differs, and stream errors.
boost::asio::awaitable<Result<std::chrono::nanoseconds>> ping_once(ByteStream& s);

// Serves one inbound ping stream: echoes 32-byte payloads until the remote closes the stream,
// goes idle for kIdleTimeout, or an error occurs. Never throws.
boost::asio::awaitable<void> serve(ByteStream& s);

}  // namespace goop::p2p::ping
