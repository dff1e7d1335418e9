#include "goop/presence/connection_kind.hpp"

#include <gtest/gtest.h>

namespace goop::presence {
namespace {

std::string_view kind(std::string_view text) {
  auto m = p2p::Multiaddr::parse(text);
  EXPECT_TRUE(m) << text;
  return connection_kind(*m);
}

TEST(ConnectionKind, NamesHowAPeerIsReached) {
  EXPECT_EQ(connection_kind(std::nullopt), "none");
  EXPECT_EQ(kind("/ip4/127.0.0.1/tcp/4001"), "lan");
  EXPECT_EQ(kind("/ip4/192.168.1.20/tcp/4001"), "lan");
  EXPECT_EQ(kind("/ip4/10.1.2.3/tcp/4001"), "lan");
  EXPECT_EQ(kind("/ip4/172.20.0.5/tcp/4001"), "lan");
  EXPECT_EQ(kind("/ip4/172.32.0.5/tcp/4001"), "direct");
  EXPECT_EQ(kind("/ip4/100.64.0.1/tcp/4001"), "lan");
  EXPECT_EQ(kind("/ip4/100.128.0.1/tcp/4001"), "direct");
  EXPECT_EQ(kind("/ip4/8.8.8.8/tcp/4001"), "direct");
  EXPECT_EQ(kind("/ip6/fd00::1/tcp/4001"), "lan");
  EXPECT_EQ(kind("/ip6/2001:db8::1/tcp/4001"), "direct");
  EXPECT_EQ(kind("/ip4/8.8.8.8/tcp/4001/p2p/12D3KooWBh5nmVkFtq2z7vBmUkahSmk7spSDYXbbiKQLyVqyoR5s/"
                 "p2p-circuit"),
            "relay");
}

}  // namespace
}  // namespace goop::presence
