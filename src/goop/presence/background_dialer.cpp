#include "goop/presence/background_dialer.hpp"

#include "base/log.hpp"
#include "base/timeout.hpp"
#include "p2p/host/host.hpp"

namespace goop::presence {
namespace asio = boost::asio;
namespace {

log::Logger lg("goop.presence");

asio::awaitable<void> dial_one(p2p::Host& host, p2p::PeerId peer, std::vector<p2p::Multiaddr> addrs,
                               std::string why, std::chrono::steady_clock::duration timeout) {
  auto r = co_await with_timeout(host.connect(peer, std::move(addrs)), timeout);
  if (!r) {
    GOOP_LOG_DEBUG(lg, "peer={} ({}) not connected: {}", peer.short_string(), why,
                   r.error().message());
  }
}

}  // namespace

BackgroundDialer::BackgroundDialer(asio::any_io_executor ex, p2p::Host& host,
                                   std::chrono::steady_clock::duration timeout)
    : host_(host), timeout_(timeout), dials_(std::move(ex), "background dials") {}

void BackgroundDialer::dial(p2p::PeerId peer, std::vector<p2p::Multiaddr> addrs, std::string why) {
  if (dials_.closed() || peer == host_.id() || host_.is_connected(peer)) return;
  dials_.spawn(dial_one(host_, std::move(peer), std::move(addrs), std::move(why), timeout_),
               "dial");
}

asio::awaitable<void> BackgroundDialer::async_stop(std::chrono::steady_clock::duration deadline) {
  co_await dials_.async_stop(deadline);
}

}  // namespace goop::presence
