// GossipSub services on Hosts over the memory transport in one process: mesh formation, every
// node receives a publish exactly once, forged and unsigned messages are dropped.
#include "p2p/protocol/gossipsub/gossipsub.hpp"

#include "p2p/host/host.hpp"
#include "p2p/io/framing.hpp"
#include "p2p/protocol/gossipsub/signing.hpp"
#include "p2p/testing/node_fixture.hpp"
#include "testing/run_coro.hpp"
#include "testing/wait_for.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

namespace goop::p2p::gossipsub {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using goop::testing::run_coro;

struct Node {
  Node(asio::io_context& io, memory::MemoryNetwork& net, Ed25519PrivateKey k)
      : host(io.get_executor(), k, p2p::testing::memory_host_config(),
             transports(memory::make_transport(io.get_executor(), net))),
        gs(io.get_executor(), host, k) {}
  Host host;
  GossipSub gs;
  std::map<std::string, int> received;  // data -> count
  std::vector<PeerId> authors;
  std::map<std::string, PeerId> author_of;  // data -> author
};

class GossipNetwork : public ::testing::Test {
 protected:
  void make_nodes(int n) {
    for (int i = 0; i < n; ++i) {
      nodes_.push_back(std::make_unique<Node>(io_, net_.network(), Ed25519PrivateKey::generate()));
      ASSERT_TRUE(nodes_.back()->host.start().has_value());
      nodes_.back()->gs.start();
    }
  }
  void connect(std::size_t a, std::size_t b) {
    ASSERT_TRUE(net_.connect(nodes_[a]->host, nodes_[b]->host));
  }
  void subscribe_all(const std::string& topic) {
    for (auto& n : nodes_) {
      Node* node = n.get();
      node->gs.subscribe(topic, [node](BytesView data, const PeerId& author, const MessageId&) {
        ++node->received[std::string(as_chars(data))];
        node->authors.push_back(author);
        node->author_of.insert_or_assign(std::string(as_chars(data)), author);
      });
    }
  }
  bool wait(std::function<bool()> pred) { return net_.wait_for(std::move(pred)); }
  void TearDown() override {
    for (auto& n : nodes_) run_coro(io_, n->gs.async_stop(2s));
    for (auto& n : nodes_) run_coro(io_, n->host.async_stop(2s));
  }

  asio::io_context io_;
  p2p::testing::NodeFixture net_{io_};
  std::vector<std::unique_ptr<Node>> nodes_;
};

TEST_F(GossipNetwork, FiveNodesEachReceiveExactlyOnce) {
  make_nodes(5);
  // A ring plus one chord, so messages take several paths.
  connect(0, 1);
  connect(1, 2);
  connect(2, 3);
  connect(3, 4);
  connect(4, 0);
  connect(0, 2);
  subscribe_all("t");
  ASSERT_TRUE(wait([&] {
    for (auto& n : nodes_) {
      if (n->gs.mesh_peers("t").size() < n->host.connected_peers().size()) return false;
    }
    return true;
  })) << "mesh did not form";
  ASSERT_TRUE(nodes_[3]->gs.publish("t", Bytes{'o', 'n', 'e'}).has_value());
  ASSERT_TRUE(nodes_[1]->gs.publish("t", Bytes{'t', 'w', 'o'}).has_value());
  ASSERT_TRUE(wait([&] {
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      if (i != 3 && nodes_[i]->received["one"] == 0) return false;
      if (i != 1 && nodes_[i]->received["two"] == 0) return false;
    }
    return true;
  }));
  // A third message, published after the first two arrived everywhere, flushes any
  // duplicates still on the way through the same ordered streams.
  ASSERT_TRUE(nodes_[0]->gs.publish("t", Bytes{'3'}).has_value());
  ASSERT_TRUE(wait([&] {
    for (std::size_t i = 1; i < nodes_.size(); ++i) {
      if (nodes_[i]->received["3"] == 0) return false;
    }
    return true;
  }));
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    EXPECT_EQ(nodes_[i]->received["one"], i == 3 ? 0 : 1) << "node " << i;
    EXPECT_EQ(nodes_[i]->received["two"], i == 1 ? 0 : 1) << "node " << i;
  }
  EXPECT_EQ(nodes_[0]->author_of.at("one"), nodes_[3]->host.id());
  EXPECT_EQ(nodes_[0]->author_of.at("two"), nodes_[1]->host.id());
}

// A raw peer speaks /meshsub/1.1.0 by hand: forged and unsigned messages are dropped, and a
// properly signed marker sent after them arrives.
TEST_F(GossipNetwork, DropsForgedAndUnsignedMessages) {
  make_nodes(1);
  subscribe_all("t");
  auto raw_key = Ed25519PrivateKey::generate();
  auto raw_host = p2p::testing::make_memory_host(io_.get_executor(), net_.network(), raw_key);
  Host& raw = *raw_host;
  ASSERT_TRUE(raw.start().has_value());
  Node& target = *nodes_[0];
  auto result = run_coro(
      io_,
      [](Host& h, PeerId to, std::vector<Multiaddr> addrs,
         Ed25519PrivateKey key) -> asio::awaitable<Result<void>> {
        GOOP_CO_TRY_VOID(co_await h.connect(to, addrs));
        std::vector<std::string> protos{std::string(kProtocolV11)};
        GOOP_CO_TRY(auto s, co_await h.new_stream(to, std::move(protos)));
        Rpc rpc;
        rpc.subscriptions.push_back({true, "t"});
        Message forged;  // claims `to` as author, signed by us
        forged.topic = "t";
        forged.data = {'f'};
        forged.seqno = encode_seqno(1);
        sign_message(forged, key);
        forged.from = to.bytes();
        Message nosig;
        nosig.topic = "t";
        nosig.data = {'u'};
        nosig.seqno = encode_seqno(2);
        nosig.from = PeerId::from_public_key(key.public_key()).bytes();
        Message marker;
        marker.topic = "t";
        marker.data = {'m'};
        marker.seqno = encode_seqno(3);
        sign_message(marker, key);
        rpc.publish = {forged, nosig, marker};
        GOOP_CO_TRY_VOID(co_await write_length_prefixed(*s, encode_rpc(rpc)));
        co_return co_await s->close_write();  // a clean close: the data is read before the end
      }(raw, target.host.id(), target.host.listen_addrs(), raw_key));
  ASSERT_TRUE(result.has_value()) << result.error().message();
  ASSERT_TRUE(wait([&] { return target.received["m"] == 1; }));
  EXPECT_EQ(target.received["f"], 0);
  EXPECT_EQ(target.received["u"], 0);
  ASSERT_EQ(target.authors.size(), 1u);
  EXPECT_EQ(target.authors[0], raw.id());
  run_coro(io_, raw.async_stop(2s));
}

}  // namespace
}  // namespace goop::p2p::gossipsub
