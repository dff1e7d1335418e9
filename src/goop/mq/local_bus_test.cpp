#include "goop/mq/local_bus.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace goop::mq {
namespace {

TEST(LocalBus, DeliversInOrderAndDropsListenersThatQuit) {
  LocalBus bus;
  std::vector<std::int64_t> a, b;
  bus.subscribe([&](const BusEvent& e) {
    a.push_back(e.seq);
    return true;
  });
  bus.subscribe([&](const BusEvent& e) {
    b.push_back(e.seq);
    return e.seq < 2;  // leaves after the second event
  });
  for (int i = 0; i < 3; ++i) bus.publish_local("peer:announce", "{}");
  EXPECT_EQ(a, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(b, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(bus.listener_count(), 1u);
}

TEST(LocalBus, EventJsonHasTheGoShape) {
  LocalBus bus;
  const BusEvent e = bus.publish_local("peer:gone", R"({"peerID":"12D3KooWX"})");
  const auto v = boost::json::parse(to_event_json(e)).as_object();
  EXPECT_EQ(v.at("type"), "message");
  EXPECT_EQ(v.at("from"), "");
  const auto& msg = v.at("msg").as_object();
  EXPECT_EQ(msg.at("type"), "msg");
  EXPECT_EQ(msg.at("topic"), "peer:gone");
  EXPECT_EQ(msg.at("seq"), 1);
  EXPECT_EQ(msg.at("payload").at("peerID"), "12D3KooWX");
  EXPECT_EQ(msg.at("id").as_string().size(), 36u);
}

TEST(LocalBus, UuidsAreVersion4AndDistinct) {
  const std::string u = random_uuid(), v = random_uuid();
  EXPECT_NE(u, v);
  EXPECT_EQ(u[14], '4');
  EXPECT_TRUE(u[19] == '8' || u[19] == '9' || u[19] == 'a' || u[19] == 'b') << u;
}

}  // namespace
}  // namespace goop::mq
