// MdnsService over real multicast. Needs a private network namespace whose loopback carries
// multicast (tests/netns/run_in_netns.sh sets one up); skips anywhere else, so it never sends
// to a real LAN.

#include "../support/netns.hpp"
#include "../support/process.hpp"
#include "p2p/crypto/keys.hpp"
#include "p2p/discovery/mdns/mdns.hpp"
#include "p2p/discovery/mdns/records.hpp"
#include "testing/run_coro.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unistd.h>

namespace goop::p2p::mdns {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using goop::testing::run_coro;

using goop::testing::in_multicast_netns;

PeerId new_peer() { return PeerId::from_public_key(Ed25519PrivateKey::generate().public_key()); }
Multiaddr addr(std::string_view s) { return Multiaddr::parse(s).value(); }

// Waits (on the io_context, not by sleeping) until `done()` or `deadline`; returns done().
asio::awaitable<bool> wait_for(std::function<bool()> done, std::chrono::milliseconds deadline) {
  auto ex = co_await asio::this_coro::executor;
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!done() && std::chrono::steady_clock::now() < until) {
    asio::steady_timer t(ex, 10ms);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return done();
}

struct Node {
  Node(asio::io_context& io, std::string tag, std::vector<Multiaddr> a, MdnsConfig cfg = {})
      : id(new_peer()), addrs(std::move(a)) {
    cfg.address_poll_interval = 100ms;
    service = std::make_unique<MdnsService>(
        io.get_executor(), id, [this] { return addrs; }, std::move(tag),
        [this](PeerId p, std::vector<Multiaddr> as) { found[p] = std::move(as); }, cfg);
  }
  bool sees(const Node& other) const {
    auto it = found.find(other.id);
    return it != found.end() && it->second == other.addrs;
  }
  PeerId id;
  std::vector<Multiaddr> addrs;
  std::map<PeerId, std::vector<Multiaddr>> found;
  std::unique_ptr<MdnsService> service;
};

class MdnsNetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!in_multicast_netns()) {
      GTEST_SKIP() << "not inside a multicast-enabled network namespace "
                      "(run via tests/netns/run_in_netns.sh)";
    }
  }
  void stop(Node& n) { run_coro(io_, n.service->async_stop(2s)); }
  asio::io_context io_;
};

TEST_F(MdnsNetnsTest, TwoServicesFindEachOther) {
  Node a(io_, "goop-mdns", {addr("/ip4/127.0.0.1/tcp/4101")});
  Node b(io_, "goop-mdns", {addr("/ip4/127.0.0.1/tcp/4102"), addr("/ip4/10.1.2.3/tcp/4102")});
  ASSERT_TRUE(a.service->start());
  ASSERT_TRUE(b.service->start());
  const bool met = run_coro(io_, wait_for([&] { return a.sees(b) && b.sees(a); }, 8000ms), 10s);
  EXPECT_TRUE(met);
  EXPECT_FALSE(a.found.contains(a.id));
  EXPECT_FALSE(b.found.contains(b.id));
  stop(a);
  stop(b);
}

// Only the Go variant on one side and only the standard one on the other: they still meet
// only if both serve a common name.
TEST_F(MdnsNetnsTest, ServiceNamesPartition) {
  MdnsConfig go_only;
  go_only.standard_service = false;
  Node a(io_, "goop-mdns", {addr("/ip4/127.0.0.1/tcp/4201")}, go_only);
  Node b(io_, "other-tag", {addr("/ip4/127.0.0.1/tcp/4202")}, go_only);
  Node c(io_, "", {addr("/ip4/127.0.0.1/tcp/4203")});  // standard only
  Node d(io_, "goop-mdns", {addr("/ip4/127.0.0.1/tcp/4204")}, go_only);
  for (auto* n : {&a, &b, &c, &d}) ASSERT_TRUE(n->service->start());
  EXPECT_TRUE(run_coro(io_, wait_for([&] { return a.sees(d) && d.sees(a); }, 8000ms), 10s));
  // Give stray answers time to arrive: the startup queries span 3 s, wait past the second.
  run_coro(io_, wait_for([] { return false; }, 1500ms), 5s);
  EXPECT_FALSE(a.found.contains(b.id));
  EXPECT_FALSE(a.found.contains(c.id));
  EXPECT_TRUE(c.found.empty());
  EXPECT_TRUE(b.found.empty());
  for (auto* n : {&a, &b, &c, &d}) stop(*n);
}

