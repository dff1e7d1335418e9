#pragma once
// StreamReader: reads one header line and then raw bytes from a ByteStream, keeping the bytes it
// read past the line's LF for the next call (so the body that follows a header is not lost).
// Private to src/goop/content.
//
// Executor rule: the stream's executor. It does not own the stream: the stream must outlive the
// reader, and every call must be awaited at once. One call at a time.

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "p2p/io/byte_stream.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace goop::content::detail {

class StreamReader {
 public:
  // Each read from the stream is bounded by `read_timeout` (goop::Errc::kTimeout after it; the
  // stream is then usable only for reset()).
  StreamReader(p2p::ByteStream& s, std::chrono::steady_clock::duration read_timeout)
      : s_(s), read_timeout_(read_timeout) {}
  // Reads without a deadline of their own: the caller bounds them (e.g. a StreamWatchdog).
  explicit StreamReader(p2p::ByteStream& s) : s_(s) {}

  // Reads up to the next LF and returns the line without it. Errors: goop::Errc::kTooLarge when
  // `max` bytes arrived without an LF; p2p::Errc::kEndOfStream when the stream ends before an
  // LF; kTimeout; the stream's read errors.
  boost::asio::awaitable<Result<std::string>> read_line(std::size_t max);

  // Reads 1..buf.size() bytes (buf not empty), first the ones left over from read_line().
  // Errors as ByteStream::read_some, and kTimeout.
  boost::asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> buf);

 private:
  boost::asio::awaitable<Result<std::size_t>> read_stream(std::span<std::uint8_t> buf);

  p2p::ByteStream& s_;
  std::optional<std::chrono::steady_clock::duration> read_timeout_;
  Bytes pending_;  // read from the stream, not yet returned
};

}  // namespace goop::content::detail
