#include "p2p/discovery/mdns/mdns.hpp"

#include "base/check.hpp"
#include "base/log.hpp"
#include "base/task_group.hpp"
#include "p2p/discovery/mdns/records.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/multicast.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <sys/socket.h>
#include <utility>

namespace goop::p2p::mdns {
namespace asio = boost::asio;
using asio::ip::udp;
using Clock = std::chrono::steady_clock;

namespace {

log::Logger lg("p2p.mdns");

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

bool is_stop(const boost::system::error_code& ec) {
  return ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor;
}

// The addresses we advertise: no circuit addresses, no /p2p suffix, deduplicated, in order.
std::vector<Multiaddr> normalise(std::vector<Multiaddr> in) {
  std::vector<Multiaddr> out;
  for (auto& a : in) {
    if (a.first(ma::kP2pCircuit)) continue;
    auto bare = a.without_peer_id();
    if (bare.empty() || std::find(out.begin(), out.end(), bare) != out.end()) continue;
    out.push_back(std::move(bare));
  }
  return out;
}

}  // namespace

struct MdnsService::Impl {
  struct Reported {
    std::vector<Multiaddr> addrs;
    Clock::time_point at;
  };

  Impl(asio::any_io_executor e, PeerId s, ListenAddrsFn la, std::string tag, PeerFoundFn op,
       MdnsConfig c)
      : ex(std::move(e)),
        self(std::move(s)),
        listen_addrs(std::move(la)),
        on_peer(std::move(op)),
        config(std::move(c)),
        socket(ex),
        tasks(ex, "p2p.mdns") {
    peer_name = config.peer_name.empty() ? random_peer_name() : config.peer_name;
    if (!tag.empty()) services.push_back(service_name_for_tag(tag));
    if (config.standard_service) services.emplace_back(kStandardServiceName);
    last_response.assign(services.size(), Clock::time_point{});
    group = udp::endpoint(asio::ip::make_address_v4(kMdnsGroupV4), config.port);
  }

  Result<void> open();
  asio::awaitable<void> send(Bytes datagram, udp::endpoint to);
  asio::awaitable<void> send_message(const Message& m, udp::endpoint to);
  asio::awaitable<void> announce();
  asio::awaitable<void> query_all();
  asio::awaitable<void> receive_loop();
  asio::awaitable<void> query_loop();
  asio::awaitable<void> watch_addresses();
  asio::awaitable<void> handle_query(Message query, udp::endpoint from);
  void handle_response(const Message& response);
  void report(DiscoveredPeer p);
  asio::awaitable<bool> wait(Clock::duration d);

