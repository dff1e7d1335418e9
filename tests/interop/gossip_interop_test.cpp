// GossipSub interop with js-libp2p v3 (@libp2p/gossipsub, tests/interop/gossip.mjs) over real
// TCP on 127.0.0.1, both connection directions: subscriptions are seen both ways, meshes
// form, and messages arrive byte for byte with the right author. Then a 5-node line mixing
// both implementations, where every message has to be forwarded by each of them.
//
// The C++ nodes run on one io_context in a background thread; the test thread talks to the js
// peers over their stdin/stdout and reaches the C++ nodes by posting to that io_context. Every
// wait has a deadline on a condition.

#include "base/log.hpp"
#include "js_gossip_peer.hpp"
#include "p2p/host/host.hpp"
#include "p2p/protocol/gossipsub/gossipsub.hpp"
#include "p2p/testing/wait_until.hpp"
#include "p2p/transport/tcp/tcp_transport.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <set>
#include <thread>

namespace goop::p2p::gossipsub {
namespace {
namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using goop::testing::JsGossipPeer;
constexpr auto kWait = 20s;

Bytes to_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

// A C++ node: Host + GossipSub, recording what its handler receives.
struct CppNode {
  explicit CppNode(asio::io_context& io, Config config = {},
                   Ed25519PrivateKey k = Ed25519PrivateKey::generate())
      : host(io.get_executor(), k, host_config(),
             transports(tcp::make_transport(io.get_executor()))),
        gs(io.get_executor(), host, k, config) {}
  static HostConfig host_config() {
    HostConfig c;
    c.agent_version = "goop2/gossip-interop-test";
    return c;
  }
  void subscribe(const std::string& topic) {
    gs.subscribe(topic, [this](BytesView data, const PeerId& author, const MessageId&) {
      received.push_back({author, Bytes(data.begin(), data.end())});
    });
  }
  Host host;
  GossipSub gs;
  std::vector<std::pair<PeerId, Bytes>> received;
};

class GossipInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* lv = std::getenv("GOOP_LOG")) (void)log::configure(lv);
    runner_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    for (auto& n : nodes_) run(stop(*n));
    guard_.reset();
    runner_.join();
    nodes_.clear();
  }
  asio::awaitable<void> stop(CppNode& n) {
    co_await n.gs.async_stop(2s);
    co_await n.host.async_stop(2s);
  }

  // Runs `f` on the node thread and returns its result.
  template <class F>
  auto on_node(F f) {
    return asio::post(io_, std::packaged_task<decltype(f())()>(std::move(f))).get();
  }
  template <class T>
  T run(asio::awaitable<T> task) {
    return asio::co_spawn(io_, std::move(task), asio::use_future).get();
  }
  // Checks `pred` on the node thread every few ms until it holds or `timeout` passes.
  bool wait_node(std::function<bool()> pred, std::chrono::milliseconds timeout = kWait) {
    return run(p2p::testing::wait_until(std::move(pred), timeout));
  }

  CppNode& add_node(Config config = {}) {
    return *on_node([this, config] {
      nodes_.push_back(std::make_unique<CppNode>(io_, config));
      auto& n = *nodes_.back();
      auto started = n.host.start();
      if (!started) throw std::runtime_error(started.error().message);
      n.gs.start();
      return &n;
    });
  }
  void connect(CppNode& from, const PeerId& to, const Multiaddr& addr) {
    auto r = run(from.host.connect(to, {addr}));
    ASSERT_TRUE(r.has_value()) << r.error().message();
  }
  bool cpp_sees(CppNode& n, const std::string& topic, const PeerId& peer, bool in_mesh) {
    return wait_node([&n, topic, peer, in_mesh] {
      auto v = in_mesh ? n.gs.mesh_peers(topic) : n.gs.peers(topic);
      return std::find(v.begin(), v.end(), peer) != v.end();
    });
  }

  // Checks one C++ node and one js peer, connected, both on `topic`.
  void check_pair(CppNode& cpp, JsGossipPeer& js, const std::string& topic) {
    const PeerId cpp_id = cpp.host.id();
    EXPECT_TRUE(cpp_sees(cpp, topic, js.id, false)) << "C++ never saw js subscribe\n" << js.err();
    auto js_state = js.wait_for({{"subscribers", json::array{json::value(cpp_id.to_base58())}},
                                 {"meshPeers", json::array{json::value(cpp_id.to_base58())}}});
    EXPECT_TRUE(js_state.at("ok").as_bool()) << json::serialize(js_state);
    EXPECT_TRUE(cpp_sees(cpp, topic, js.id, true)) << "js not in our mesh";

    // C++ -> js: every byte value, and `from` is our peer id.
    Bytes payload(256);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i);
    auto id = on_node([&] { return cpp.gs.publish(topic, payload); });
    ASSERT_TRUE(id.has_value()) << id.error().message();
    auto got = js.messages_when([](const auto& m) { return !m.empty(); });
    ASSERT_EQ(got.size(), 1u) << js.err();
    EXPECT_EQ(got[0].data, payload);
    EXPECT_EQ(got[0].from, cpp_id.to_base58());
    EXPECT_EQ(got[0].topic, topic);

    // js -> C++: the author is the js peer.
    const Bytes from_js = to_bytes("hello from js \x01\x02");
    auto pub = js.publish(from_js);
    ASSERT_FALSE(pub.contains("error")) << json::serialize(pub);
    ASSERT_TRUE(wait_node([&cpp] { return !cpp.received.empty(); })) << js.err();
    auto received = on_node([&cpp] { return cpp.received; });
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].first, js.id);
    EXPECT_EQ(received[0].second, from_js);
  }

  // Bursts and a large message both ways (several yamux and Noise frames per RPC, many RPCs
  // per write), then unsubscribing both ways.
  void check_traffic(CppNode& cpp, JsGossipPeer& js, const std::string& topic) {
    constexpr std::size_t kBurst = 300, kSize = 1024, kLarge = 512 * 1024;
    auto pattern = [](std::uint32_t k, std::size_t size) {
      Bytes d(size);
      for (std::size_t i = 4; i < size; ++i) d[i] = static_cast<std::uint8_t>((k + i) & 0xff);
      for (std::size_t i = 0; i < 4; ++i) d[i] = static_cast<std::uint8_t>(k >> (24 - 8 * i));
      return d;
    };
    const std::size_t js_before = js.messages().size();
    on_node([&] {
      for (std::uint32_t k = 0; k < kBurst; ++k) {
        if (auto r = cpp.gs.publish(topic, pattern(k, kSize)); !r)
          ADD_FAILURE() << r.error().message();
      }
      if (auto r = cpp.gs.publish(topic, pattern(kBurst, kLarge)); !r)
        ADD_FAILURE() << r.error().message();
      return 0;
    });
    auto got = js.messages_when([&](const auto& m) { return m.size() >= js_before + kBurst + 1; });
    ASSERT_EQ(got.size(), js_before + kBurst + 1) << js.err();
    for (std::uint32_t k = 0; k <= kBurst; ++k) {
      EXPECT_EQ(got[js_before + k].data, pattern(k, k == kBurst ? kLarge : kSize))
          << "message " << k;
    }

    const std::size_t cpp_before = on_node([&] { return cpp.received.size(); });
    auto burst = js.call({{"burst", kBurst}, {"size", kSize}}, 60s);
    ASSERT_FALSE(burst.contains("error")) << json::serialize(burst);
    auto large = js.publish(pattern(kBurst, kLarge));
    ASSERT_FALSE(large.contains("error")) << json::serialize(large);
    ASSERT_TRUE(wait_node([&] { return cpp.received.size() >= cpp_before + kBurst + 1; }))
        << js.err();
    auto received = on_node([&] { return cpp.received; });
    ASSERT_EQ(received.size(), cpp_before + kBurst + 1);
    std::set<Bytes> want, have;
    for (std::uint32_t k = 0; k <= kBurst; ++k)
      want.insert(pattern(k, k == kBurst ? kLarge : kSize));
    for (std::size_t i = cpp_before; i < received.size(); ++i) have.insert(received[i].second);
    EXPECT_TRUE(want == have) << "C++ did not receive js's burst intact";

    on_node([&] {
      cpp.gs.unsubscribe(topic);
      return 0;
    });
    auto left =
        js.wait_for({{"notSubscribers", json::array{json::value(cpp.host.id().to_base58())}}});
    EXPECT_TRUE(left.at("ok").as_bool()) << json::serialize(left);
    auto js_left = js.call({{"unsubscribe", topic}});
    ASSERT_FALSE(js_left.contains("error")) << json::serialize(js_left);
    EXPECT_TRUE(wait_node([&] {
      auto v = cpp.gs.peers(topic);
      return std::find(v.begin(), v.end(), js.id) == v.end();
    })) << "C++ still lists js as a subscriber";
  }

  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_{
      io_.get_executor()};
  std::thread runner_;
  std::vector<std::unique_ptr<CppNode>> nodes_;
};

