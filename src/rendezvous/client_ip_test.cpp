#include "rendezvous/client_ip.hpp"

#include <gtest/gtest.h>

namespace goop::rendezvous {
namespace {

TEST(ClientIp, RemoteAddressIsTheClientUnlessLoopback) {
  auto c = client_addr("203.0.113.7", "");
  EXPECT_EQ(c.ip, "203.0.113.7");
  EXPECT_FALSE(c.local);
  // A remote client cannot choose its IP with X-Forwarded-For.
  c = client_addr("203.0.113.7", "127.0.0.1");
  EXPECT_EQ(c.ip, "203.0.113.7");
  EXPECT_FALSE(c.local);
}

TEST(ClientIp, LoopbackWithoutForwardedForIsLocal) {
  EXPECT_TRUE(client_addr("127.0.0.1", "").local);
  EXPECT_TRUE(client_addr("::1", "").local);
  EXPECT_TRUE(client_addr("::ffff:127.0.0.1", "").local);
  EXPECT_TRUE(client_addr("127.8.9.10", "").local);
}

TEST(ClientIp, LoopbackProxyUsesLastForwardedForAddress) {
  auto c = client_addr("127.0.0.1", "1.1.1.1, 198.51.100.4");
  EXPECT_EQ(c.ip, "198.51.100.4");
  EXPECT_FALSE(c.local);
  c = client_addr("::1", " 2001:db8::5 ");
  EXPECT_EQ(c.ip, "2001:db8::5");
  EXPECT_FALSE(c.local);
  // A broken header never makes the client local.
  c = client_addr("127.0.0.1", "1.1.1.1,");
  EXPECT_FALSE(c.local);
  EXPECT_EQ(c.ip, "unknown");
}

TEST(ClientIp, IsLoopback) {
  EXPECT_TRUE(is_loopback("127.0.0.1"));
  EXPECT_TRUE(is_loopback("::1"));
  EXPECT_FALSE(is_loopback("10.0.0.1"));
  EXPECT_FALSE(is_loopback("::ffff:10.0.0.1"));
  EXPECT_FALSE(is_loopback("not an ip"));
}

}  // namespace
}  // namespace goop::rendezvous
