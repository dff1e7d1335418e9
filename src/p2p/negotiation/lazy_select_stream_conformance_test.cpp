// LazySelectStream (over a yamux stream, answered by the real listener) passes the ByteStream
// conformance suite. The factory lets the lazy side send its proposal (an empty first write)
// and the listener answer it, so the suite meets the stream with the echo still unread: its
// first read or close_write checks it, as in use.
#include "p2p/muxer/yamux/test_support.hpp"
#include "p2p/negotiation/lazy_select_stream.hpp"
#include "p2p/negotiation/listener.hpp"
#include "p2p/testing/byte_stream_conformance.hpp"

namespace goop::p2p::multistream {
namespace {
namespace asio = boost::asio;
using p2p::testing::StreamPair;

constexpr std::string_view kProtocol = "/goop2/conformance/1.0.0";

struct LazySelectPair {
  static asio::awaitable<StreamPair> make(asio::io_context& io) {
    auto sessions = std::make_shared<yamux::testing::SessionPair>(io);
    StreamPair pair;
    auto opened = co_await sessions->client.session->open_stream();
    EXPECT_TRUE(opened.has_value()) << opened.error().message();
    if (!opened) co_return pair;
    auto lazy = make_lazy_select(std::move(*opened), std::string(kProtocol));
    EXPECT_TRUE((co_await lazy->write(BytesView())).has_value());
    auto inbound = co_await sessions->server.accept();
    EXPECT_NE(inbound, nullptr);
    if (!inbound) co_return pair;
    std::vector<std::string> supported;
    supported.emplace_back(kProtocol);
    auto chosen = co_await handle(*inbound, std::move(supported));
    EXPECT_TRUE(chosen.has_value()) << chosen.error().message();
    pair.a = std::move(lazy);
    pair.b = std::move(inbound);
    pair.stop = [sessions] { return sessions->close(); };
    co_return pair;
  }
};

}  // namespace
}  // namespace goop::p2p::multistream

namespace goop::p2p::testing {
INSTANTIATE_TYPED_TEST_SUITE_P(LazySelect, ByteStreamConformance, multistream::LazySelectPair);
}  // namespace goop::p2p::testing
