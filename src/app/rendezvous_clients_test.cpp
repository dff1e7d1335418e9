// Which rendezvous a peer publishes to: the one it hosts (at its bind address, loopback for a
// wildcard) first, then presence.rendezvous_wan unless that is the same server.
#include "app/rendezvous_clients.hpp"

#include <gtest/gtest.h>

namespace goop::app {
namespace {
using Strings = std::vector<std::string>;

TEST(RendezvousUrls, NoneWithoutAHostedOrWanRendezvous) {
  EXPECT_TRUE(rendezvous_urls(config::Config{}).empty());
}

TEST(RendezvousUrls, TheHostedOneFirstThenTheWanOne) {
  config::Config c;
  c.presence.rendezvous_host = true;
  c.presence.rendezvous_bind = "0.0.0.0";
  c.presence.rendezvous_port = 8787;
  c.presence.rendezvous_wan = " https://rv.example.com/ ";
  EXPECT_EQ(rendezvous_urls(c), (Strings{"http://127.0.0.1:8787", "https://rv.example.com"}));
  c.presence.rendezvous_bind = "::";
  EXPECT_EQ(rendezvous_urls(c).front(), "http://[::1]:8787");
}

TEST(RendezvousUrls, AWanUrlThatIsTheHostedOneIsListedOnce) {
  config::Config c;
  c.presence.rendezvous_host = true;
  c.presence.rendezvous_bind = "127.0.0.1";
  c.presence.rendezvous_port = 9000;
  c.presence.rendezvous_wan = "http://127.0.0.1:9000/";
  EXPECT_EQ(rendezvous_urls(c), Strings{"http://127.0.0.1:9000"});
  c.presence.rendezvous_host = false;
  EXPECT_EQ(rendezvous_urls(c), Strings{"http://127.0.0.1:9000"});
}

}  // namespace
}  // namespace goop::app
