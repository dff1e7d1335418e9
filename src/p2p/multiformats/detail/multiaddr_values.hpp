#pragma once
// Text <-> binary conversion of single multiaddr values (the part after "/name/"). Internal to
// multiaddr.cpp; pure functions, no allocation beyond the results.
//
// Invariant the round-trip guarantee rests on: for every `v` that value_to_text accepts,
// value_from_text(p, *value_to_text(p, v)) == v.

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "p2p/multiformats/multiaddr.hpp"

#include <string>
#include <string_view>

namespace goop::p2p::detail {

// Binary value of protocol `p` from its text. Errors: Errc::kInvalidEncoding.
Result<Bytes> value_from_text(const MultiaddrProtocol& p, std::string_view text);

// Text of a binary value of protocol `p`; also validates it. `value` has the protocol's fixed
// size (the caller checks that). Errors: Errc::kInvalidEncoding.
Result<std::string> value_to_text(const MultiaddrProtocol& p, BytesView value);

// RFC 5952 text of a 16-byte IPv6 address ("::ffff:a.b.c.d" for IPv4-mapped ones).
std::string ip6_to_text(BytesView addr16);

}  // namespace goop::p2p::detail
