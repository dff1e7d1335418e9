#include "rendezvous/client_policy.hpp"

#include <gtest/gtest.h>

namespace goop::rendezvous {
namespace {
using namespace std::chrono_literals;

constexpr const char* kId = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";

TEST(ClientPolicy, HttpStaysPlainWebSocketAndHttpsUsesTls) {
  // The Go client upgraded every non-loopback http:// to wss:// (§17.10).
  EXPECT_EQ(ws_url("http://192.168.1.100:8787", kId),
            std::string("ws://192.168.1.100:8787/ws?peer_id=") + kId);
  EXPECT_EQ(ws_url("http://127.0.0.1:8787", kId),
            std::string("ws://127.0.0.1:8787/ws?peer_id=") + kId);
  EXPECT_EQ(ws_url("https://goop2.com", kId), std::string("wss://goop2.com/ws?peer_id=") + kId);
  EXPECT_EQ(ws_probe_url("http://[::1]:8787"), "ws://[::1]:8787/ws?probe=1");
  EXPECT_EQ(ws_probe_url("https://goop2.com/rv"), "wss://goop2.com/rv/ws?probe=1");
  EXPECT_EQ(ws_url("ftp://x", kId), "");
  EXPECT_EQ(events_url("https://goop2.com", kId),
            std::string("https://goop2.com/events?peer_id=") + kId);
  EXPECT_EQ(publish_url("http://10.0.0.1:8787"), "http://10.0.0.1:8787/publish");
}

TEST(ClientPolicy, BaseUrlsAreTrimmedAndLocalOneUsesTheBindAddress) {
  EXPECT_EQ(normalize_base_url("  https://goop2.com/ "), "https://goop2.com");
  EXPECT_EQ(normalize_base_url("http://127.0.0.1:8787//"), "http://127.0.0.1:8787");
  EXPECT_EQ(local_rendezvous_url("0.0.0.0", 8787), "http://127.0.0.1:8787");
  EXPECT_EQ(local_rendezvous_url("", 8787), "http://127.0.0.1:8787");
  EXPECT_EQ(local_rendezvous_url("127.0.0.1", 9000), "http://127.0.0.1:9000");
  EXPECT_EQ(local_rendezvous_url("192.168.1.5", 8787), "http://192.168.1.5:8787");  // §17.10b
  EXPECT_EQ(local_rendezvous_url("::", 8787), "http://[::1]:8787");
  EXPECT_EQ(local_rendezvous_url("fd00::5", 8787), "http://[fd00::5]:8787");
}

TEST(ClientPolicy, RefusalsAreClassifiedOnTheStatusNumberOnly) {
  EXPECT_EQ(classify_refusal(0), WsRefusal::kTransport);
  EXPECT_EQ(classify_refusal(425), WsRefusal::kTooEarly);
  for (int s : {400, 403, 404, 426, 429, 500, 501, 502}) {
    EXPECT_EQ(classify_refusal(s), WsRefusal::kUnsupported) << s;
  }
}

TEST(ClientPolicy, BackoffDoublesToTheCapWithTwentyPercentJitterAndResets) {
  Backoff b(250ms, 30s, 42);
  std::chrono::milliseconds expected = 250ms;
  for (int i = 0; i < 12; ++i) {
    const auto d = b.next();
    EXPECT_GE(d.count(), expected.count() * 8 / 10) << i;
    EXPECT_LE(d.count(), expected.count() * 12 / 10) << i;
    expected = std::min<std::chrono::milliseconds>(expected * 2, 30s);
  }
  EXPECT_EQ(b.current(), 30s);
  b.reset();
  EXPECT_EQ(b.current(), 250ms);
  // Jitter spreads clients that lost the same rendezvous at once.
  Backoff x(1000ms, 30s, 1), y(1000ms, 30s, 2);
  EXPECT_NE(x.next(), y.next());
}

}  // namespace
}  // namespace goop::rendezvous
