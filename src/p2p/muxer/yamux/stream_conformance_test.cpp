// A yamux stream of a client/server session pair (over MemoryStream) passes the ByteStream
// conformance suite.
#include "p2p/muxer/yamux/stream.hpp"
#include "p2p/muxer/yamux/test_support.hpp"
#include "p2p/testing/byte_stream_conformance.hpp"

namespace goop::p2p::yamux {
namespace {
namespace asio = boost::asio;
using p2p::testing::StreamPair;

struct YamuxPair {
  static asio::awaitable<StreamPair> make(asio::io_context& io) {
    auto sessions = std::make_shared<testing::SessionPair>(io);
    StreamPair pair;
    auto a = co_await sessions->client.session->open_stream();
    EXPECT_TRUE(a.has_value()) << a.error().message();
    if (!a) co_return pair;
    pair.a = std::move(*a);
    pair.b = co_await sessions->server.accept();
    pair.stop = [sessions] { return sessions->close(); };
    co_return pair;
  }
};

}  // namespace
}  // namespace goop::p2p::yamux

namespace goop::p2p::testing {
INSTANTIATE_TYPED_TEST_SUITE_P(YamuxOverMemory, ByteStreamConformance, yamux::YamuxPair);
}  // namespace goop::p2p::testing
