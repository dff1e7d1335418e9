#include "p2p/negotiation/lazy_select_stream.hpp"

#include "base/errors.hpp"
#include "base/log.hpp"
#include "base/timeout.hpp"
#include "p2p/errors.hpp"
#include "p2p/negotiation/message_io.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>

namespace goop::p2p::multistream {
namespace asio = boost::asio;
namespace {

log::Logger lg("p2p.multistream");

// Reads the header echo and the answer to `protocol`.
asio::awaitable<Result<void>> check_echo(ByteStream& s, std::string protocol) {
  GOOP_CO_TRY(const auto header, co_await read_message(s));
  if (header != kProtocolId) co_return make_error_code(Errc::kProtocolViolation);
  GOOP_CO_TRY(const auto answer, co_await read_message(s));
  if (answer == protocol) co_return Result<void>{};
  if (answer == kNa) {
    GOOP_LOG_DEBUG(lg, "lazy: na for {}", protocol);
    co_return make_error_code(Errc::kNegotiationFailed);
  }
  co_return make_error_code(Errc::kProtocolViolation);
}

}  // namespace

LazySelectStream::LazySelectStream(std::unique_ptr<MuxedStream> inner, std::string protocol,
                                   std::chrono::steady_clock::duration timeout)
    : inner_(std::move(inner)),
      timeout_(timeout),
      sent_(inner_->get_executor()),
      echo_done_(inner_->get_executor()) {
  if (!is_valid_protocol_name(protocol)) failure_ = make_error_code(goop::Errc::kInvalidArgument);
  set_protocol(std::move(protocol));
}

asio::awaitable<Result<void>> LazySelectStream::send_proposal(BytesView data, bool& sent_now) {
  sent_now = false;
  while (send_ == Send::kSending) {
    if (!co_await sent_.wait()) co_return make_error_code(asio::error::operation_aborted);
  }
  if (send_ == Send::kSent) co_return Result<void>{};
  send_ = Send::kSending;
  sent_now = true;
  Bytes out;
  out.reserve(kProtocolId.size() + protocol().size() + data.size() + 8);
  append_message(out, kProtocolId);
  append_message(out, protocol());
  out.insert(out.end(), data.begin(), data.end());
  auto r = co_await inner_->write(out);
  send_ = Send::kSent;
  sent_.notify();
  co_return r;
}

asio::awaitable<Result<void>> LazySelectStream::write(BytesView data) {
  if (failure_) co_return *failure_;
  bool sent_now = false;
  GOOP_CO_TRY_VOID(co_await send_proposal(data, sent_now));
  if (sent_now) co_return Result<void>{};
  co_return co_await inner_->write(data);
}

asio::awaitable<Result<void>> LazySelectStream::ensure_echo_checked() {
  while (echo_ == Echo::kChecking) {  // the other side (reader or closer) is checking
    if (!co_await echo_done_.wait()) co_return make_error_code(asio::error::operation_aborted);
  }
  if (echo_ == Echo::kUnchecked) {
    echo_ = Echo::kChecking;
    // A write in progress carries the proposal already: no need to wait for it.
    if (send_ == Send::kNotSent) {
      bool sent_now = false;
      auto sent = co_await send_proposal({}, sent_now);
      if (!sent) failure_ = sent.error();
    }
    if (!failure_) {
      auto r = co_await with_timeout(check_echo(*inner_, protocol()), timeout_);
      if (!r) failure_ = r.error();
    }
    // Cancelled: the caller gets operation_aborted (ByteStream's rule), whichever way the
    // interrupted check ended; a check cut short leaves the negotiation half read.
    const auto cs = co_await asio::this_coro::cancellation_state;
    const bool cancelled = cs.cancelled() != asio::cancellation_type::none;
    if (cancelled && failure_) failure_ = make_error_code(asio::error::operation_aborted);
    echo_ = Echo::kChecked;
    echo_done_.notify();
    if (cancelled) co_return make_error_code(asio::error::operation_aborted);
  }
  if (failure_) co_return *failure_;
  co_return Result<void>{};
}

asio::awaitable<Result<std::size_t>> LazySelectStream::read_some(std::span<std::uint8_t> buf) {
  if (failure_) co_return *failure_;
  if (echo_ != Echo::kChecked) GOOP_CO_TRY_VOID(co_await ensure_echo_checked());
  co_return co_await inner_->read_some(buf);
}

// As go-multistream's lazy client: finish reading the negotiation before half-closing, so the
// listener sees our FIN only after it has answered (js-libp2p otherwise loses a FIN that
// arrives together with the proposal, and the stream never ends on its side).
asio::awaitable<Result<void>> LazySelectStream::close_write() {
  if (failure_) co_return *failure_;
  bool sent_now = false;
  GOOP_CO_TRY_VOID(co_await send_proposal({}, sent_now));
  if (echo_ != Echo::kChecked) GOOP_CO_TRY_VOID(co_await ensure_echo_checked());
  co_return co_await inner_->close_write();
}

std::unique_ptr<MuxedStream> make_lazy_select(std::unique_ptr<MuxedStream> inner,
                                              std::string protocol,
                                              std::chrono::steady_clock::duration timeout) {
  return std::make_unique<LazySelectStream>(std::move(inner), std::move(protocol), timeout);
}

}  // namespace goop::p2p::multistream
