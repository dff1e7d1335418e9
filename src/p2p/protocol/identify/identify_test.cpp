// IdentifyService between hosts on the memory transport: identify on connect, push on protocol
// changes, a key that is not the peer's, the observed address.

#include "p2p/protocol/identify/identify.hpp"

#include "p2p/crypto/keys.hpp"
#include "p2p/errors.hpp"
#include "p2p/host/host.hpp"
#include "p2p/testing/node_fixture.hpp"
#include "testing/run_coro.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <algorithm>

namespace goop::p2p::identify {
namespace {
namespace asio = boost::asio;
using goop::testing::run_coro;

constexpr std::string_view kChat = "/test/chat/1.0.0";

asio::awaitable<void> idle(std::unique_ptr<MuxedStream>, PeerId) { co_return; }

bool knows_protocol(Host& h, const PeerId& p, std::string_view protocol) {
  const auto* info = h.peerstore().find(p);
  return info && std::find(info->protocols.begin(), info->protocols.end(), protocol) !=
                     info->protocols.end();
}

class IdentifyTest : public ::testing::Test {
 protected:
  IdentifyTest() {
    HostConfig ca, cb;
    ca.agent_version = "agent-a/1";
    cb.agent_version = "agent-b/2";
    a_ = &nodes_.new_ephemeral(ca);
    b_ = &nodes_.new_ephemeral(cb);
    a_->on_identified([this](const PeerId& p) { identified_by_a_.push_back(p); });
    a_->identify().on_identification_failed(
        [this](const PeerId& p, error_code ec) { failed_at_a_.emplace_back(p, ec); });
  }
  asio::io_context io_;
  p2p::testing::NodeFixture nodes_{io_};
  Host* a_ = nullptr;
  Host* b_ = nullptr;
  std::vector<PeerId> identified_by_a_;
  std::vector<std::pair<PeerId, error_code>> failed_at_a_;
};

TEST_F(IdentifyTest, RunsOnConnectBothWays) {
  b_->set_stream_handler(std::string(kChat), idle);
  ASSERT_TRUE(run_coro(io_, a_->connect(b_->id(), b_->listen_addrs())).has_value());
  ASSERT_TRUE(nodes_.wait_for([&] { return !identified_by_a_.empty(); }));
  EXPECT_EQ(identified_by_a_.at(0), b_->id());
  const PeerInfo* b_info = a_->peerstore().find(b_->id());
  ASSERT_NE(b_info, nullptr);
  EXPECT_EQ(b_info->agent_version, "agent-b/2");
  EXPECT_EQ(b_info->protocol_version, kProtocolVersion);
  EXPECT_TRUE(knows_protocol(*a_, b_->id(), kChat));
  EXPECT_TRUE(knows_protocol(*a_, b_->id(), kProtocolId));
  EXPECT_TRUE(knows_protocol(*a_, b_->id(), kPushProtocolId));
  EXPECT_NE(std::find(b_info->addrs.begin(), b_info->addrs.end(), b_->listen_addrs().at(0)),
            b_info->addrs.end());
  // And b identified a over the same connection.
  ASSERT_TRUE(nodes_.wait_for([&] {
    const PeerInfo* i = b_->peerstore().find(a_->id());
    return i && i->agent_version == "agent-a/1";
  }));
  EXPECT_TRUE(failed_at_a_.empty());
}

TEST_F(IdentifyTest, ReportsTheAddressEachSideSeesTheOtherAt) {
  ASSERT_TRUE(nodes_.connect(*a_, *b_));
  const ConnectionInfo out = a_->connections().at(0);
  ASSERT_TRUE(out.outbound);
  // b sees a at a's ephemeral dialing number; a sees b at b's listen address.
  EXPECT_EQ(a_->peerstore().find(b_->id())->observed_addr, out.local_addr);
  EXPECT_EQ(b_->peerstore().find(a_->id())->observed_addr, out.remote_addr);
  EXPECT_EQ(out.remote_addr, b_->listen_addrs().at(0));
}

TEST_F(IdentifyTest, PushesWhenProtocolsChange) {
  ASSERT_TRUE(nodes_.connect(*a_, *b_));
  ASSERT_FALSE(knows_protocol(*a_, b_->id(), kChat));
  const auto before = identified_by_a_.size();
  b_->set_stream_handler(std::string(kChat), idle);
  ASSERT_TRUE(nodes_.wait_for([&] { return knows_protocol(*a_, b_->id(), kChat); }));
  EXPECT_GT(identified_by_a_.size(), before);
  b_->remove_stream_handler(std::string(kChat));
  ASSERT_TRUE(nodes_.wait_for([&] { return !knows_protocol(*a_, b_->id(), kChat); }));
  EXPECT_TRUE(knows_protocol(*a_, b_->id(), kProtocolId));  // the rest stays known
}

TEST_F(IdentifyTest, AnswerWithAKeyThatIsNotThePeersIsIgnored) {
  // b answers identify with somebody else's key (and a protocol that must not be believed).
  const auto impostor = Ed25519PrivateKey::generate();
  b_->set_stream_handler(
      std::string(kProtocolId),
      [&impostor](std::unique_ptr<MuxedStream> s, PeerId) -> asio::awaitable<void> {
        Message m;
        m.public_key = marshal_public_key(impostor.public_key());
        m.protocols = {"/evil/1.0.0"};
        m.agent_version = "impostor";
        (void)co_await send(*s, std::move(m));
      });
  ASSERT_TRUE(run_coro(io_, a_->connect(b_->id(), b_->listen_addrs())).has_value());
  ASSERT_TRUE(nodes_.wait_for([&] { return !failed_at_a_.empty(); }));
  EXPECT_EQ(failed_at_a_[0].first, b_->id());
  EXPECT_EQ(failed_at_a_[0].second, make_error_code(Errc::kPeerIdMismatch));
  EXPECT_TRUE(identified_by_a_.empty());
  EXPECT_FALSE(knows_protocol(*a_, b_->id(), "/evil/1.0.0"));
  const PeerInfo* info = a_->peerstore().find(b_->id());
  EXPECT_TRUE(info == nullptr || info->agent_version.empty());
  EXPECT_TRUE(a_->is_connected(b_->id()));  // a bad answer does not end the connection
}

TEST_F(IdentifyTest, TheMessageDescribesThisHost) {
  b_->set_stream_handler(std::string(kChat), idle);
  const auto observed = memory::memory_addr(5);
  const Message m = b_->identify().message_for(observed);
  auto key = unmarshal_public_key(m.public_key.value());
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(PeerId::from_public_key(*key), b_->id());
  EXPECT_EQ(m.protocols, b_->protocols());
  ASSERT_EQ(m.listen_addrs.size(), 1u);
  EXPECT_EQ(m.listen_addrs[0], b_->listen_addrs().at(0).bytes());
  EXPECT_EQ(m.observed_addr, observed.bytes());
  EXPECT_EQ(m.agent_version, "agent-b/2");
  // Round trip through the codec.
  auto back = decode(encode(m));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->protocols, m.protocols);
}

}  // namespace
}  // namespace goop::p2p::identify
