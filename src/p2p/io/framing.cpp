#include "p2p/io/framing.hpp"

#include "p2p/errors.hpp"
#include "p2p/multiformats/varint.hpp"

namespace goop::p2p {
namespace asio = boost::asio;

asio::awaitable<Result<void>> read_exact(ByteStream& s, std::span<std::uint8_t> buf) {
  while (!buf.empty()) {
    auto n = co_await s.read_some(buf);
    if (!n) co_return n.error();
    buf = buf.subspan(*n);
  }
  co_return Result<void>{};
}

asio::awaitable<Result<Bytes>> read_length_prefixed(ByteStream& s, std::size_t max_size) {
  std::uint8_t prefix[kMaxVarintBytes];
  std::size_t used = 0;
  for (;;) {
    if (used == sizeof prefix) co_return make_error_code(Errc::kInvalidEncoding);
    auto r = co_await read_exact(s, std::span(prefix + used, 1));
    if (!r) co_return r.error();
    ++used;
    if ((prefix[used - 1] & 0x80) == 0) break;
  }
  auto len = decode_uvarint(BytesView(prefix, used));
  if (!len) co_return len.error();
  if (len->value > max_size) co_return make_error_code(goop::Errc::kTooLarge);
  Bytes msg(static_cast<std::size_t>(len->value));
  if (!msg.empty()) {
    auto r = co_await read_exact(s, msg);
    if (!r) co_return r.error();
  }
  co_return msg;
}

void append_length_prefixed(Bytes& out, BytesView msg) {
  append_uvarint(out, msg.size());
  out.insert(out.end(), msg.begin(), msg.end());
}

asio::awaitable<Result<void>> write_length_prefixed(ByteStream& s, BytesView msg) {
  Bytes out;
  out.reserve(msg.size() + kMaxVarintBytes);
  append_length_prefixed(out, msg);
  co_return co_await s.write(out);
}

}  // namespace goop::p2p
