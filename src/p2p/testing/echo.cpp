#include "p2p/testing/echo.hpp"

#include "p2p/errors.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace goop::p2p::testing {
namespace asio = boost::asio;
namespace {
constexpr std::size_t kChunk = 64 * 1024;
}

asio::awaitable<void> serve_echo(std::unique_ptr<MuxedStream> s, PeerId) {
  std::vector<std::uint8_t> buf(kChunk);
  for (;;) {
    auto n = co_await s->read_some(buf);
    if (!n) break;
    if (!co_await s->write(BytesView(buf.data(), *n))) co_return;
  }
  (void)co_await s->close_write();
}

asio::awaitable<Result<Bytes>> echo_roundtrip(Host& host, PeerId peer, std::string protocol,
                                              Bytes data) {
  GOOP_CO_TRY(auto opened, co_await host.new_stream(peer, multistream::protocol_list(protocol)));
  // The writer co-owns the stream and the data, so an early return here cannot strand it.
  std::shared_ptr<MuxedStream> s = std::move(opened);
  auto payload = std::make_shared<const Bytes>(std::move(data));
  auto ex = co_await asio::this_coro::executor;
  auto written = std::make_shared<std::optional<Result<void>>>();
  asio::co_spawn(
      ex,
      [](std::shared_ptr<MuxedStream> st,
         std::shared_ptr<const Bytes> d) -> asio::awaitable<Result<void>> {
        for (std::size_t off = 0; off < d->size(); off += kChunk) {
          const auto n = std::min(kChunk, d->size() - off);
          GOOP_CO_TRY_VOID(co_await st->write(BytesView(d->data() + off, n)));
        }
        co_return co_await st->close_write();
      }(s, payload),
      [written](std::exception_ptr, Result<void> r) { *written = r; });
  Bytes back;
  std::vector<std::uint8_t> buf(kChunk);
  for (;;) {
    auto n = co_await s->read_some(buf);
    if (!n) {
      if (n.error() != make_error_code(Errc::kEndOfStream)) co_return n.error();
      break;
    }
    back.insert(back.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
  }
  while (!*written) co_await asio::post(ex, asio::use_awaitable);  // the writer's last step
  if (!**written) co_return (*written)->error();
  co_return back;
}

}  // namespace goop::p2p::testing
