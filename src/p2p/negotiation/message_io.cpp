#include "p2p/negotiation/message_io.hpp"

#include "p2p/io/framing.hpp"

namespace goop::p2p::multistream {
namespace asio = boost::asio;

asio::awaitable<Result<std::string>> read_message(ByteStream& s, std::size_t max_size) {
  GOOP_CO_TRY(const auto payload, co_await read_length_prefixed(s, max_size));
  co_return decode_message_payload(payload);
}

asio::awaitable<Result<void>> write_message(ByteStream& s, std::string_view text) {
  const Bytes msg = encode_message(text);
  co_return co_await s.write(msg);
}

}  // namespace goop::p2p::multistream
