// MdnsService over real multicast. Needs a private network namespace whose loopback carries
// multicast (tests/netns/run_in_netns.sh sets one up); skips anywhere else, so it never sends
// to a real LAN. No sleeps: every wait runs the io_context until a condition holds
// (testing/wait_for.hpp), and the js peer's output is one more io_context event.

#include "../support/netns.hpp"
#include "../support/process.hpp"
#include "base/task_group.hpp"
#include "p2p/crypto/keys.hpp"
#include "p2p/discovery/mdns/mdns.hpp"
#include "p2p/discovery/mdns/records.hpp"
#include "testing/run_coro.hpp"
#include "testing/wait_for.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/multicast.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>

namespace goop::p2p::mdns {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;
using namespace std::chrono_literals;
using goop::testing::in_multicast_netns;
using goop::testing::run_coro;
using goop::testing::wait_for;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

PeerId new_peer() { return PeerId::from_public_key(Ed25519PrivateKey::generate().public_key()); }
Multiaddr addr(std::string_view s) { return Multiaddr::parse(s).value(); }

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

// The mDNS responses seen on the wire: how many carried each (service name, peer).
struct Wire {
  std::map<std::pair<std::string, PeerId>, int> responses;
  int count(const std::string& service, const PeerId& peer) const {
    auto it = responses.find({service, peer});
    return it == responses.end() ? 0 : it->second;
  }
};

// Listens beside the services on 5353 (SO_REUSEPORT; every member of the group gets every
// datagram) and counts the responses for `services` into `wire`.
asio::awaitable<void> sniff(std::shared_ptr<udp::socket> socket, std::shared_ptr<Wire> wire,
                            std::vector<std::string> services) {
  const PeerId nobody = new_peer();
  Bytes buf(kMaxMessageSize);
  for (;;) {
    udp::endpoint from;
    auto [ec, n] = co_await socket->async_receive_from(asio::buffer(buf), from, kTuple);
    if (ec) co_return;
    auto m = decode(BytesView(buf.data(), n));
    if (!m || !m->is_response()) continue;
    for (const auto& service : services) {
      for (const auto& p : peers_in_response(*m, service, nobody))
        ++wire->responses[{service, p.id}];
    }
  }
}

// A one-shot query (legacy unicast, RFC 6762 §6.7) for `service` from an ephemeral port; returns
// the peers of the first direct answer, or with `from`, of the first answer from that peer. A
// service handles its datagrams in order, so its answer also says it has handled everything it
// received before the query.
asio::awaitable<std::vector<DiscoveredPeer>> ask(std::string service,
                                                 std::optional<PeerId> from = std::nullopt) {
  auto ex = co_await asio::this_coro::executor;
  udp::socket s(ex, udp::endpoint(udp::v4(), 0));
  auto q = make_query(service);
  q.id = 4242;
  auto bytes = encode(q).value();
  const udp::endpoint group(asio::ip::make_address_v4(kMdnsGroupV4), kMdnsPort);
  co_await s.async_send_to(asio::buffer(bytes), group, asio::use_awaitable);
  Bytes buf(kMaxMessageSize);
  for (;;) {
    udp::endpoint sender;
    const std::size_t n =
        co_await s.async_receive_from(asio::buffer(buf), sender, asio::use_awaitable);
    auto m = decode(BytesView(buf.data(), n));
    if (!m || m->id != 4242) continue;
    auto peers = peers_in_response(*m, service, new_peer());
    if (!from || std::any_of(peers.begin(), peers.end(),
                             [&](const DiscoveredPeer& p) { return p.id == *from; })) {
      co_return peers;
    }
  }
}

// Appends `js`'s output whenever its stdout pipe (watched through `pipe`, a duplicate of it) is
// readable, until `needle` appears in it (then `*seen` is true) or the pipe ends.
asio::awaitable<void> watch_output(std::shared_ptr<goop::testing::Process> js,
                                   std::shared_ptr<asio::posix::stream_descriptor> pipe,
                                   std::string needle, std::shared_ptr<bool> seen) {
  while (!*seen && js->stdout_fd() >= 0) {
    auto [ec] = co_await pipe->async_wait(asio::posix::descriptor_base::wait_read, kTuple);
    if (ec) co_return;
    js->read_available();
    *seen = js->out().find(needle) != std::string::npos;
  }
}

class MdnsNetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!in_multicast_netns()) {
      GTEST_SKIP() << "not inside a multicast-enabled network namespace "
                      "(run via tests/netns/run_in_netns.sh)";
    }
  }
  // Stops every node and watcher the test made, whatever happened.
  void TearDown() override {
    for (auto& n : nodes_) run_coro(io_, n->service->async_stop(2s));
    EXPECT_TRUE(run_coro(io_, tasks_.async_stop(2s)));
  }
  Node& node(std::string tag, std::vector<Multiaddr> addrs, MdnsConfig cfg = {}) {
    nodes_.push_back(std::make_unique<Node>(io_, std::move(tag), std::move(addrs), cfg));
    return *nodes_.back();
  }
  // Starts counting the responses for `services` on the wire.
  std::shared_ptr<const Wire> watch_wire(std::vector<std::string> services) {
    auto socket = std::make_shared<udp::socket>(io_, udp::v4());
    socket->set_option(asio::socket_base::reuse_address(true));
    socket->set_option(asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true));
    socket->bind(udp::endpoint(asio::ip::address_v4::any(), kMdnsPort));
    socket->set_option(asio::ip::multicast::join_group(asio::ip::make_address_v4(kMdnsGroupV4)));
    socket->set_option(asio::ip::multicast::enable_loopback(true));
    auto wire = std::make_shared<Wire>();
    tasks_.spawn(sniff(socket, wire, std::move(services)), "sniffer");
    return wire;
  }
  // Runs the io_context until `pred` holds (true) or `timeout` passes (false).
  bool wait(const std::function<bool()>& pred, std::chrono::steady_clock::duration timeout) {
    return wait_for(io_, pred, timeout);
  }

  asio::io_context io_;
  TaskGroup tasks_{io_.get_executor(), "mdns test"};
  std::vector<std::unique_ptr<Node>> nodes_;
};

