#pragma once
// SecureStream: the Noise transport phase over a raw ByteStream (libp2p noise spec: Wire
// Format). Each frame is a 2-byte big-endian length followed by ChaCha20-Poly1305 ciphertext
// and its 16-byte tag, at most 65535 bytes, so at most kMaxPlaintext (65519) plaintext bytes.
//
// Throughput design: reads pull up to kReadBufferSize raw bytes at a time, decrypt whole
// frames in place (or straight into the caller's buffer when it is large enough) and hand out
// plaintext; writes split data into kMaxPlaintext chunks, encrypt them into one reusable buffer
// and send up to kWriteBatchFrames frames per underlying write.
//
// Errors: a frame shorter than a tag, a tag that does not verify, or a stream that ends in the
// middle of a frame is Errc::kProtocolViolation; the raw stream is reset and every later read
// returns the same error. A failed or cancelled write leaves the send side broken (some frames
// may have gone out): later writes return the same error; reset the stream. At send nonce
// 2^64-1 writes fail with Errc::kResourceLimit and the connection is reset (never wraps).
// Other errors are those of the raw stream. A cancelled read loses nothing. After reset(),
// every operation (pending ones included) fails with Errc::kStreamReset.
//
// Executor rule and concurrency as ByteStream: one reader and one writer may run at once (they
// share no state but the raw stream). Owns the raw stream.

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "p2p/io/byte_stream.hpp"
#include "p2p/security/noise/cipher_state.hpp"

#include <cstddef>
#include <memory>

namespace goop::p2p::noise {

inline constexpr std::size_t kLengthPrefixSize = 2;
inline constexpr std::size_t kMaxFrameSize = 65535;                    // one Noise message
inline constexpr std::size_t kMaxPlaintext = kMaxFrameSize - kTagLen;  // 65519
inline constexpr std::size_t kReadBufferSize = 128 * 1024;  // at most (>= one whole frame)
inline constexpr std::size_t kInitialReadBufferSize = 4 * 1024;
inline constexpr std::size_t kWriteBatchFrames = 4;

class SecureStream final : public ByteStream {
 public:
  // `send` and `recv` come from HandshakeState::split(). No bytes of the transport phase may
  // have been read from `raw` yet.
  SecureStream(std::unique_ptr<ByteStream> raw, CipherState send, CipherState recv);
  ~SecureStream() override;

  boost::asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> buf) override;
  // An empty write sends nothing (no empty frame).
  boost::asio::awaitable<Result<void>> write(BytesView data) override;
  boost::asio::awaitable<Result<void>> close_write() override;
  void reset() override;
  boost::asio::any_io_executor get_executor() override;

  std::uint64_t send_nonce_for_testing() const noexcept { return send_.nonce(); }
  void set_send_nonce_for_testing(std::uint64_t n) noexcept { send_.set_nonce_for_testing(n); }

 private:
  // Decrypts the next complete buffered frame; returns false if none is complete.
  Result<bool> open_buffered_frame(std::span<std::uint8_t> buf, std::size_t& delivered);
  boost::asio::awaitable<Result<void>> fill();
  error_code fail_read(error_code ec);

  std::unique_ptr<ByteStream> raw_;
  CipherState send_;
  CipherState recv_;

  // Read side: rbuf_[raw_begin_, raw_end_) holds received bytes not yet decrypted;
  // rbuf_[plain_begin_, plain_end_) holds decrypted bytes not yet handed out (it lies before
  // raw_begin_ and is consumed before the buffer is compacted or refilled).
  Bytes rbuf_;
  std::size_t raw_begin_ = 0;
  std::size_t raw_end_ = 0;
  std::size_t plain_begin_ = 0;
  std::size_t plain_end_ = 0;
  error_code read_error_;

  Bytes wbuf_;
  error_code write_error_;
};

}  // namespace goop::p2p::noise
