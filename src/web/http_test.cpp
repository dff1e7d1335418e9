#include "web/http.hpp"

#include "web/http_server.hpp"

#include <gtest/gtest.h>

namespace goop::web {
namespace {

TEST(HttpTypes, HeadersAreCaseInsensitive) {
  Request req;
  req.headers.emplace("Content-Type", "application/json");
  EXPECT_EQ(req.header("content-type"), "application/json");
  EXPECT_EQ(req.header("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(req.header("Accept"), "");
}

TEST(HttpTypes, ParsesQueryStrings) {
  auto q = parse_query("a=1&b=x%20y+z&c&&d=%zz&a=2");
  EXPECT_EQ(q.at("a"), "2");
  EXPECT_EQ(q.at("b"), "x y z");
  EXPECT_EQ(q.at("c"), "");
  EXPECT_EQ(q.at("d"), "%zz");
  EXPECT_EQ(q.size(), 4u);
  EXPECT_EQ(percent_decode("/a%2Fb+c"), "/a/b+c");
  EXPECT_EQ(percent_decode("%4"), "%4");
}

TEST(HttpTypes, ErrorResponsesAreJson) {
  auto r = Response::error(404, "no \"such\" thing\n");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers.at("content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"error":"no \"such\" thing\n"})");
  EXPECT_EQ(json_escape(std::string_view("\x01\\", 2)), "\\u0001\\\\");
}

TEST(HttpTypes, HtmlEscapeCoversTextAndAttributes) {
  EXPECT_EQ(html_escape(R"(<a href="x" title='y'>&</a>)"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(html_escape("Ann"), "Ann");
}

TEST(HttpTypes, SseStreamFormatsEventsAndBoundsItsQueue) {
  SseStream s(2);
  int wakes = 0;
  s.set_waker([&] { ++wakes; });
  EXPECT_TRUE(s.send("peer", "line1\nline2"));
  EXPECT_TRUE(s.send("", "x"));
  EXPECT_EQ(wakes, 2);
  EXPECT_EQ(s.take_pending(), "event: peer\ndata: line1\ndata: line2\n\ndata: x\n\n");
  EXPECT_TRUE(s.send("a", "1"));
  EXPECT_TRUE(s.send("a", "2"));
  EXPECT_FALSE(s.send("a", "3"));  // overflow closes the stream
  EXPECT_TRUE(s.closed());
  EXPECT_FALSE(s.send("a", "4"));
  EXPECT_EQ(s.queued(), 2u);  // queued events are still delivered
}

TEST(HostGuard, AcceptsListedHostsOnly) {
  auto guard = host_allow_list_guard(loopback_hosts(8080));
  Request req;
  EXPECT_TRUE(guard(req).has_value());  // no Host at all
  req.headers["Host"] = "127.0.0.1:8080";
  EXPECT_FALSE(guard(req).has_value());
  req.headers["Host"] = "LOCALHOST:8080";
  EXPECT_FALSE(guard(req).has_value());
  req.headers["Host"] = "localhost:8081";
  ASSERT_TRUE(guard(req).has_value());
  EXPECT_EQ(guard(req)->status, 403);
  req.headers["Host"] = "evil.example:8080";
  EXPECT_TRUE(guard(req).has_value());
}

}  // namespace
}  // namespace goop::web
