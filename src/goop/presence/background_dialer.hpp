#pragma once
// BackgroundDialer: connects to peers we learnt of without anyone waiting for the connection
// (mDNS finds, peers remembered in data.db). Each dial is bounded by a timeout (the Go peer's
// DefaultConnectTimeout, kBackgroundDialTimeout) and owned by a TaskGroup, so shutdown cancels
// the dials still running. A failed dial is only logged (debug): the peer may simply be gone.
//
// Executor rule: construct, call and destroy on the Host's executor (the node thread).
// Lifetime: the Host must outlive it; await async_stop() before destroying it.

#include "base/task_group.hpp"
#include "p2p/crypto/peer_id.hpp"
#include "p2p/multiformats/multiaddr.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace goop::p2p {
class Host;
}

namespace goop::presence {

inline constexpr std::chrono::seconds kBackgroundDialTimeout{3};

class BackgroundDialer {
 public:
  BackgroundDialer(boost::asio::any_io_executor ex, p2p::Host& host,
                   std::chrono::steady_clock::duration timeout = kBackgroundDialTimeout);
  BackgroundDialer(const BackgroundDialer&) = delete;
  BackgroundDialer& operator=(const BackgroundDialer&) = delete;

  // Nothing to open: dials are accepted from construction until async_stop(). (A lifecycle
  // service, so that it stops in its place.)
  void start() {}

  // Starts connecting to `peer` at `addrs` (then the peerstore's addresses), unless it is us, is
  // connected already or the dialer is stopping. `why` names the source in the log ("mDNS",
  // "remembered"). Returns at once.
  void dial(p2p::PeerId peer, std::vector<p2p::Multiaddr> addrs, std::string why);

  // Dials still running (for tests and status pages).
  std::size_t in_flight() const noexcept { return dials_.size(); }

  // Refuses new dials, cancels the running ones and waits for them, within `deadline`. Never
  // throws.
  boost::asio::awaitable<void> async_stop(std::chrono::steady_clock::duration deadline);

 private:
  p2p::Host& host_;
  std::chrono::steady_clock::duration timeout_;
  TaskGroup dials_;
};

}  // namespace goop::presence
