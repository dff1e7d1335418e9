#pragma once
// Error codes of the p2p layer (STYLE.md §6). Each error message names the protocol where the
// caller adds context; these codes only classify. Conditions every layer shares have one code
// each, in base/errors.hpp: a passed deadline is goop::Errc::kTimeout, a size cap
// goop::Errc::kTooLarge; a cancelled operation returns boost::asio::error::operation_aborted.

#include "base/errors.hpp"

#include <boost/system/error_code.hpp>

namespace goop::p2p {

enum class Errc {
  kProtocolViolation = 1,  // the remote sent bytes the protocol does not allow
  kStreamReset,            // the stream was reset by either side
  kConnectionClosed,       // the connection is gone
  kNegotiationFailed,      // multistream-select found no common protocol
  kPeerIdMismatch,         // the remote proved a different identity than the one dialled
  kResourceLimit,          // a configured limit (streams, connections, buffer) was hit
  kInvalidEncoding,        // malformed varint, multibase, multihash, multiaddr or protobuf
  kUnsupportedKeyType,     // a key type other than Ed25519
  kInvalidKey,             // key bytes of the right type but wrong length or inconsistent
  kInvalidSignature,       // a signature did not verify
  kTruncated,              // input ended in the middle of a value
  kUnknownProtocolCode,    // a multiaddr or multicodec code we do not know
  kEndOfStream,            // the remote closed its write side; no more bytes will come
};

const boost::system::error_category& p2p_category() noexcept;

inline boost::system::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), p2p_category()};
}

}  // namespace goop::p2p

namespace boost::system {
template <>
struct is_error_code_enum<goop::p2p::Errc> : std::true_type {};
}  // namespace boost::system
