#include "p2p/protocol/identify/exchange.hpp"

#include "base/timeout.hpp"
#include "p2p/io/framing.hpp"

namespace goop::p2p::identify {
namespace asio = boost::asio;

asio::awaitable<Result<void>> send(ByteStream& s, Message m) {
  GOOP_CO_TRY_VOID(co_await write_length_prefixed(s, encode(m)));
  co_return co_await s.close_write();
}

namespace {
asio::awaitable<Result<Message>> read_message(ByteStream& s) {
  GOOP_CO_TRY(Bytes raw, co_await read_length_prefixed(s, kMaxMessageSize));
  co_return decode(raw);
}
}  // namespace

asio::awaitable<Result<Message>> receive(ByteStream& s) {
  co_return co_await with_timeout(read_message(s), kTimeout);
}

}  // namespace goop::p2p::identify