  asio::any_io_executor ex;
  PeerId self;
  ListenAddrsFn listen_addrs;
  PeerFoundFn on_peer;
  MdnsConfig config;
  std::string peer_name;
  std::vector<std::string> services;
  std::vector<Clock::time_point> last_response;  // per entry of `services`
  std::vector<Multiaddr> addrs;                  // what we advertise now
  std::map<PeerId, Reported> reported;
  udp::endpoint group;
  udp::socket socket;
  TaskGroup tasks;
  bool started = false;
  bool stopped = false;
};

Result<void> MdnsService::Impl::open() {
  boost::system::error_code ec;
  if (socket.open(udp::v4(), ec); ec) return ec;
  if (socket.set_option(asio::socket_base::reuse_address(true), ec); ec) return ec;
  if (socket.set_option(ReusePort(true), ec); ec) return ec;
  if (socket.bind(udp::endpoint(asio::ip::address_v4::any(), config.port), ec); ec) return ec;
  if (socket.set_option(asio::ip::multicast::join_group(group.address()), ec); ec) return ec;
  if (socket.set_option(asio::ip::multicast::enable_loopback(true), ec); ec) return ec;
  if (socket.set_option(asio::ip::multicast::hops(255), ec); ec) return ec;
  return {};
}

asio::awaitable<bool> MdnsService::Impl::wait(Clock::duration d) {
  asio::steady_timer t(ex, d);
  auto [ec] = co_await t.async_wait(kTuple);
  co_return !ec;
}

asio::awaitable<void> MdnsService::Impl::send(Bytes datagram, udp::endpoint to) {
  auto [ec, n] = co_await socket.async_send_to(asio::buffer(datagram), to, kTuple);
  if (ec) GOOP_LOG_DEBUG(lg, "send to {} failed: {}", to.address().to_string(), ec.message());
  (void)n;
}

asio::awaitable<void> MdnsService::Impl::send_message(const Message& m, udp::endpoint to) {
  auto bytes = encode(m);
  if (!bytes) {
    GOOP_LOG_WARN(lg, "cannot encode our message: {}", bytes.error().message());
    co_return;
  }
  co_await send(std::move(*bytes), to);
}

asio::awaitable<void> MdnsService::Impl::announce() {
  if (addrs.empty()) co_return;
  for (std::size_t i = 0; i < services.size(); ++i) {
    const auto m = make_response(services[i], peer_name, self, addrs);
    last_response[i] = Clock::now();
    co_await send_message(m, group);
  }
}

asio::awaitable<void> MdnsService::Impl::query_all() {
  for (const auto& s : services) {
    const auto m = make_query(s);
    co_await send_message(m, group);
  }
}

asio::awaitable<void> MdnsService::Impl::query_loop() {
  // Startup: announce and query at once, then after 1 s and 3 s (RFC 6762 §8.3 repeats),
  // then every query_interval.
  addrs = normalise(listen_addrs());
  co_await announce();
  co_await query_all();
  const std::array<Clock::duration, 2> startup = {std::chrono::seconds(1), std::chrono::seconds(2)};
  for (auto d : startup) {
    if (!co_await wait(d)) co_return;
    co_await query_all();
  }
  for (;;) {
    if (!co_await wait(config.query_interval)) co_return;
    co_await query_all();
  }
}

asio::awaitable<void> MdnsService::Impl::watch_addresses() {
  for (;;) {
    if (!co_await wait(config.address_poll_interval)) co_return;
    auto now = normalise(listen_addrs());
    if (now == addrs) continue;
    GOOP_LOG_DEBUG(lg, "listen addresses changed ({} → {}); re-announcing", addrs.size(),
                   now.size());
    addrs = std::move(now);
    co_await announce();
  }
}

asio::awaitable<void> MdnsService::Impl::receive_loop() {
  Bytes buf(kMaxMessageSize);
  for (;;) {
    udp::endpoint from;
    auto [ec, n] = co_await socket.async_receive_from(asio::buffer(buf), from, kTuple);
    if (ec) {
      if (is_stop(ec)) co_return;
      GOOP_LOG_DEBUG(lg, "receive: {}", ec.message());
      // Transient (ICMP-induced) errors: go on, but never spin.
      if (!co_await wait(std::chrono::milliseconds(10))) co_return;
      continue;
    }
    auto m = decode(BytesView(buf.data(), n));
    if (!m) {
      GOOP_LOG_TRACE(lg, "dropping {}-byte packet from {}: {}", n, from.address().to_string(),
                     m.error().message());
      continue;
    }
    if (m->is_response()) {
      handle_response(*m);
    } else {
      co_await handle_query(std::move(*m), from);
    }
  }
}

asio::awaitable<void> MdnsService::Impl::handle_query(Message query, udp::endpoint from) {
  if (addrs.empty()) co_return;
  const bool legacy = from.port() != config.port;  // a one-shot resolver: answer it directly
  for (std::size_t i = 0; i < services.size(); ++i) {
    if (!asks_for(query, services[i], peer_name)) continue;
    auto m = make_response(services[i], peer_name, self, addrs);
    if (legacy) {
      m.id = query.id;
      m.questions = query.questions;
      co_await send_message(m, from);
      continue;
    }
    const auto now = Clock::now();
    if (now - last_response[i] < config.min_response_gap) continue;
    last_response[i] = now;
    co_await send_message(m, group);
  }
}

void MdnsService::Impl::handle_response(const Message& response) {
  for (const auto& s : services) {
    for (auto& p : peers_in_response(response, s, self)) report(std::move(p));
  }
}

void MdnsService::Impl::report(DiscoveredPeer p) {
  if (p.addrs.empty()) return;
  const auto now = Clock::now();
  if (auto it = reported.find(p.id); it != reported.end()) {
    if (it->second.addrs == p.addrs && now - it->second.at < config.report_interval) return;
  }
  if (reported.size() >= kMaxTrackedPeers && !reported.contains(p.id)) {
    std::erase_if(reported,
                  [&](const auto& kv) { return now - kv.second.at >= config.report_interval; });
    if (reported.size() >= kMaxTrackedPeers) reported.clear();
  }
  reported[p.id] = Reported{p.addrs, now};
  GOOP_LOG_DEBUG(lg, "peer={} found with {} address(es)", p.id.short_string(), p.addrs.size());
  if (on_peer) on_peer(std::move(p.id), std::move(p.addrs));
}

MdnsService::MdnsService(asio::any_io_executor ex, PeerId self, ListenAddrsFn listen_addrs,
                         std::string service_tag, PeerFoundFn on_peer, MdnsConfig config)
    : impl_(std::make_unique<Impl>(std::move(ex), std::move(self), std::move(listen_addrs),
                                   std::move(service_tag), std::move(on_peer), std::move(config))) {
}

MdnsService::~MdnsService() { GOOP_CHECK(impl_->tasks.size() == 0); }

Result<void> MdnsService::start() {
  GOOP_CHECK(!impl_->started);
  impl_->started = true;
  if (auto r = impl_->open(); !r) {
    boost::system::error_code ignored;
    impl_->socket.close(ignored);
    GOOP_LOG_WARN(lg, "cannot open the mDNS socket: {}", r.error().message());
    return r.error();
  }
  GOOP_LOG_INFO(lg, "mDNS on port {} as {} for {} service name(s)", impl_->config.port,
                impl_->peer_name, impl_->services.size());
  impl_->tasks.spawn(impl_->receive_loop(), "mdns receive");
  impl_->tasks.spawn(impl_->query_loop(), "mdns query");
  impl_->tasks.spawn(impl_->watch_addresses(), "mdns addresses");
  return {};
}

asio::awaitable<void> MdnsService::async_stop(Clock::duration deadline) {
  if (impl_->stopped) co_return;
  impl_->stopped = true;
  co_await impl_->tasks.async_stop(deadline);
  boost::system::error_code ignored;
  impl_->socket.close(ignored);
}

const std::string& MdnsService::peer_name() const noexcept { return impl_->peer_name; }
const std::vector<std::string>& MdnsService::service_names() const noexcept {
  return impl_->services;
}

}  // namespace goop::p2p::mdns
