#include "p2p/protocol/ping/ping.hpp"

#include "base/log.hpp"
#include "base/timeout.hpp"
#include "p2p/errors.hpp"
#include "p2p/io/framing.hpp"

#include <sodium.h>

#include <array>
#include <cstring>

namespace goop::p2p::ping {
namespace asio = boost::asio;
namespace {

log::Logger lg("p2p.ping");

asio::awaitable<Result<std::chrono::nanoseconds>> round_trip(ByteStream& s) {
  std::array<std::uint8_t, kPayloadSize> out, in;
  randombytes_buf(out.data(), out.size());
  const auto start = std::chrono::steady_clock::now();
  GOOP_CO_TRY_VOID(co_await s.write(out));
  GOOP_CO_TRY_VOID(co_await read_exact(s, in));
  if (in != out) co_return make_error_code(Errc::kProtocolViolation);
  co_return std::chrono::steady_clock::now() - start;
}

// (Result<bool> is ambiguous: error_code converts to bool.)
enum class Echo { kMore, kDone };

asio::awaitable<Result<Echo>> echo_one(ByteStream& s) {
  std::array<std::uint8_t, kPayloadSize> buf;
  auto r = co_await read_exact(s, buf);
  if (!r) {
    if (r.error() == make_error_code(Errc::kEndOfStream)) co_return Echo::kDone;  // clean end
    co_return r.error();
  }
  GOOP_CO_TRY_VOID(co_await s.write(buf));
  co_return Echo::kMore;
}

}  // namespace

asio::awaitable<Result<std::chrono::nanoseconds>> ping_once(ByteStream& s) {
  co_return co_await with_timeout(round_trip(s), kPingTimeout);
}

asio::awaitable<void> serve(ByteStream& s) {
  for (;;) {
    auto more = co_await with_timeout(echo_one(s), kIdleTimeout);
    if (!more) {
      GOOP_LOG_DEBUG(lg, "ping stream ended: {}", more.error().message());
      s.reset();
      co_return;
    }
    if (*more == Echo::kDone) {
      (void)co_await s.close_write();
      co_return;
    }
  }
}

}  // namespace goop::p2p::ping
