#include "goop/presence/lan_discovery.hpp"

#include "base/log.hpp"
#include "goop/presence/background_dialer.hpp"
#include "p2p/discovery/mdns/mdns.hpp"
#include "p2p/host/host.hpp"

namespace goop::presence {
namespace {
log::Logger lg("goop.presence");
}

LanDiscovery::LanDiscovery(boost::asio::any_io_executor ex, p2p::Host& host,
                           std::string service_tag, BackgroundDialer& dialer)
    : mdns_(std::make_unique<p2p::mdns::MdnsService>(
          std::move(ex), host.id(), [&host] { return host.listen_addrs(); }, std::move(service_tag),
          [&dialer](p2p::PeerId peer, std::vector<p2p::Multiaddr> addrs) {
            dialer.dial(std::move(peer), std::move(addrs), "mDNS");
          })) {}

LanDiscovery::~LanDiscovery() = default;

void LanDiscovery::start() {
  if (auto r = mdns_->start(); !r) {
    GOOP_LOG_WARN(lg,
                  "LAN discovery (mDNS) is off: {}; peers are found only through known addresses",
                  r.error().message());
    status_ = "off (" + r.error().message() + ")";
    return;
  }
  running_ = true;
  status_.clear();
  for (const auto& n : mdns_->service_names()) status_ += (status_.empty() ? "" : ", ") + n;
}

boost::asio::awaitable<void> LanDiscovery::async_stop(std::chrono::steady_clock::duration d) {
  if (!running_) co_return;
  running_ = false;
  co_await mdns_->async_stop(d);
}

}  // namespace goop::presence