TEST_F(MdnsNetnsTest, TwoServicesFindEachOther) {
  Node& a = node("goop-mdns", {addr("/ip4/127.0.0.1/tcp/4101")});
  Node& b = node("goop-mdns", {addr("/ip4/127.0.0.1/tcp/4102"), addr("/ip4/10.1.2.3/tcp/4102")});
  ASSERT_TRUE(a.service->start());
  ASSERT_TRUE(b.service->start());
  EXPECT_TRUE(wait([&] { return a.sees(b) && b.sees(a); }, 8s));
  EXPECT_FALSE(a.found.contains(a.id));
  EXPECT_FALSE(b.found.contains(b.id));
}

// Only the Go variant on one side and only the standard one on the other: they still meet
// only if both serve a common name.
TEST_F(MdnsNetnsTest, ServiceNamesPartition) {
  MdnsConfig go_only;
  go_only.standard_service = false;
  Node& a = node("goop-mdns", {addr("/ip4/127.0.0.1/tcp/4201")}, go_only);
  Node& b = node("other-tag", {addr("/ip4/127.0.0.1/tcp/4202")}, go_only);
  Node& c = node("", {addr("/ip4/127.0.0.1/tcp/4203")});  // standard only
  Node& d = node("goop-mdns", {addr("/ip4/127.0.0.1/tcp/4204")}, go_only);
  ASSERT_EQ(b.service->service_names().size(), 1u);
  ASSERT_EQ(c.service->service_names().size(), 1u);
  const std::string b_name = b.service->service_names()[0];
  const std::string c_name = c.service->service_names()[0];
  auto wire = watch_wire({b_name, c_name});
  for (auto* n : {&a, &b, &c, &d}) ASSERT_TRUE(n->service->start());
  EXPECT_TRUE(wait([&] { return a.sees(d) && d.sees(a); }, 8s));
  // The strays the others could pick up are b's and c's responses for their own names: their
  // announcements, then their answers to their own queries of 1 s later (the one at 0 s falls
  // within min_response_gap of the announcement). Once both are on the wire, every node has
  // them in its socket...
  EXPECT_TRUE(
      wait([&] { return wire->count(b_name, b.id) >= 2 && wire->count(c_name, c.id) >= 2; }, 5s));
  // ... and a node's answer to a later query says it has handled them.
  const std::string a_name = a.service->service_names()[0];
  run_coro(io_, ask(a_name, a.id), 5s);
  run_coro(io_, ask(b_name, b.id), 5s);
  run_coro(io_, ask(c_name, c.id), 5s);
  EXPECT_FALSE(a.found.contains(b.id));
  EXPECT_FALSE(a.found.contains(c.id));
  EXPECT_TRUE(c.found.empty());
  EXPECT_TRUE(b.found.empty());
}

