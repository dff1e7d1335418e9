#include "p2p/protocol/gossipsub/frame_reader.hpp"

#include "p2p/errors.hpp"
#include "p2p/multiformats/varint.hpp"

#include <algorithm>
#include <cstring>

namespace goop::p2p::gossipsub {
namespace {
// Bytes asked of the stream per read: a few 1 KiB RPCs, and little memory per idle peer.
constexpr std::size_t kChunk = 8 * 1024;
}  // namespace

Result<std::optional<BytesView>> FrameReader::next() {
  const BytesView avail(buf_.data() + start_, end_ - start_);
  auto len = decode_uvarint(avail);
  if (!len) {
    if (len.error() == make_error_code(Errc::kTruncated)) {
      need_ = 0;
      return std::optional<BytesView>{};
    }
    return len.error();
  }
  if (len->value > max_frame_) return make_error_code(goop::Errc::kTooLarge);
  const std::size_t total = len->size + static_cast<std::size_t>(len->value);
  if (avail.size() < total) {
    need_ = total;
    return std::optional<BytesView>{};
  }
  need_ = 0;
  start_ += total;
  return std::optional<BytesView>{avail.subspan(len->size, total - len->size)};
}

boost::asio::awaitable<Result<void>> FrameReader::fill(ByteStream& s) {
  // Move the unconsumed bytes to the front, then make room for a chunk (or the whole frame).
  if (start_ > 0) {
    std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
    end_ -= start_;
    start_ = 0;
  }
  if (end_ == 0 && need_ == 0 && buf_.size() > 4 * kChunk) {  // after a large frame
    Bytes small(kChunk);
    buf_.swap(small);
  }
  const std::size_t want = std::max(end_ + kChunk, need_);
  if (buf_.size() < want) buf_.resize(want);
  auto n = co_await s.read_some(std::span(buf_.data() + end_, buf_.size() - end_));
  if (!n) co_return n.error();
  end_ += *n;
  co_return Result<void>{};
}

}  // namespace goop::p2p::gossipsub
