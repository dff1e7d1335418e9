#pragma once
// MdnsService: local peer discovery with multicast DNS (specs: discovery/mdns.md; Goop2's Go
// peers: net.md §3.5). It queries for, answers for and listens to two DNS-SD service names at
// once: the libp2p standard "_p2p._udp.local" (js, rust) and "<service_tag>.local" of
// go-libp2p with a custom tag (Goop2 Go peers: "goop-mdns"). Records: see records.hpp.
//
// Discovered peers are only reported through `on_peer`; the caller decides whether to dial.
// mDNS never adds anyone to a peer table.
//
// Behaviour:
//  * one IPv4 UDP socket on 0.0.0.0:5353 (SO_REUSEADDR + SO_REUSEPORT, so several processes
//    and a system responder can share the port), joined to 224.0.0.251 on the default
//    multicast interface, multicast loop on (two processes on one host see each other), TTL 255;
//  * at start it announces itself (unsolicited responses) and queries both names, repeats the
//    queries after 1 s and 3 s, then every Config::query_interval;
//  * answers every query for either name (or for our instance name), including its own, by
//    multicast (or by unicast to a querier whose source port is not 5353, RFC 6762 §6.7), at
//    most once per Config::min_response_gap per name;
//  * polls the listen addresses every Config::address_poll_interval and re-announces when they
//    changed;
//  * reports a peer again only when its address set changed or Config::report_interval passed.
//
// Executor rule: construct, call and destroy on `ex` (the node thread); callbacks run there.
// Not thread-safe.
//
// Invariants:
//  1. All coroutines live in one TaskGroup; async_stop() ends them before the socket closes.
//  2. The receive buffer and the table of reported peers are bounded (kMaxMessageSize,
//     kMaxTrackedPeers).

#include "base/result.hpp"
#include "p2p/crypto/peer_id.hpp"
#include "p2p/multiformats/multiaddr.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace goop::p2p::mdns {

inline constexpr unsigned short kMdnsPort = 5353;
inline constexpr const char* kMdnsGroupV4 = "224.0.0.251";
inline constexpr std::string_view kDefaultServiceTag = "goop-mdns";
inline constexpr std::size_t kMaxTrackedPeers = 1024;

struct MdnsConfig {
  // Also serve the libp2p standard name "_p2p._udp.local" (js/rust peers).
  bool standard_service = true;
  std::chrono::milliseconds query_interval{10'000};  // js default 10 s
  std::chrono::milliseconds address_poll_interval{3'000};
  std::chrono::milliseconds report_interval{30'000};
  std::chrono::milliseconds min_response_gap{250};
  // Our instance label; empty means random_peer_name().
  std::string peer_name;
  unsigned short port = kMdnsPort;
};

class MdnsService {
 public:
  // Returns the current listen addresses (interface addresses, not 0.0.0.0; a trailing /p2p
  // is allowed and replaced by ours). Called on start and every address_poll_interval.
  using ListenAddrsFn = std::function<std::vector<Multiaddr>()>;
  // Called for a discovered peer (never ourselves) with its addresses without /p2p. Must not
  // throw; it may not destroy the service.
  using PeerFoundFn = std::function<void(PeerId, std::vector<Multiaddr>)>;

  // `service_tag`: the go-libp2p service name ("goop-mdns"); empty disables the Go variant.
  MdnsService(boost::asio::any_io_executor ex, PeerId self, ListenAddrsFn listen_addrs,
              std::string service_tag, PeerFoundFn on_peer, MdnsConfig config = {});
  MdnsService(const MdnsService&) = delete;
  MdnsService& operator=(const MdnsService&) = delete;
  // Requires async_stop() to have completed if start() succeeded.
  ~MdnsService();

  // Opens the socket, joins the group and starts the query, receive and address-watch tasks.
  // Errors: the socket's own (open, bind, join_group: e.g. no multicast route, address in use
  // without SO_REUSEPORT support). Calling it twice is a programming error.
  Result<void> start();

  // Stops all tasks (TaskGroup::async_stop with `deadline`) and closes the socket. Never throws.
  // Safe without start(), and once only.
  boost::asio::awaitable<void> async_stop(std::chrono::steady_clock::duration deadline);

  // Our instance label (the <peer-name> of the spec).
  const std::string& peer_name() const noexcept;
  // The DNS-SD service names served ("goop-mdns.local", "_p2p._udp.local").
  const std::vector<std::string>& service_names() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace goop::p2p::mdns
