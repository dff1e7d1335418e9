// The Noise SecureStream, after a real handshake over a MemoryStream pair, passes the
// ByteStream conformance suite.
#include "p2p/security/noise/noise.hpp"
#include "p2p/testing/byte_stream_conformance.hpp"
#include "p2p/testing/memory_stream.hpp"

namespace goop::p2p::noise {
namespace {
namespace asio = boost::asio;
using p2p::testing::StreamPair;

struct NoisePair {
  static asio::awaitable<StreamPair> make(asio::io_context& io) {
    auto [x, y] = p2p::testing::MemoryStream::make_pair(io.get_executor());
    auto responder_key = Ed25519PrivateKey::generate();
    const auto responder = PeerId::from_public_key(responder_key.public_key());
    // The responder runs alongside; its result is kept until it completes.
    auto in = std::make_shared<std::optional<Result<SecureConnection>>>();
    auto responded =
        p2p::testing::spawn(io.get_executor(),
                            [raw = std::move(y), key = std::move(responder_key),
                             in]() mutable -> asio::awaitable<void> {
                              in->emplace(co_await secure_inbound(std::move(raw), key));
                            });
    auto out = co_await secure_outbound(std::move(x), Ed25519PrivateKey::generate(), responder);
    EXPECT_TRUE(co_await responded.wait());
    StreamPair pair;
    EXPECT_TRUE(out.has_value()) << out.error().message();
    EXPECT_TRUE(*in && (*in)->has_value());
    if (!out || !*in || !**in) co_return pair;
    pair.a = std::move(out->stream);
    pair.b = std::move((**in)->stream);
    co_return pair;
  }
};

}  // namespace
}  // namespace goop::p2p::noise

namespace goop::p2p::testing {
INSTANTIATE_TYPED_TEST_SUITE_P(NoiseOverMemory, ByteStreamConformance, noise::NoisePair);
}  // namespace goop::p2p::testing