TEST_F(GossipInterop, WeDialJs) {
  JsGossipPeer js("interop");
  CppNode& cpp = add_node();
  on_node([&] {
    cpp.subscribe("interop");
    return 0;
  });  // before the connection exists
  connect(cpp, js.id, js.addr);
  check_pair(cpp, js, "interop");
  check_traffic(cpp, js, "interop");
}

TEST_F(GossipInterop, JsDialsUs) {
  JsGossipPeer js("interop");
  CppNode& cpp = add_node();
  const auto [cpp_id, cpp_addr] =
      on_node([&] { return std::pair(cpp.host.id(), cpp.host.listen_addrs().at(0)); });
  auto dialed = js.dial(cpp_addr, cpp_id);
  ASSERT_EQ(dialed.at("dialed").as_string(), cpp_id.to_base58()) << json::serialize(dialed);
  ASSERT_TRUE(wait_node([&] { return cpp.host.is_connected(js.id); }));
  on_node([&] {
    cpp.subscribe("interop");
    return 0;
  });  // after: announced to connected peers
  check_pair(cpp, js, "interop");
  check_traffic(cpp, js, "interop");
}

// X(js) - A(C++) - Y(js) - B(C++) - C(C++): a line, so every message is forwarded by both
// implementations on its way. Each node publishes one message; each receives the four others
// exactly once.
TEST_F(GossipInterop, MixedFiveNodeLine) {
  const std::string topic = "line";
  JsGossipPeer x(topic), y(topic);
  CppNode& a = add_node();
  CppNode& b = add_node();
  CppNode& c = add_node();
  on_node([&] {
    for (auto* n : {&a, &b, &c}) n->subscribe(topic);
    return 0;
  });
  const auto ids = on_node([&] {
    return std::vector<PeerId>{a.host.id(), b.host.id(), c.host.id()};
  });
  const auto addrs = on_node([&] {
    return std::vector<Multiaddr>{a.host.listen_addrs().at(0), b.host.listen_addrs().at(0),
                                  c.host.listen_addrs().at(0)};
  });
  connect(a, x.id, x.addr);                // C++ dials js
  connect(a, y.id, y.addr);                // C++ dials js
  auto dialed = y.dial(addrs[1], ids[1]);  // js dials C++
  ASSERT_FALSE(dialed.contains("error")) << json::serialize(dialed);
  connect(c, ids[1], addrs[1]);  // C++ dials C++

  // Meshes: each node has all its line neighbours in its mesh.
  EXPECT_TRUE(cpp_sees(a, topic, x.id, true));
  EXPECT_TRUE(cpp_sees(a, topic, y.id, true));
  EXPECT_TRUE(cpp_sees(b, topic, y.id, true));
  EXPECT_TRUE(cpp_sees(b, topic, ids[2], true));
  EXPECT_TRUE(cpp_sees(c, topic, ids[1], true));
  auto xs = x.wait_for({{"meshPeers", json::array{json::value(ids[0].to_base58())}}});
  EXPECT_TRUE(xs.at("ok").as_bool()) << json::serialize(xs);
  auto ys = y.wait_for({{"meshPeers", json::array{json::value(ids[0].to_base58()),
                                                  json::value(ids[1].to_base58())}}});
  EXPECT_TRUE(ys.at("ok").as_bool()) << json::serialize(ys);

  // Every node publishes "msg-<name>", then (once all arrived) "fin-<name>", so duplicates of
  // the first round still in flight arrive before we count.
  for (const std::string round : {"msg-", "fin-"}) {
    ASSERT_FALSE(x.publish(to_bytes(round + "X")).contains("error"));
    ASSERT_FALSE(y.publish(to_bytes(round + "Y")).contains("error"));
    on_node([&] {
      for (auto [n, name] : {std::pair{&a, "A"}, std::pair{&b, "B"}, std::pair{&c, "C"}}) {
        auto r = n->gs.publish(topic, to_bytes(round + name));
        if (!r) ADD_FAILURE() << r.error().message();
      }
      return 0;
    });
    auto count_round = [round](const std::vector<std::string>& got) {
      return std::count_if(got.begin(), got.end(),
                           [&](const std::string& s) { return s.starts_with(round); });
    };
    auto js_texts = [](const std::vector<JsGossipPeer::Received>& v) {
      std::vector<std::string> t;
      for (const auto& m : v) t.emplace_back(m.data.begin(), m.data.end());
      return t;
    };
    auto js_has_round = [&](const auto& v) { return count_round(js_texts(v)) >= 4; };
    EXPECT_TRUE(js_has_round(x.messages_when(js_has_round))) << x.err();
    EXPECT_TRUE(js_has_round(y.messages_when(js_has_round))) << y.err();
    EXPECT_TRUE(wait_node([&] {
      for (auto* n : {&a, &b, &c}) {
        std::vector<std::string> t;
        for (const auto& [_, d] : n->received) t.emplace_back(d.begin(), d.end());
        if (count_round(t) < 4) return false;
      }
      return true;
    })) << "C++ nodes did not get every message";
  }

  // Exactly once, with the right author.
  const std::map<std::string, std::string> author_of = {{"X", x.id.to_base58()},
                                                        {"Y", y.id.to_base58()},
                                                        {"A", ids[0].to_base58()},
                                                        {"B", ids[1].to_base58()},
                                                        {"C", ids[2].to_base58()}};
  auto expect_once = [&](const std::string& self,
                         const std::vector<std::pair<std::string, std::string>>& got) {
    std::map<std::string, int> count;
    for (const auto& [text, from] : got) {
      ++count[text];
      EXPECT_EQ(from, author_of.at(text.substr(4))) << self << " got " << text;
    }
    for (const auto& [name, _] : author_of) {
      for (const std::string round : {"msg-", "fin-"}) {
        EXPECT_EQ(count[round + name], name == self ? 0 : 1)
            << self << " received " << round + name;
      }
    }
  };
  for (auto [js, name] : {std::pair{&x, "X"}, std::pair{&y, "Y"}}) {
    std::vector<std::pair<std::string, std::string>> got;
    for (const auto& m : js->messages())
      got.emplace_back(std::string(m.data.begin(), m.data.end()), m.from);
    expect_once(name, got);
  }
  for (auto [n, name] : {std::pair{&a, "A"}, std::pair{&b, "B"}, std::pair{&c, "C"}}) {
    auto got = on_node([n = n] {
      std::vector<std::pair<std::string, std::string>> v;
      for (const auto& [author, d] : n->received)
        v.emplace_back(std::string(d.begin(), d.end()), author.to_base58());
      return v;
    });
    expect_once(name, got);
  }
}

