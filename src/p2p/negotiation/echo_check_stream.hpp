#pragma once
// 0-RTT negotiation on a raw connection (the security protocol): the dialer writes the
// multistream header and its single proposal, then goes straight on with the next protocol's
// first message; this wrapper's first read consumes and checks the listener's two echoes.
// (LazySelectStream does the same for muxed streams.)

#include "p2p/io/byte_stream.hpp"
#include "p2p/negotiation/codec.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace goop::p2p::multistream {

// Writes header + `protocol` on `raw` and returns the wrapped stream. Errors: those of the write;
// later, the first read_some fails with Errc::kNegotiationFailed on `na` or kProtocolViolation
// on anything else (within `timeout`).
boost::asio::awaitable<Result<std::unique_ptr<ByteStream>>> propose_lazily(
    std::unique_ptr<ByteStream> raw, std::string protocol,
    std::chrono::steady_clock::duration timeout = kNegotiationTimeout);

}  // namespace goop::p2p::multistream
