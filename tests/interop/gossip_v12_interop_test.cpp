// GossipSub v1.2 interop with js-libp2p v3 (@libp2p/gossipsub, tests/interop/gossip.mjs) over
// real TCP on 127.0.0.1. Three nodes, fully connected: two C++ nodes A and B and one js node J;
// B publishes 1 KiB messages (above both sides' IDONTWANT threshold of 512 bytes).
//  - With a v1.2 js node, both sides negotiate /meshsub/1.2.0 and IDONTWANT flows both ways: J
//    records IDONTWANTs from A (in js's message-id dialect, or js would not match them), and the
//    C++ nodes receive J's.
//  - With a js node that speaks only /meshsub/1.1.0 and 1.0.0 (an older router), our streams
//    negotiate down to 1.1.0, we send it no IDONTWANT and it sends us none, and every message
//    still arrives once.
//
// The C++ nodes run on one io_context in a background thread. The test thread waits on the js
// node through its replies, and on the C++ nodes through their callbacks (a delivered message,
// an inbound RPC handled), re-checking its condition on the node thread after each.

#include "base/log.hpp"
#include "js_gossip_peer.hpp"
#include "p2p/host/host.hpp"
#include "p2p/protocol/gossipsub/gossipsub.hpp"
#include "p2p/transport/tcp/tcp_transport.hpp"
#include "testing/wait_for.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

namespace goop::p2p::gossipsub {
namespace {
namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using goop::testing::JsGossipPeer;
constexpr auto kWait = 20s;
const std::string kTopic = "v12";

// Events raised on the node thread, waited for on the test thread (a SyncEventSource for
// goop::testing::wait_for). An event raised while nobody waits is kept for the next wait.
class NodeEvents {
 public:
  void notify() {
    std::lock_guard lock(mu_);
    ++raised_;
    cv_.notify_all();
  }
  bool next_event(goop::testing::Deadline deadline) {
    std::unique_lock lock(mu_);
    const bool got = cv_.wait_until(lock, deadline, [&] { return raised_ != taken_; });
    taken_ = raised_;
    return got;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t raised_ = 0;
  std::uint64_t taken_ = 0;
};

struct CppNode {
  CppNode(asio::io_context& io, NodeEvents& events,
          Ed25519PrivateKey k = Ed25519PrivateKey::generate())
      : host(io.get_executor(), k, host_config(),
             transports(tcp::make_transport(io.get_executor()))),
        gs(io.get_executor(), host, k) {
    gs.on_rpc_for_testing([&events](const PeerId&) { events.notify(); });
    gs.subscribe(kTopic, [this, &events](BytesView data, const PeerId&, const MessageId&) {
      received.emplace_back(data.begin(), data.end());
      events.notify();
    });
  }
  static HostConfig host_config() {
    HostConfig c;
    c.agent_version = "goop2/gossip-v12-interop-test";
    return c;
  }
  Host host;
  GossipSub gs;
  std::vector<Bytes> received;
};

class GossipV12Interop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* lv = std::getenv("GOOP_LOG")) (void)log::configure(lv);
    runner_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    for (auto& n : nodes_) {
      asio::co_spawn(io_, stop(*n), asio::use_future).get();
    }
    guard_.reset();
    runner_.join();
    nodes_.clear();
  }
  static asio::awaitable<void> stop(CppNode& n) {
    co_await n.gs.async_stop(2s);
    co_await n.host.async_stop(2s);
  }
  // Runs `f` on the node thread and returns its result.
  template <class F>
  auto on_node(F f) {
    return asio::post(io_, std::packaged_task<decltype(f())()>(std::move(f))).get();
  }
  // Waits until `pred` (run on the node thread) holds, re-checking after each node event.
  template <class F>
  bool wait_node(F pred) {
    return goop::testing::wait_for(
        events_, [&] { return on_node(pred); }, kWait);
  }
  CppNode& add_node() {
    return *on_node([this] {
      nodes_.push_back(std::make_unique<CppNode>(io_, events_));
      auto& n = *nodes_.back();
      if (auto r = n.host.start(); !r) throw std::runtime_error(r.error().message);
      n.gs.start();
      return &n;
    });
  }
  void connect(CppNode& from, const PeerId& to, const Multiaddr& addr) {
    auto r = asio::co_spawn(io_, from.host.connect(to, {addr}), asio::use_future).get();
    ASSERT_TRUE(r.has_value()) << r.error().message();
  }
  bool in_mesh(CppNode& n, const PeerId& peer) {
    return wait_node([&n, peer] {
      auto v = n.gs.mesh_peers(kTopic);
      return std::find(v.begin(), v.end(), peer) != v.end();
    });
  }

