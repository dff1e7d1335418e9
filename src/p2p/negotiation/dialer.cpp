#include "p2p/negotiation/dialer.hpp"

#include "base/errors.hpp"
#include "base/log.hpp"
#include "base/timeout.hpp"
#include "p2p/errors.hpp"
#include "p2p/negotiation/message_io.hpp"

namespace goop::p2p::multistream {
namespace asio = boost::asio;
namespace {

log::Logger lg("p2p.multistream");

// Reads the listener's first message, which must be the header.
asio::awaitable<Result<void>> expect_header(ByteStream& s) {
  GOOP_CO_TRY(const auto header, co_await read_message(s));
  if (header != kProtocolId) {
    GOOP_LOG_DEBUG(lg, "dialer: expected header, got {} bytes", header.size());
    co_return make_error_code(Errc::kProtocolViolation);
  }
  co_return Result<void>{};
}

asio::awaitable<Result<std::string>> select_impl(ByteStream& s,
                                                 std::vector<std::string> protocols) {
  for (std::size_t i = 0; i < protocols.size(); ++i) {
    const auto& proposal = protocols[i];
    Bytes out;
    if (i == 0) append_message(out, kProtocolId);
    append_message(out, proposal);
    GOOP_CO_TRY_VOID(co_await s.write(out));
    if (i == 0) GOOP_CO_TRY_VOID(co_await expect_header(s));
    GOOP_CO_TRY(const auto answer, co_await read_message(s));
    if (answer == proposal) {
      GOOP_LOG_TRACE(lg, "dialer: selected {}", proposal);
      co_return proposal;
    }
    if (answer != kNa) {
      GOOP_LOG_DEBUG(lg, "dialer: unexpected answer to {}", proposal);
      co_return make_error_code(Errc::kProtocolViolation);
    }
    GOOP_LOG_TRACE(lg, "dialer: na for {}", proposal);
  }
  co_return make_error_code(Errc::kNegotiationFailed);
}

asio::awaitable<Result<std::vector<std::string>>> list_impl(ByteStream& s) {
  Bytes out;
  append_message(out, kProtocolId);
  append_message(out, kLs);
  GOOP_CO_TRY_VOID(co_await s.write(out));
  GOOP_CO_TRY_VOID(co_await expect_header(s));
  GOOP_CO_TRY(const auto text, co_await read_message(s, kMaxLsResponseSize));
  auto list = decode_ls_response(text);
  if (!list) co_return make_error_code(Errc::kProtocolViolation);
  co_return std::move(*list);
}

}  // namespace

asio::awaitable<Result<std::string>> select_one(ByteStream& s, std::vector<std::string> protocols,
                                                std::chrono::steady_clock::duration timeout) {
  if (protocols.empty()) co_return make_error_code(goop::Errc::kInvalidArgument);
  for (const auto& p : protocols) {
    if (!is_valid_protocol_name(p)) co_return make_error_code(goop::Errc::kInvalidArgument);
  }
  co_return co_await with_timeout(select_impl(s, std::move(protocols)), timeout);
}

asio::awaitable<Result<std::vector<std::string>>> list_protocols(
    ByteStream& s, std::chrono::steady_clock::duration timeout) {
  co_return co_await with_timeout(list_impl(s), timeout);
}

}  // namespace goop::p2p::multistream
