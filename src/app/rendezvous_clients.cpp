#include "app/rendezvous_clients.hpp"

#include "goop/presence/presence_service.hpp"
#include "rendezvous/client.hpp"
#include "rendezvous/client_policy.hpp"

#include <algorithm>

namespace goop::app {

std::vector<std::string> rendezvous_urls(const config::Config& c) {
  std::vector<std::string> urls;
  if (c.presence.rendezvous_host) {
    urls.push_back(rendezvous::local_rendezvous_url(
        c.presence.rendezvous_bind, static_cast<std::uint16_t>(c.presence.rendezvous_port)));
  }
  std::string wan = rendezvous::normalize_base_url(c.presence.rendezvous_wan);
  if (!wan.empty() && std::find(urls.begin(), urls.end(), wan) == urls.end())
    urls.push_back(std::move(wan));
  return urls;
}

RendezvousClients::RendezvousClients(boost::asio::any_io_executor ex, std::vector<std::string> urls,
                                     std::string peer_id, presence::PresenceService& presence)
    : urls_(std::move(urls)) {
  for (const auto& url : urls_) {
    rendezvous::ClientOptions o;
    o.base_url = url;
    o.peer_id = peer_id;
    clients_.push_back(std::make_unique<rendezvous::RendezvousClient>(
        ex, std::move(o), [&presence, channel = "rv:" + url](const presence::PresenceMsg& m) {
          presence.heard(m, channel);
        }));
  }
  if (clients_.empty()) return;
  presence.on_publish([this](const presence::PresenceMsg& full) {
    for (auto& c : clients_) c->publish(full);
  });
}

RendezvousClients::~RendezvousClients() = default;

void RendezvousClients::start() {
  for (auto& c : clients_) c->start();
}

boost::asio::awaitable<void> RendezvousClients::async_stop(Duration deadline) {
  if (clients_.empty()) co_return;
  const Duration each = deadline / static_cast<int>(clients_.size());
  for (auto& c : clients_) co_await c->async_stop(each);
}

}  // namespace goop::app
