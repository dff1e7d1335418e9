// Feeds arbitrary bytes to a server yamux Session over an in-memory connection, as a hostile
// client would. The session must answer, reject or close, never crash, hang or leak; inbound
// streams are read and answered so data and window paths run too.
#include "base/log.hpp"
#include "p2p/muxer/yamux/session.hpp"
#include "p2p/testing/memory_stream.hpp"
#include "testing/run_coro.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <memory>

using namespace goop;
using namespace goop::p2p;
namespace asio = boost::asio;

namespace {
asio::awaitable<void> serve(std::unique_ptr<MuxedStream> s) {
  std::uint8_t buf[512];
  for (int i = 0; i < 4; ++i) {
    auto n = co_await s->read_some(buf);
    if (!n) break;
    if (!co_await s->write(BytesView(buf, *n))) break;
  }
  (void)co_await s->close_write();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = log::configure("off").has_value();  // violations are expected here
  (void)quiet;
  asio::io_context io;
  auto [raw, conn] = p2p::testing::MemoryStream::make_pair(io.get_executor(), 4 << 20);
  yamux::Config cfg;
  cfg.keepalive_interval = {};  // no timers: the run below ends when the input is consumed
  cfg.max_inbound_streams = 8;
  auto session = std::make_unique<yamux::Session>(std::move(conn), yamux::Role::kServer, cfg);
  session->set_stream_handler([&io](std::unique_ptr<MuxedStream> s) {
    asio::co_spawn(io, serve(std::move(s)), asio::detached);
  });
  session->start();
  auto feed = [](p2p::testing::MemoryStream& r, Bytes in) -> asio::awaitable<void> {
    (void)co_await r.write(in);
    (void)co_await r.close_write();
  };
  asio::co_spawn(io, feed(*raw, Bytes(data, data + size)), asio::detached);
  while (io.poll() > 0) {
  }
  goop::testing::run_coro(io, session->close(std::chrono::milliseconds(200)));
  while (io.poll() > 0) {
  }
  session.reset();
  raw.reset();
  while (io.poll() > 0) {
  }
  return 0;
}
