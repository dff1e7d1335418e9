#pragma once
// The dialer (initiator) side of multistream-select 1.0 (multiformats/multistream-select;
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

// Proposes `protocols` in order and returns the first one the listener accepts.
//
// Writes the header and the first proposal in ONE write (as js does), then reads the header
// echo and the answer; on `na` proposes the next one. Reads exactly the negotiation messages:
// whatever the listener sends after its echo (e.g. a Noise handshake after "/noise") stays in
// `s` for the next layer. `s` must outlive the call (await it at once).
//
// Errors: Errc::kNegotiationFailed if every proposal got `na`; Errc::kProtocolViolation if the
// listener's first message is not the header or an answer is neither the echo nor `na`;
// goop::Errc::kInvalidArgument if `protocols` is empty or holds an invalid name
// (is_valid_protocol_name); goop::Errc::kTimeout if the whole negotiation takes longer than
// `timeout`; read/write errors of `s` (kEndOfStream, kStreamReset, ...). After an error other
// than kNegotiationFailed the stream is in an unknown state: reset it. After kNegotiationFailed
// the stream is still framed correctly (callers normally close or reset it anyway).
// Cancellation: the pending read or write is cancelled and the stream must be reset.
boost::asio::awaitable<Result<std::string>> select_one(
    ByteStream& s, std::vector<std::string> protocols,
    std::chrono::steady_clock::duration timeout = kNegotiationTimeout);

// Asks the listener for its protocols with `ls` (after the header exchange) and returns them.
// Errors as select_one (kProtocolViolation also for a malformed list; goop::Errc::kTooLarge for an
// answer above kMaxLsResponseSize). The stream stays in the negotiation afterwards: a select_one on
// the same stream would send the header again, so use it on a fresh stream.
boost::asio::awaitable<Result<std::vector<std::string>>> list_protocols(
    ByteStream& s, std::chrono::steady_clock::duration timeout = kNegotiationTimeout);

// The 0-RTT variant for one protocol on a muxed stream, make_lazy_select(), is in
// p2p/negotiation/lazy_select_stream.hpp.

}  // namespace goop::p2p::multistream
