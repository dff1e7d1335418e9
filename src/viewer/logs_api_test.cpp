// The log routes on a real HttpServer: the snapshot, and a stream that replays what came after
// the snapshot and then delivers lines appended on other threads.
#include "viewer/logs_api.hpp"

#include "viewer/test_server.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <thread>

namespace goop::viewer {
namespace {
namespace asio = boost::asio;
namespace json = boost::json;
using asio::ip::tcp;
using log::Level;

// Reads from `s` into `buf` until it holds `needle` or the stream ends; returns whether it does.
// (Reference parameters: always awaited at once.)
asio::awaitable<bool> read_until(tcp::socket& s, std::string& buf, std::string needle) {
  while (buf.find(needle) == std::string::npos) {
    char tmp[4096];
    auto [ec, n] =
        co_await s.async_read_some(asio::buffer(tmp), asio::as_tuple(asio::use_awaitable));
    if (ec) co_return false;
    buf.append(tmp, n);
  }
  co_return true;
}

asio::awaitable<bool> open(tcp::socket& s, std::uint16_t port, std::string request) {
  auto [ec] = co_await s.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                       asio::as_tuple(asio::use_awaitable));
  if (ec) co_return false;
  auto [wec, n] =
      co_await asio::async_write(s, asio::buffer(request), asio::as_tuple(asio::use_awaitable));
  (void)n;
  co_return !wec;
}

class LogsApiTest : public testkit::ServerFixture {
 protected:
  void SetUp() override {
    for (int i = 1; i <= 3; ++i)
      buffer_.append(Level::kInfo, "app", fmt::format("early line {}", i));
    start_server();
    api_ = std::make_unique<LogsApi>(*server_, buffer_, io_.get_executor());
  }
  void TearDown() override {
    api_.reset();
    ServerFixture::TearDown();
  }
  // Opens /api/logs/stream<query> on sock_.
  void open_stream(const std::string& query) {
    const std::string req =
        fmt::format("GET /api/logs/stream{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", query, port_);
    ASSERT_TRUE(testkit::run_coro(io_, open(sock_, port_, req)));
  }
  bool stream_has(const std::string& needle) {
    return testkit::run_coro(io_, read_until(sock_, sse_, needle));
  }

  LogBuffer buffer_;
  std::unique_ptr<LogsApi> api_;
  tcp::socket sock_{io_};
  std::string sse_;
};

TEST_F(LogsApiTest, SnapshotIsTheBufferAsJson) {
  const auto r = call("GET", "/api/logs", "", "", /*as_page=*/false);
  ASSERT_EQ(r.status, 200);
  const auto a = json::parse(r.body).as_array();
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].at("seq"), 1);
  EXPECT_EQ(a[2].at("msg"), "early line 3");
  EXPECT_EQ(a[2].at("level"), "info");
  EXPECT_EQ(a[2].at("logger"), "app");
  EXPECT_TRUE(a[2].at("ts").as_string().ends_with("Z"));
}

TEST_F(LogsApiTest, StreamReplaysLinesAfterTheSnapshotThenDeliversNewOnes) {
  open_stream("?after=1");
  ASSERT_TRUE(stream_has("early line 3"));
  EXPECT_NE(sse_.find("text/event-stream"), std::string::npos);
  EXPECT_NE(sse_.find("event: message\ndata: {\"seq\":2,"), std::string::npos) << sse_;
  EXPECT_EQ(sse_.find("early line 1"), std::string::npos) << "the page had line 1 already";
  EXPECT_EQ(api_->stream_count(), 1u);
  // A line logged on another thread reaches the page through the node executor.
  std::thread([this] { buffer_.append(Level::kWarn, "p2p", "from another thread"); }).join();
  ASSERT_TRUE(stream_has("from another thread"));
  EXPECT_NE(sse_.find(R"("seq":4,)"), std::string::npos);
  EXPECT_NE(sse_.find(R"("level":"warn")"), std::string::npos);
}

TEST_F(LogsApiTest, WithoutAfterOnlyNewLinesAreSent) {
  open_stream("");
  ASSERT_TRUE(stream_has("text/event-stream"));
  buffer_.append(Level::kInfo, "app", "fresh");
  ASSERT_TRUE(stream_has("fresh"));
  EXPECT_EQ(sse_.find("early line"), std::string::npos);
}

TEST_F(LogsApiTest, ASeqFromAnEarlierRunReplaysEverything) {
  open_stream("?after=500");
  EXPECT_TRUE(stream_has("early line 3"));
  EXPECT_NE(sse_.find("early line 1"), std::string::npos);
}

TEST_F(LogsApiTest, AFullBufferIsReplayedWithoutOverflowingTheStream) {
  for (int i = 4; i <= 1200; ++i)
    buffer_.append(Level::kInfo, "app", fmt::format("bulk line {}", i));
  open_stream("?after=0");
  ASSERT_TRUE(stream_has("bulk line 1200\""));
  EXPECT_NE(sse_.find("bulk line 201\""), std::string::npos) << "the oldest kept line";
  EXPECT_EQ(sse_.find("bulk line 200\""), std::string::npos) << "dropped from the ring";
  EXPECT_EQ(api_->stream_count(), 1u) << "the replay did not overflow the stream";
}

TEST_F(LogsApiTest, BadAfterIs400AndStopEndsStreams) {
  EXPECT_EQ(call("GET", "/api/logs/stream?after=abc", "", "", false).status, 400);
  EXPECT_EQ(call("GET", "/api/logs/stream?after=-1", "", "", false).status, 400);
  open_stream("?after=0");
  ASSERT_TRUE(stream_has("early line 3"));
  api_->stop();
  EXPECT_EQ(api_->stream_count(), 0u);
  EXPECT_FALSE(stream_has("never sent")) << "the stream ended";
  buffer_.append(Level::kInfo, "app", "after stop");  // no listener any more: nothing posted
  EXPECT_EQ(call("GET", "/api/logs", "", "", false).status, 200);
}

}  // namespace
}  // namespace goop::viewer
