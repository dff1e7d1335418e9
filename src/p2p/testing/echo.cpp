#include "p2p/testing/echo.hpp"

#include "p2p/errors.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace goop::p2p::testing {
namespace asio = boost::asio;
namespace {
constexpr std::size_t kChunk = 64 * 1024;

// Writes `data` in kChunk writes and half-closes. On failure resets the stream, so that the
// reader beside it ends too.
asio::awaitable<Result<void>> write_all(std::shared_ptr<MuxedStream> s, Bytes data) {
  for (std::size_t off = 0; off < data.size(); off += kChunk) {
    const auto n = std::min(kChunk, data.size() - off);
    if (auto w = co_await s->write(BytesView(data.data() + off, n)); !w) {
      s->reset();
      co_return w;
    }
  }
  auto c = co_await s->close_write();
  if (!c) s->reset();
  co_return c;
}

// Reads until the end of the stream. On failure resets the stream, so that the writer beside
// it ends too.
asio::awaitable<Result<Bytes>> read_all(std::shared_ptr<MuxedStream> s) {
  Bytes back;
  std::vector<std::uint8_t> buf(kChunk);
  for (;;) {
    auto n = co_await s->read_some(buf);
    if (!n) {
      if (n.error() == make_error_code(Errc::kEndOfStream)) co_return back;
      s->reset();
      co_return n.error();
    }
    back.insert(back.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
  }
}
}  // namespace

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
  std::shared_ptr<MuxedStream> s = std::move(opened);
  auto ex = co_await asio::this_coro::executor;
  // The writer and the reader run side by side; this waits for both.
  auto [order, write_error, wrote, read_error, back] =
      co_await asio::experimental::make_parallel_group(
          asio::co_spawn(ex, write_all(s, std::move(data)), asio::deferred),
          asio::co_spawn(ex, read_all(s), asio::deferred))
          .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  (void)order;
  if (write_error) std::rethrow_exception(write_error);
  if (read_error) std::rethrow_exception(read_error);
  if (!back) co_return back.error();
  if (!wrote) co_return wrote.error();
  co_return back;
}

}  // namespace goop::p2p::testing
