#pragma once
// One identify message over a stream (specs: identify/README.md): the responder of
// `/ipfs/id/1.0.0` and the pusher of `/ipfs/id/push/1.0.0` write one varint-length-prefixed
// message and close their side; the other side reads it.
//
// The stream is owned by the awaiting caller and must outlive the call.

#include "base/result.hpp"
#include "p2p/io/byte_stream.hpp"
#include "p2p/protocol/identify/codec.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>

namespace goop::p2p::identify {

inline constexpr auto kTimeout = std::chrono::seconds(10);

// Writes `m` on `s` and half-closes (responder and pusher side). Errors: the stream's.
boost::asio::awaitable<Result<void>> send(ByteStream& s, Message m);
// Reads one message within kTimeout (requester and push-receiver side). Errors: Errc::kTimeout,
// decode's errors, the stream's (kEndOfStream before a whole message).
boost::asio::awaitable<Result<Message>> receive(ByteStream& s);

}  // namespace goop::p2p::identify
