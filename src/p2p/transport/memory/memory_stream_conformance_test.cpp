// The memory transport's streams pass the ByteStream conformance suite: a bare MemoryStream pair,
// and a connection dialled and accepted through a MemoryNetwork (what Hosts in tests use).
#include "p2p/testing/byte_stream_conformance.hpp"
#include "p2p/transport/memory/memory_stream.hpp"
#include "p2p/transport/memory/memory_transport.hpp"

namespace goop::p2p::testing {
using memory::make_transport;
using memory::memory_addr;
using memory::MemoryNetwork;
using memory::MemoryStream;
namespace {

struct MemoryPair {
  static boost::asio::awaitable<StreamPair> make(boost::asio::io_context& io) {
    auto [a, b] = MemoryStream::make_pair(io.get_executor());
    StreamPair pair;
    pair.a = std::move(a);
    pair.b = std::move(b);
    co_return pair;
  }
};

// Dial and accept through the transport. The network and the transport only hand streams over:
// the streams outlive them.
struct TransportPair {
  static boost::asio::awaitable<StreamPair> make(boost::asio::io_context& io) {
    MemoryNetwork net;
    auto transport = make_transport(io.get_executor(), net);
    auto listener = transport->listen(memory_addr(0));
    if (!listener) throw std::runtime_error(listener.error().message);
    auto dialled = co_await transport->dial((*listener)->local_addr(), std::chrono::seconds(5));
    if (!dialled) throw std::runtime_error("dial: " + dialled.error().message());
    auto accepted = co_await (*listener)->accept();
    if (!accepted) throw std::runtime_error("accept: " + accepted.error().message());
    StreamPair pair;
    pair.a = std::move(dialled->stream);
    pair.b = std::move(accepted->stream);
    co_return pair;
  }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Memory, ByteStreamConformance, MemoryPair);
INSTANTIATE_TYPED_TEST_SUITE_P(MemoryTransport, ByteStreamConformance, TransportPair);

}  // namespace
}  // namespace goop::p2p::testing
