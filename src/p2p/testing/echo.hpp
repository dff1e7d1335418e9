#pragma once
// An echo protocol for host-level tests and benchmarks: the handler sends every byte back and
// half-closes when the remote does; echo_roundtrip() writes data while reading the echo (both
// owned by the call: it returns once both are done).

#include "p2p/host/host.hpp"

#include <boost/asio/awaitable.hpp>

#include <string_view>

namespace goop::p2p::testing {

// Serves one echo stream (a Host StreamHandler).
boost::asio::awaitable<void> serve_echo(std::unique_ptr<MuxedStream> s, PeerId remote);

// Opens `protocol` to `peer`, writes `data` in 64 KiB writes and half-closes, while reading
// everything that comes back until the end of the stream. Returns what came back.
boost::asio::awaitable<Result<Bytes>> echo_roundtrip(Host& host, PeerId peer, std::string protocol,
                                                     Bytes data);

}  // namespace goop::p2p::testing
