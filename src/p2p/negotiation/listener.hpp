#pragma once
// The listener (responder) side of multistream-select 1.0 (multiformats/multistream-select;
// libp2p specs connections/README.md "Protocol Negotiation").
//
// Executor rule: call on the stream's executor; the stream must have no other reader or writer
// during the negotiation.

#include "base/result.hpp"
#include "p2p/io/byte_stream.hpp"
#include "p2p/negotiation/codec.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace goop::p2p::multistream {

// Negotiates the protocol of an inbound stream and returns the one chosen from `supported`.
//
// Sends our header at once (without waiting for the dialer's), requires the dialer's first
// message to be the header, then answers each message: a supported protocol is echoed and
// returned; `ls` gets the list of `supported` (codec.hpp framing); anything else gets `na` and
// the negotiation goes on. Reads exactly the negotiation messages: the dialer's bytes after its
// accepted proposal (0-RTT data) stay in `s` for the protocol handler. `s` must outlive the
// call (await it at once).
//
// Errors: Errc::kProtocolViolation if the first message is not the header, or after
// kMaxProposals messages without agreement; goop::Errc::kTooLarge for a message above
// kMaxMessageSize; Errc::kInvalidEncoding for a malformed message; goop::Errc::kTimeout if the
// negotiation takes longer than `timeout`; read/write errors of `s` (a dialer that gives up
// after `na` usually closes: kEndOfStream). After an error, reset or close the stream.
// Cancellation: the pending read or write is cancelled and the stream must be reset.
boost::asio::awaitable<Result<std::string>> handle(
    ByteStream& s, std::vector<std::string> supported,
    std::chrono::steady_clock::duration timeout = kNegotiationTimeout);

}  // namespace goop::p2p::multistream