TEST_F(MdnsNetnsTest, ReannouncesWhenAddressesChange) {
  Node& a = node("goop-mdns", {addr("/ip4/127.0.0.1/tcp/4301")});
  Node& b = node("goop-mdns", {addr("/ip4/127.0.0.1/tcp/4302")});
  ASSERT_TRUE(a.service->start());
  ASSERT_TRUE(b.service->start());
  ASSERT_TRUE(wait([&] { return a.sees(b); }, 8s));
  b.addrs.push_back(addr("/ip4/10.0.0.7/tcp/4302"));
  // Well before the 10 s query interval: the address watcher re-announces.
  EXPECT_TRUE(wait([&] { return a.sees(b); }, 2s));
}

// A one-shot querier on an ephemeral port (RFC 6762 §6.7 legacy unicast) gets a direct answer.
TEST_F(MdnsNetnsTest, AnswersLegacyUnicastQuery) {
  Node& a = node("goop-mdns", {addr("/ip4/127.0.0.1/tcp/4401")});
  ASSERT_TRUE(a.service->start());
  const auto found = run_coro(io_, ask(std::string(kStandardServiceName)), 5s);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, a.id);
  EXPECT_EQ(found[0].addrs, a.addrs);
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
  auto js = std::make_shared<goop::testing::Process>(
      goop::testing::js_command("mdns.mjs", {"_p2p._udp.local", "1000"}),
      goop::testing::interop_dir());
  ASSERT_TRUE(js->wait_stdout([](const std::string& o) { return js_peer_id(o).has_value(); }, 20s))
      << js->err();
  const PeerId js_id = *js_peer_id(js->out());
  ASSERT_GE(js->stdout_fd(), 0) << "mdns.mjs closed its output: " << js->err();
  Node& a = node("goop-mdns", {addr("/ip4/127.0.0.1/tcp/4501")});
  ASSERT_TRUE(a.service->start());
  const std::string seen_by_js = "\"discovered\":\"" + a.id.to_base58() + "\"";
  auto js_sees_us = std::make_shared<bool>(false);
  auto pipe = std::make_shared<asio::posix::stream_descriptor>(io_, ::dup(js->stdout_fd()));
  tasks_.spawn(watch_output(js, pipe, seen_by_js, js_sees_us), "js output");
  (void)wait([&] { return *js_sees_us && a.found.contains(js_id); }, 15s);
  EXPECT_TRUE(*js_sees_us) << js->out() << js->err();
  ASSERT_TRUE(a.found.contains(js_id));
  EXPECT_FALSE(a.found[js_id].empty());
  for (const auto& m : a.found[js_id]) EXPECT_FALSE(m.peer_id().has_value()) << m.to_string();
  js->signal(SIGTERM);
  (void)js->wait_exit(5s);
}

}  // namespace
}  // namespace goop::p2p::mdns