TEST_F(MdnsNetnsTest, ReannouncesWhenAddressesChange) {
  Node a(io_, "goop-mdns", {addr("/ip4/127.0.0.1/tcp/4301")});
  Node b(io_, "goop-mdns", {addr("/ip4/127.0.0.1/tcp/4302")});
  ASSERT_TRUE(a.service->start());
  ASSERT_TRUE(b.service->start());
  ASSERT_TRUE(run_coro(io_, wait_for([&] { return a.sees(b); }, 8000ms), 10s));
  b.addrs.push_back(addr("/ip4/10.0.0.7/tcp/4302"));
  // Well before the 10 s query interval: the address watcher re-announces.
  EXPECT_TRUE(run_coro(io_, wait_for([&] { return a.sees(b); }, 2000ms), 5s));
  stop(a);
  stop(b);
}

// A one-shot querier on an ephemeral port (RFC 6762 §6.7 legacy unicast) gets a direct answer.
TEST_F(MdnsNetnsTest, AnswersLegacyUnicastQuery) {
  Node a(io_, "goop-mdns", {addr("/ip4/127.0.0.1/tcp/4401")});
  ASSERT_TRUE(a.service->start());
  auto ask = [](std::string service) -> asio::awaitable<std::vector<DiscoveredPeer>> {
    auto ex = co_await asio::this_coro::executor;
    asio::ip::udp::socket s(ex, asio::ip::udp::endpoint(asio::ip::udp::v4(), 0));
    auto q = make_query(service);
    q.id = 4242;
    auto bytes = encode(q).value();
    const asio::ip::udp::endpoint group(asio::ip::make_address_v4(kMdnsGroupV4), kMdnsPort);
    co_await s.async_send_to(asio::buffer(bytes), group, asio::use_awaitable);
    Bytes buf(kMaxMessageSize);
    asio::ip::udp::endpoint from;
    const std::size_t n =
        co_await s.async_receive_from(asio::buffer(buf), from, asio::use_awaitable);
    auto m = decode(BytesView(buf.data(), n)).value();
    if (m.id != 4242) co_return std::vector<DiscoveredPeer>{};
    co_return peers_in_response(m, service, new_peer());
  };
  const auto found = run_coro(io_, ask(std::string(kStandardServiceName)), 5s);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, a.id);
  EXPECT_EQ(found[0].addrs, a.addrs);
  stop(a);
}

// The peer ID printed by mdns.mjs in its first line {"peerId":"..."}.
std::optional<PeerId> js_peer_id(const std::string& out) {
  constexpr std::string_view key = "{\"peerId\":\"";
  const auto at = out.find(key);
  if (at == std::string::npos) return std::nullopt;
  const auto end = out.find('"', at + key.size());
  if (end == std::string::npos) return std::nullopt;
  auto id = PeerId::parse(std::string_view(out).substr(at + key.size(), end - at - key.size()));
  if (!id) return std::nullopt;
  return *id;
}

// js-libp2p's @libp2p/mdns (default serviceTag "_p2p._udp.local") finds us and we find it.
TEST_F(MdnsNetnsTest, FindsJsPeerBothWays) {
  if (!std::filesystem::exists(goop::testing::interop_dir() + "/node_modules/@libp2p/mdns")) {
    GTEST_SKIP() << "no node_modules/@libp2p/mdns in tests/interop (run npm ci there)";
  }
  goop::testing::Process js(goop::testing::js_command("mdns.mjs", {"_p2p._udp.local", "1000"}),
                            goop::testing::interop_dir());
  ASSERT_TRUE(js.wait_stdout([](const std::string& o) { return js_peer_id(o).has_value(); }, 20s))
      << js.err();
  const PeerId js_id = *js_peer_id(js.out());
  Node a(io_, "goop-mdns", {addr("/ip4/127.0.0.1/tcp/4501")});
  ASSERT_TRUE(a.service->start());
  const std::string seen_by_js = "\"discovered\":\"" + a.id.to_base58() + "\"";
  const auto until = std::chrono::steady_clock::now() + 15s;
  bool js_sees_us = false;
  while (std::chrono::steady_clock::now() < until && !(js_sees_us && a.found.contains(js_id))) {
    io_.run_for(20ms);
    if (io_.stopped()) io_.restart();
    js_sees_us = js.wait_stdout_contains(seen_by_js, 1ms);
  }
  EXPECT_TRUE(js_sees_us) << js.out() << js.err();
  ASSERT_TRUE(a.found.contains(js_id));
  EXPECT_FALSE(a.found[js_id].empty());
  for (const auto& m : a.found[js_id]) EXPECT_FALSE(m.peer_id().has_value()) << m.to_string();
  js.signal(SIGTERM);
  (void)js.wait_exit(5s);
  stop(a);
}

}  // namespace
}  // namespace goop::p2p::mdns
