#pragma once
// LanDiscovery: finds peers on the local network with mDNS (p2p/discovery/mdns) and hands each
// find to the BackgroundDialer. mDNS only dials: a peer joins the table when its presence
// arrives (spec/net.md §3.5). mDNS is a convenience: when it cannot start (no multicast route, a
// sandbox), the peer runs on without it; a warning is logged and status() says why.
//
// Executor rule: the Host's executor (the node thread). Lifetime: Host and dialer must outlive
// it; await async_stop() before destroying it.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace goop::p2p {
class Host;
namespace mdns {
class MdnsService;
}
}  // namespace goop::p2p

namespace goop::presence {

class BackgroundDialer;

class LanDiscovery {
 public:
  // `service_tag`: p2p.mdns_tag (the go-libp2p service name; "" serves the standard name only).
  LanDiscovery(boost::asio::any_io_executor ex, p2p::Host& host, std::string service_tag,
               BackgroundDialer& dialer);
  LanDiscovery(const LanDiscovery&) = delete;
  LanDiscovery& operator=(const LanDiscovery&) = delete;
  ~LanDiscovery();

  // Starts mDNS. Never fails (see above). Call once.
  void start();

  // After start(): the service names mDNS serves ("goop-mdns.local, _p2p._udp.local"), or
  // "off (<why>)". Empty before start().
  const std::string& status() const noexcept { return status_; }
  bool running() const noexcept { return running_; }

  // Stops mDNS within `deadline`. Never throws.
  boost::asio::awaitable<void> async_stop(std::chrono::steady_clock::duration deadline);

 private:
  std::unique_ptr<p2p::mdns::MdnsService> mdns_;
  std::string status_;
  bool running_ = false;
};

}  // namespace goop::presence
