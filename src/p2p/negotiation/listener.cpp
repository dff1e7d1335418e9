#include "p2p/negotiation/listener.hpp"

#include "base/log.hpp"
#include "base/timeout.hpp"
#include "p2p/errors.hpp"
#include "p2p/negotiation/message_io.hpp"

#include <algorithm>

namespace goop::p2p::multistream {
namespace asio = boost::asio;
namespace {

log::Logger lg("p2p.multistream");

asio::awaitable<Result<std::string>> handle_impl(ByteStream& s,
                                                 std::vector<std::string> supported) {
  GOOP_CO_TRY_VOID(co_await write_message(s, kProtocolId));
  GOOP_CO_TRY(const auto header, co_await read_message(s));
  if (header != kProtocolId) {
    GOOP_LOG_DEBUG(lg, "listener: first message is not the multistream header");
    co_return make_error_code(Errc::kProtocolViolation);
  }
  for (std::size_t n = 0; n < kMaxProposals; ++n) {
    GOOP_CO_TRY(auto proposal, co_await read_message(s));
    const bool ok = is_valid_protocol_name(proposal) &&
                    std::find(supported.begin(), supported.end(), proposal) != supported.end();
    if (ok) {
      GOOP_CO_TRY_VOID(co_await write_message(s, proposal));
      GOOP_LOG_TRACE(lg, "listener: selected {}", proposal);
      co_return std::move(proposal);
    }
    if (proposal == kLs) {
      const Bytes list = encode_ls_response(supported);
      GOOP_CO_TRY_VOID(co_await s.write(list));
      continue;
    }
    GOOP_LOG_TRACE(lg, "listener: na for a proposal of {} bytes", proposal.size());
    GOOP_CO_TRY_VOID(co_await write_message(s, kNa));
  }
  GOOP_LOG_DEBUG(lg, "listener: no agreement after {} messages", kMaxProposals);
  co_return make_error_code(Errc::kProtocolViolation);
}

}  // namespace

asio::awaitable<Result<std::string>> handle(ByteStream& s, std::vector<std::string> supported,
                                            std::chrono::steady_clock::duration timeout) {
  co_return co_await with_timeout(handle_impl(s, std::move(supported)), timeout);
}

}  // namespace goop::p2p::multistream
