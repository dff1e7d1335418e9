// TcpStream passes the ByteStream conformance suite over a real loopback connection.
#include "p2p/testing/byte_stream_conformance.hpp"
#include "p2p/transport/tcp/tcp_stream.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace goop::p2p::tcp {
namespace {
namespace asio = boost::asio;
using p2p::testing::StreamPair;

struct LoopbackPair {
  static asio::awaitable<StreamPair> make(asio::io_context& io) {
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    auto client = co_await dial(acceptor.local_endpoint());
    EXPECT_TRUE(client.has_value()) << client.error().message();
    StreamPair pair;
    if (!client) co_return pair;
    pair.a = std::move(*client);
    pair.b = std::make_unique<TcpStream>(co_await acceptor.async_accept(asio::use_awaitable));
    co_return pair;
  }
};

}  // namespace
}  // namespace goop::p2p::tcp

namespace goop::p2p::testing {
INSTANTIATE_TYPED_TEST_SUITE_P(TcpLoopback, ByteStreamConformance, tcp::LoopbackPair);
}  // namespace goop::p2p::testing
