#include "p2p/security/noise/secure_stream.hpp"

#include "base/check.hpp"
#include "p2p/errors.hpp"

#include <algorithm>
#include <cstring>

namespace goop::p2p::noise {
namespace asio = boost::asio;

namespace {}  // namespace

SecureStream::SecureStream(std::unique_ptr<ByteStream> raw, CipherState send, CipherState recv)
    : raw_(std::move(raw)), send_(std::move(send)), recv_(std::move(recv)) {
  GOOP_CHECK(raw_ != nullptr);
}

SecureStream::~SecureStream() = default;

error_code SecureStream::fail_read(error_code ec) {
  read_error_ = ec;
  raw_begin_ = raw_end_ = plain_begin_ = plain_end_ = 0;
  raw_->reset();
  return ec;
}

Result<bool> SecureStream::open_buffered_frame(std::span<std::uint8_t> buf,
                                               std::size_t& delivered) {
  // (Result<bool> cannot be built implicitly from an error_code: bool is constructible from it.)
  auto bad_frame = [this] {
    return Result<bool>(boost::system::in_place_error,
                        fail_read(make_error_code(Errc::kProtocolViolation)));
  };
  delivered = 0;
  const std::size_t avail = raw_end_ - raw_begin_;
  if (avail < kLengthPrefixSize) return false;
  const std::size_t len = static_cast<std::size_t>(rbuf_[raw_begin_]) << 8 | rbuf_[raw_begin_ + 1];
  if (avail < kLengthPrefixSize + len) return false;
  if (len < kTagLen) return bad_frame();
  std::uint8_t* frame = rbuf_.data() + raw_begin_ + kLengthPrefixSize;
  const std::size_t plain = len - kTagLen;
  raw_begin_ += kLengthPrefixSize + len;
  // Straight into the caller's buffer when it fits; otherwise in place for later reads.
  std::uint8_t* out = plain <= buf.size() ? buf.data() : frame;
  if (auto r = recv_.decrypt_with_ad({}, BytesView(frame, len), out); !r) {
    return bad_frame();
  }
  if (out == buf.data()) {
    delivered = plain;
  } else {
    plain_begin_ = static_cast<std::size_t>(frame - rbuf_.data());
    plain_end_ = plain_begin_ + plain;
  }
  return true;
}

// The buffer starts at kInitialReadBufferSize (an idle connection costs little) and grows to
// kReadBufferSize when a frame does not fit or a read fills it (bulk transfer).
asio::awaitable<Result<void>> SecureStream::fill() {
  if (rbuf_.empty()) rbuf_.resize(kInitialReadBufferSize);
  if (raw_begin_ == raw_end_) raw_begin_ = raw_end_ = 0;
  // Room the frame being received needs (prefix and body), once its length is known.
  std::size_t need = kLengthPrefixSize;
  if (raw_end_ - raw_begin_ >= kLengthPrefixSize) {
    need += static_cast<std::size_t>(rbuf_[raw_begin_]) << 8 | rbuf_[raw_begin_ + 1];
  }
  if (raw_begin_ > 0 && (rbuf_.size() - raw_begin_ < need || raw_end_ == rbuf_.size())) {
    // Move the partial frame to the front to make room behind it.
    std::memmove(rbuf_.data(), rbuf_.data() + raw_begin_, raw_end_ - raw_begin_);
    raw_end_ -= raw_begin_;
    raw_begin_ = 0;
  }
  while ((rbuf_.size() < need || raw_end_ == rbuf_.size()) && rbuf_.size() < kReadBufferSize) {
    rbuf_.resize(std::min(rbuf_.size() * 2, kReadBufferSize));
  }
  const std::size_t room = rbuf_.size() - raw_end_;
  auto n = co_await raw_->read_some(std::span(rbuf_.data() + raw_end_, room));
  if (n && *n == room && rbuf_.size() < kReadBufferSize) {
    rbuf_.resize(std::min(rbuf_.size() * 2, kReadBufferSize));
  }
  if (!n) {
    if (n.error() == Errc::kEndOfStream && raw_end_ != raw_begin_) {
      co_return fail_read(make_error_code(Errc::kProtocolViolation));  // truncated frame
    }
    co_return n.error();
  }
  raw_end_ += *n;
  co_return Result<void>{};
}

asio::awaitable<Result<std::size_t>> SecureStream::read_some(std::span<std::uint8_t> buf) {
  GOOP_CHECK(!buf.empty());
  for (;;) {
    if (plain_begin_ < plain_end_) {
      const std::size_t n = std::min(buf.size(), plain_end_ - plain_begin_);
      std::memcpy(buf.data(), rbuf_.data() + plain_begin_, n);
      plain_begin_ += n;
      co_return n;
    }
    if (read_error_) co_return read_error_;
    std::size_t delivered = 0;
    GOOP_CO_TRY(bool opened, open_buffered_frame(buf, delivered));
    if (delivered > 0) co_return delivered;
    if (opened) continue;  // an empty frame, or plaintext left in rbuf_
    GOOP_CO_TRY_VOID(co_await fill());
  }
}

asio::awaitable<Result<void>> SecureStream::write(BytesView data) {
  if (write_error_) co_return write_error_;
  std::size_t off = 0;
  while (off < data.size()) {
    const std::size_t frames_left = (data.size() - off + kMaxPlaintext - 1) / kMaxPlaintext;
    const std::size_t frames = std::min(frames_left, kWriteBatchFrames);
    const std::size_t bytes = std::min(data.size() - off, frames * kMaxPlaintext);
    const std::size_t wire = bytes + frames * (kLengthPrefixSize + kTagLen);
    if (wbuf_.size() < wire) wbuf_.resize(wire);
    std::size_t at = 0;
    for (std::size_t i = 0; i < frames; ++i) {
      const std::size_t chunk = std::min(kMaxPlaintext, data.size() - off);
      const std::size_t len = chunk + kTagLen;
      wbuf_[at] = static_cast<std::uint8_t>(len >> 8);
      wbuf_[at + 1] = static_cast<std::uint8_t>(len);
      if (auto r = send_.encrypt_with_ad({}, data.subspan(off, chunk),
                                         wbuf_.data() + at + kLengthPrefixSize);
          !r) {
        write_error_ = r.error();
        raw_->reset();
        co_return write_error_;
      }
      at += kLengthPrefixSize + len;
      off += chunk;
    }
    if (auto r = co_await raw_->write(BytesView(wbuf_.data(), at)); !r) {
      write_error_ = r.error();
      co_return write_error_;
    }
  }
  co_return Result<void>{};
}

asio::awaitable<Result<void>> SecureStream::close_write() { return raw_->close_write(); }

void SecureStream::reset() {
  // Later (and pending) operations fail with kStreamReset, also where a cancelled or failed
  // write left another error behind, and decrypted bytes not yet read are dropped.
  write_error_ = make_error_code(Errc::kStreamReset);
  if (!read_error_) fail_read(make_error_code(Errc::kStreamReset));
  raw_->reset();
}

asio::any_io_executor SecureStream::get_executor() { return raw_->get_executor(); }

}  // namespace goop::p2p::noise
