#include "p2p/negotiation/echo_check_stream.hpp"

#include "base/timeout.hpp"
#include "p2p/errors.hpp"
#include "p2p/negotiation/message_io.hpp"

namespace goop::p2p::multistream {
namespace asio = boost::asio;
namespace {

class EchoCheckStream final : public ByteStream {
 public:
  EchoCheckStream(std::unique_ptr<ByteStream> raw, std::string protocol,
                  std::chrono::steady_clock::duration timeout)
      : raw_(std::move(raw)), protocol_(std::move(protocol)), timeout_(timeout) {}

  asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> buf) override {
    if (!checked_) {
      checked_ = true;
      auto r = co_await with_timeout(check(*raw_, protocol_), timeout_);
      if (!r) failure_ = r.error();
    }
    if (failure_) co_return failure_;
    co_return co_await raw_->read_some(buf);
  }
  asio::awaitable<Result<void>> write(BytesView data) override { return raw_->write(data); }
  asio::awaitable<Result<void>> close_write() override { return raw_->close_write(); }
  void reset() override { raw_->reset(); }
  asio::any_io_executor get_executor() override { return raw_->get_executor(); }

 private:
  static asio::awaitable<Result<void>> check(ByteStream& s, std::string protocol) {
    GOOP_CO_TRY(const auto header, co_await read_message(s));
    if (header != kProtocolId) co_return make_error_code(Errc::kProtocolViolation);
    GOOP_CO_TRY(const auto answer, co_await read_message(s));
    if (answer == protocol) co_return Result<void>{};
    co_return make_error_code(answer == kNa ? Errc::kNegotiationFailed : Errc::kProtocolViolation);
  }

  std::unique_ptr<ByteStream> raw_;
  std::string protocol_;
  std::chrono::steady_clock::duration timeout_;
  bool checked_ = false;
  error_code failure_;
};

}  // namespace

asio::awaitable<Result<std::unique_ptr<ByteStream>>> propose_lazily(
    std::unique_ptr<ByteStream> raw, std::string protocol,
    std::chrono::steady_clock::duration timeout) {
  if (!is_valid_protocol_name(protocol)) co_return make_error_code(goop::Errc::kInvalidArgument);
  Bytes out;
  append_message(out, kProtocolId);
  append_message(out, protocol);
  GOOP_CO_TRY_VOID(co_await raw->write(out));
  co_return std::unique_ptr<ByteStream>(
      std::make_unique<EchoCheckStream>(std::move(raw), std::move(protocol), timeout));
}

}  // namespace goop::p2p::multistream