// Y(js) - X(js) - A(C++) - B(C++), where A keeps no mesh (D = 0: it PRUNEs every GRAFT) and so
// passes messages on only by gossip: js IHAVE -> our IWANT -> js message, and our IHAVE -> js
// IWANT -> our message, with each side's own message-id function.
TEST_F(GossipInterop, GossipRepairBothWays) {
  const std::string topic = "gossip";
  JsGossipPeer y(topic), x(topic);
  Config gossip_only;
  gossip_only.params.d = gossip_only.params.d_lo = gossip_only.params.d_hi = 0;
  CppNode& a = add_node(gossip_only);
  CppNode& b = add_node();
  on_node([&] {
    a.subscribe(topic);
    b.subscribe(topic);
    return 0;
  });
  const auto [a_id, a_addr] =
      on_node([&] { return std::pair(a.host.id(), a.host.listen_addrs().at(0)); });
  auto yx = y.dial(x.addr, x.id);
  ASSERT_FALSE(yx.contains("error")) << json::serialize(yx);
  connect(a, x.id, x.addr);
  connect(b, a_id, a_addr);
  EXPECT_TRUE(cpp_sees(a, topic, x.id, false));
  EXPECT_TRUE(cpp_sees(b, topic, a_id, false));
  auto xs = x.wait_for({{"subscribers", json::array{json::value(a_id.to_base58())}},
                        {"meshPeers", json::array{json::value(y.id.to_base58())}}});
  EXPECT_TRUE(xs.at("ok").as_bool()) << json::serialize(xs);
  EXPECT_TRUE(on_node([&] { return a.gs.mesh_peers(topic).empty(); }));

  ASSERT_FALSE(y.publish(to_bytes("from Y")).contains("error"));
  const PeerId b_id = on_node([&] { return b.host.id(); });
  ASSERT_TRUE(wait_node([&] { return a.received.size() == 1 && b.received.size() == 1; }))
      << "js gossip did not reach C++\n"
      << x.err();
  on_node([&] {
    EXPECT_EQ(a.received[0].first, y.id);
    EXPECT_EQ(b.received[0].second, to_bytes("from Y"));
    return 0;
  });
  ASSERT_TRUE(on_node([&] { return b.gs.publish(topic, to_bytes("from B")); }).has_value());
  auto got_x = x.messages_when([](const auto& m) { return m.size() >= 2; });
  auto got_y = y.messages_when([](const auto& m) { return !m.empty(); });
  ASSERT_EQ(got_x.size(), 2u) << "C++ gossip did not reach js\n" << x.err();
  EXPECT_EQ(got_x[1].data, to_bytes("from B"));
  EXPECT_EQ(got_x[1].from, b_id.to_base58());
  ASSERT_EQ(got_y.size(), 1u);
  EXPECT_EQ(got_y[0].data, to_bytes("from B"));
  EXPECT_TRUE(wait_node([&] { return a.received.size() == 2; }));
  // js got the message under the id it asked for: no promise left open (a mismatch stays open
  // for 3 s and then costs us score).
  auto st = x.call({{"state", true}});
  EXPECT_EQ(st.at("openPromises").as_int64(), 0) << json::serialize(st);
  EXPECT_GE(st.at("scores").as_object().at(a_id.to_base58()).to_number<double>(), 0.0)
      << json::serialize(st);
}

}  // namespace
}  // namespace goop::p2p::gossipsub
