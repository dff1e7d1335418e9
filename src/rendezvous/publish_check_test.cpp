#include "rendezvous/publish_check.hpp"

#include <gtest/gtest.h>

#include <string>

namespace goop::rendezvous {
namespace {

const std::string kPeer = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";

std::string msg(const std::string& type, const std::string& extra = {}) {
  return R"({"type":")" + type + R"(","peerId":")" + kPeer + R"(","ts":1)" + extra + "}";
}

TEST(PublishCheck, AcceptsOnlineUpdateOffline) {
  for (const char* t : {"online", "update", "offline"}) EXPECT_TRUE(check_publish(msg(t))) << t;
}

TEST(PublishCheck, RefusesPunchFromPeers) {
  auto r = check_publish(msg("punch"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("punch"), std::string::npos);
}

TEST(PublishCheck, RefusesLongEmailAndAddress) {
  EXPECT_FALSE(check_publish(msg("update", R"(,"email":")" + std::string(321, 'a') + "\"")));
  EXPECT_FALSE(check_publish(
      msg("update", R"(,"addrs":["/ip4/1.2.3.4/tcp/1/)" + std::string(300, 'x') + "\"]")));
}

TEST(PublishCheck, RefusesTooManyAddrsAndNonJson) {
  std::string addrs = ",\"addrs\":[";
  for (int i = 0; i < 65; ++i)
    addrs += std::string(i ? "," : "") + "\"/ip4/1.2.3.4/tcp/" + std::to_string(i + 1) + "\"";
  addrs += "]";
  auto r = check_publish(msg("update", addrs));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("addrs"), std::string::npos);
  EXPECT_FALSE(check_publish("not json"));
}

}  // namespace
}  // namespace goop::rendezvous