  // A, B and J fully connected, every node with the two others in its mesh.
  void mesh(CppNode& a, CppNode& b, JsGossipPeer& js) {
    const auto [b_id, b_addr] =
        on_node([&] { return std::pair(b.host.id(), b.host.listen_addrs().at(0)); });
    connect(a, b_id, b_addr);
    connect(a, js.id, js.addr);
    connect(b, js.id, js.addr);
    const auto a_id = on_node([&] { return a.host.id(); });
    auto st = js.wait_for(
        {{"meshPeers", json::array{json::value(a_id.to_base58()), json::value(b_id.to_base58())}}});
    ASSERT_TRUE(st.at("ok").as_bool()) << json::serialize(st) << js.err();
    ASSERT_TRUE(in_mesh(a, js.id) && in_mesh(a, b_id) && in_mesh(b, js.id) && in_mesh(b, a_id));
  }

  // B publishes `n` messages of 1 KiB; waits until A and J have them all.
  void publish_from_b(CppNode& a, CppNode& b, JsGossipPeer& js, std::size_t n) {
    const std::size_t js_before = js.messages().size();
    const std::size_t a_before = on_node([&] { return a.received.size(); });
    on_node([&] {
      for (std::size_t k = 0; k < n; ++k) {
        Bytes data(1024, static_cast<std::uint8_t>(k));
        if (auto r = b.gs.publish(kTopic, data); !r) ADD_FAILURE() << r.error().message();
      }
      return 0;
    });
    auto got = js.messages_when([&](const auto& m) { return m.size() >= js_before + n; });
    ASSERT_EQ(got.size(), js_before + n) << js.err();
    ASSERT_TRUE(wait_node([&] { return a.received.size() >= a_before + n; }));
    EXPECT_EQ(on_node([&] { return a.received.size(); }), a_before + n) << "delivered twice";
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_{io_.get_executor()};
  std::thread runner_;
  NodeEvents events_;
  std::vector<std::unique_ptr<CppNode>> nodes_;
};

TEST_F(GossipV12Interop, IDontWantFlowsBothWaysWithJs) {
  JsGossipPeer js(kTopic);
  CppNode& a = add_node();
  CppNode& b = add_node();
  mesh(a, b, js);
  const auto a_id = on_node([&] { return a.host.id(); });
  const auto b_id = on_node([&] { return b.host.id(); });
  auto st = js.call({{"state", true}});
  EXPECT_EQ(st.at("protocols").at(a_id.to_base58()), "/meshsub/1.2.0") << json::serialize(st);
  EXPECT_EQ(st.at("protocols").at(b_id.to_base58()), "/meshsub/1.2.0") << json::serialize(st);

  publish_from_b(a, b, js, 5);
  // A got each message from B first (J forwards only after verifying it), and told J at once.
  EXPECT_TRUE(wait_node([&] { return a.gs.counters().idontwant_sent >= 1; }));
  auto told = js.wait_for({{"idontwantsFrom", {{a_id.to_base58(), 1}}}});
  EXPECT_TRUE(told.at("ok").as_bool()) << json::serialize(told) << js.err();
  // In js's id dialect (key || seqno): js finds them among its cached messages.
  EXPECT_GE(told.at("idontwantsKnown").at(a_id.to_base58()).to_number<int>(), 1)
      << json::serialize(told);
  // J told whichever C++ node it did not get each message from.
  EXPECT_TRUE(wait_node([&] {
    return a.gs.counters().idontwant_received + b.gs.counters().idontwant_received >= 1;
  }));
}

TEST_F(GossipV12Interop, AnOlderRouterNegotiates11AndNeverSeesIDontWant) {
  JsGossipPeer js(kTopic);
  auto restarted = js.call({{"protocols", json::array{"/meshsub/1.1.0", "/meshsub/1.0.0"}}});
  ASSERT_FALSE(restarted.contains("error")) << json::serialize(restarted);
  CppNode& a = add_node();
  CppNode& b = add_node();
  mesh(a, b, js);
  const auto a_id = on_node([&] { return a.host.id(); });
  auto st = js.call({{"state", true}});
  EXPECT_EQ(st.at("protocols").at(a_id.to_base58()), "/meshsub/1.1.0") << json::serialize(st);

  publish_from_b(a, b, js, 5);
  // Whatever A queued for J when the messages arrived is on the wire once A's queues drain,
  // and J reads it before A's next message (one ordered stream).
  ASSERT_TRUE(asio::co_spawn(io_, a.gs.flush(5s), asio::use_future).get());
  const std::size_t js_before = js.messages().size();
  ASSERT_TRUE(on_node([&] { return a.gs.publish(kTopic, Bytes{1, 2, 3}).has_value(); }));
  ASSERT_EQ(js.messages_when([&](const auto& m) { return m.size() > js_before; }).size(),
            js_before + 1);
  st = js.call({{"state", true}});
  const auto& from = st.at("idontwantsFrom").as_object();
  const auto it = from.find(a_id.to_base58());
  EXPECT_TRUE(it == from.end() || it->value().to_number<int>() == 0) << json::serialize(st);
  EXPECT_EQ(on_node([&] { return a.gs.counters().idontwant_sent; }), 0u);
  EXPECT_EQ(on_node([&] { return a.gs.counters().idontwant_received; }), 0u);
}

}  // namespace
}  // namespace goop::p2p::gossipsub
