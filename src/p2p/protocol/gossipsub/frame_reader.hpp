#pragma once
// FrameReader: varint-length-prefixed frames (how RPCs travel on a gossipsub stream) read
// through one reusable buffer. One read_some brings whatever the stream has buffered, and every
// complete frame in it is then available without another read: a burst of RPCs is handed to the
// router together (so it can send IDONTWANT for all of them before verifying the first), with
// no allocation per frame.
//
// Bounds: a frame over `max_frame` bytes is an error; the buffer holds at most one read chunk
// plus one frame. Executor rule: that of the stream (not thread-safe).
#include "base/bytes.hpp"
#include "base/result.hpp"
#include "p2p/io/byte_stream.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>

namespace goop::p2p::gossipsub {

class FrameReader {
 public:
  explicit FrameReader(std::size_t max_frame) : max_frame_(max_frame) {}

  // The next complete frame already read, if any; the view is valid until the next call to a
  // member. Errors: goop::Errc::kTooLarge for a length over max_frame, kInvalidEncoding for a bad
  // varint prefix (the stream is then unusable).
  Result<std::optional<BytesView>> next();

  // Reads more of `s` (at least one byte). Errors: those of read_some (kEndOfStream at the end).
  // Cancellation: as read_some.
  boost::asio::awaitable<Result<void>> fill(ByteStream& s);

 private:
  std::size_t max_frame_;
  Bytes buf_;  // buf_[start_, end_) is read and not yet consumed
  std::size_t start_ = 0;
  std::size_t end_ = 0;
  std::size_t need_ = 0;  // bytes the incomplete frame at start_ needs in all (0: unknown)
};

}  // namespace goop::p2p::gossipsub
