#include "p2p/negotiation/lazy_select_stream.hpp"

#include <boost/asio/error.hpp>

#include "base/errors.hpp"
#include "base/log.hpp"
#include "base/timeout.hpp"
#include "p2p/errors.hpp"
#include "p2p/negotiation/message_io.hpp"

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
    : inner_(std::move(inner)), timeout_(timeout), sent_(inner_->get_executor()) {
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

asio::awaitable<Result<std::size_t>> LazySelectStream::read_some(std::span<std::uint8_t> buf) {
  if (failure_) co_return *failure_;
  if (!echo_checked_) {
    // A write in progress carries the proposal already: no need to wait for it.
    if (send_ == Send::kNotSent) {
      bool sent_now = false;
      GOOP_CO_TRY_VOID(co_await send_proposal({}, sent_now));
    }
    auto r = co_await with_timeout(check_echo(*inner_, protocol()), timeout_);
    echo_checked_ = true;
    if (!r) {
      failure_ = r.error();
      co_return r.error();
    }
  }
  co_return co_await inner_->read_some(buf);
}

asio::awaitable<Result<void>> LazySelectStream::close_write() {
  if (failure_) co_return *failure_;
  bool sent_now = false;
  GOOP_CO_TRY_VOID(co_await send_proposal({}, sent_now));
  co_return co_await inner_->close_write();
}

std::unique_ptr<MuxedStream> make_lazy_select(std::unique_ptr<MuxedStream> inner,
                                              std::string protocol,
                                              std::chrono::steady_clock::duration timeout) {
  return std::make_unique<LazySelectStream>(std::move(inner), std::move(protocol), timeout);
}

}  // namespace goop::p2p::multistream
