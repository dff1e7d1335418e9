#pragma once
// Reading and writing single multistream-select messages on a ByteStream. Shared by the dialer,
// the listener and the lazy stream. No deadline of their own (the entry points apply one).

#include "base/result.hpp"
#include "p2p/io/byte_stream.hpp"
#include "p2p/negotiation/codec.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <string>

namespace goop::p2p::multistream {

// Reads exactly one message (the varint byte by byte, then the payload), so bytes after it stay
// in the stream for the next protocol. Returns its text without the '\n'. Errors: those of
// read_length_prefixed (goop::Errc::kTooLarge above `max_size`, kInvalidEncoding, read errors), and
// Errc::kInvalidEncoding for a payload without the trailing '\n'.
boost::asio::awaitable<Result<std::string>> read_message(ByteStream& s,
                                                         std::size_t max_size = kMaxMessageSize);

// Writes one message in one write. `text` must outlive the call (await it at once). Errors:
// those of ByteStream::write.
boost::asio::awaitable<Result<void>> write_message(ByteStream& s, std::string_view text);

}  // namespace goop::p2p::multistream
