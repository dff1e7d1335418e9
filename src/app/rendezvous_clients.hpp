#pragma once
// RendezvousClients: the peer's clients of the rendezvous servers it publishes to and hears from
// (spec/rendezvous.md §15.1): the one this peer hosts (presence.rendezvous_host, at its bind
// address, §17.10b) and presence.rendezvous_wan. What a client hears goes to the
// PresenceService on the channel "rv:<url>"; everything the PresenceService publishes (online,
// heartbeats, announce_now, offline) goes to every client. Added to the Lifecycle before the
// PresenceService, the clients stop after it, so its offline still reaches them.
//
// Executor rule: the node executor. Lifetime: the PresenceService must outlive it; await
// async_stop() before destroying it (if start() ran).

#include "app/lifecycle.hpp"
#include "goop/config/config.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <vector>

namespace goop::presence {
class PresenceService;
}
namespace goop::rendezvous {
class RendezvousClient;
}

namespace goop::app {

// The base URLs a peer with config `c` publishes to: the rendezvous it hosts first, then
// presence.rendezvous_wan (normalised; left out when it is the same server). May be empty.
std::vector<std::string> rendezvous_urls(const config::Config& c);

class RendezvousClients {
 public:
  // One client per URL, for peer `peer_id` (base58). Registers on `presence` (on_publish), so
  // construct it before the PresenceService starts.
  RendezvousClients(boost::asio::any_io_executor ex, std::vector<std::string> urls,
                    std::string peer_id, presence::PresenceService& presence);
  RendezvousClients(const RendezvousClients&) = delete;
  RendezvousClients& operator=(const RendezvousClients&) = delete;
  ~RendezvousClients();

  // Starts connecting every client (and keeps doing so until async_stop()).
  void start();
  // Stops every client (each sends our offline first), within `deadline` in all.
  boost::asio::awaitable<void> async_stop(Duration deadline);

  const std::vector<std::string>& urls() const noexcept { return urls_; }

 private:
  std::vector<std::string> urls_;
  std::vector<std::unique_ptr<rendezvous::RendezvousClient>> clients_;
};

}  // namespace goop::app
