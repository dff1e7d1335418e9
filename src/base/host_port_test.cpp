#include "base/host_port.hpp"

#include "base/errors.hpp"

#include <gtest/gtest.h>

namespace goop {
namespace {

HostPort parsed(std::string_view text) {
  auto r = parse_host_port(text);
  EXPECT_TRUE(r.has_value()) << text << ": " << (r ? "" : r.error().message);
  return r ? *r : HostPort{};
}

std::string refusal(std::string_view text) {
  auto r = parse_host_port(text);
  EXPECT_FALSE(r.has_value()) << text << " was accepted";
  if (r) return {};
  EXPECT_EQ(r.error().code, make_error_code(Errc::kInvalidArgument));
  return r.error().message;
}

TEST(HostPort, ParsesNamesIpv4BracketedIpv6AndAnEmptyHost) {
  EXPECT_EQ(parsed("127.0.0.1:8080").host, "127.0.0.1");
  EXPECT_EQ(parsed("127.0.0.1:8080").port, 8080);
  EXPECT_EQ(parsed("localhost:1").host, "localhost");
  EXPECT_EQ(parsed("[::1]:443").host, "::1");
  EXPECT_EQ(parsed("[::1]:443").port, 443);
  EXPECT_EQ(parsed("[fd00::5]:0").host, "fd00::5");
  EXPECT_EQ(parsed(":8080").host, "");
  EXPECT_EQ(parsed(":8080").port, 8080);
  EXPECT_EQ(parsed("0.0.0.0:65535").port, 65535);
  EXPECT_EQ(parsed("127.0.0.1:0").port, 0);
}

TEST(HostPort, RefusesMissingOrBadPortsAndUnbracketedIpv6) {
  EXPECT_NE(refusal("127.0.0.1").find("has no port"), std::string::npos);
  EXPECT_NE(refusal("127.0.0.1:").find("no port number"), std::string::npos);
  EXPECT_NE(refusal("127.0.0.1:80a").find("not a number"), std::string::npos);
  EXPECT_NE(refusal("127.0.0.1:65536").find("above 65535"), std::string::npos);
  EXPECT_NE(refusal("127.0.0.1:123456").find("above 65535"), std::string::npos);
  EXPECT_NE(refusal("::1:80").find("in brackets"), std::string::npos);
  EXPECT_NE(refusal("[::1]").find("has no port"), std::string::npos);
  EXPECT_NE(refusal("[::1:80").find("without its ']'"), std::string::npos);
  EXPECT_NE(refusal("[example.com]:80").find("not IPv6"), std::string::npos);
  EXPECT_NE(refusal("a b:80").find("cannot have"), std::string::npos);
  // The message quotes what was written.
  EXPECT_NE(refusal("nope").find("\"nope\""), std::string::npos);
}

TEST(HostPort, FormatsIpv6InBracketsAndReadsItsOwnOutputBack) {
  EXPECT_EQ(format_host_port("127.0.0.1", 80), "127.0.0.1:80");
  EXPECT_EQ(format_host_port("::1", 80), "[::1]:80");
  EXPECT_EQ(format_host_port("[::1]", 80), "[::1]:80");
  EXPECT_EQ(format_host_port("", 80), ":80");
  for (std::string_view host : {"127.0.0.1", "::1", "fd00::5", "localhost", ""}) {
    const HostPort back = parsed(format_host_port(host, 4242));
    EXPECT_EQ(back.host, host);
    EXPECT_EQ(back.port, 4242);
  }
}

TEST(HostPort, BracketsAndUnbracketsHosts) {
  EXPECT_EQ(bracket_host("::"), "[::]");
  EXPECT_EQ(bracket_host("[::]"), "[::]");
  EXPECT_EQ(bracket_host("10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(unbracket_host("[::]"), "::");
  EXPECT_EQ(unbracket_host("10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(unbracket_host("["), "[");
}

}  // namespace
}  // namespace goop
