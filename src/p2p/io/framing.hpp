#pragma once
// Reading and writing whole messages on a ByteStream. Every reader takes a size cap; none has
// its own deadline (wrap the call in with_timeout()).

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "p2p/io/byte_stream.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <span>

namespace goop::p2p {

// Fills `buf` completely. Errors: those of read_some; kEndOfStream if the stream ends first.
boost::asio::awaitable<Result<void>> read_exact(ByteStream& s, std::span<std::uint8_t> buf);

// Reads one unsigned-varint length prefix (byte by byte, so nothing beyond the message is
// consumed) and then that many bytes. Errors: goop::Errc::kTooLarge if the length exceeds
// `max_size` (nothing more is read), kInvalidEncoding for a bad varint, and read errors.
boost::asio::awaitable<Result<Bytes>> read_length_prefixed(ByteStream& s, std::size_t max_size);

// Writes varint(len(msg)) || msg in one write.
boost::asio::awaitable<Result<void>> write_length_prefixed(ByteStream& s, BytesView msg);

// varint(len(msg)) || msg appended to `out` (for batching several messages in one write).
void append_length_prefixed(Bytes& out, BytesView msg);

}  // namespace goop::p2p
