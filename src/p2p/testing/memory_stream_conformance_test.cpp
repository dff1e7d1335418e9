// MemoryStream passes the ByteStream conformance suite.
#include "p2p/testing/byte_stream_conformance.hpp"
#include "p2p/testing/memory_stream.hpp"

namespace goop::p2p::testing {
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

INSTANTIATE_TYPED_TEST_SUITE_P(Memory, ByteStreamConformance, MemoryPair);

}  // namespace
}  // namespace goop::p2p::testing
