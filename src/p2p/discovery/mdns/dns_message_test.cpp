#include "p2p/discovery/mdns/dns_message.hpp"

#include "p2p/errors.hpp"

#include <gtest/gtest.h>

namespace goop::p2p::mdns {
namespace {

void put_name(Bytes& b, std::initializer_list<std::string_view> labels) {
  for (auto l : labels) {
    b.push_back(static_cast<std::uint8_t>(l.size()));
    b.insert(b.end(), l.begin(), l.end());
  }
  b.push_back(0);
}
void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v & 0xff));
}
void put32(Bytes& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v & 0xffff));
}
Bytes header(std::uint16_t flags, std::uint16_t qd, std::uint16_t an, std::uint16_t ns,
             std::uint16_t ar) {
  Bytes b;
  put16(b, 0);
  put16(b, flags);
  put16(b, qd);
  put16(b, an);
  put16(b, ns);
  put16(b, ar);
  return b;
}

// What js (multicast-dns) sends for mdns.query({questions: [{name: '_p2p._udp.local',
// type: 'PTR'}]}).
TEST(DnsMessage, DecodesJsQuery) {
  const auto bytes =
      *from_hex("000000000001000000000000045f703270045f756470056c6f63616c00000c0001");
  auto m = decode(bytes);
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_FALSE(m->is_response());
  ASSERT_EQ(m->questions.size(), 1u);
  EXPECT_EQ(m->questions[0].name, "_p2p._udp.local");
  EXPECT_EQ(m->questions[0].type, rr_type::kPtr);
  EXPECT_EQ(m->questions[0].qclass, kClassIn);
  EXPECT_FALSE(m->questions[0].unicast_response);
  // And our encoder produces the same bytes.
  auto again = encode(*m);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, bytes);
}

// A zeroconf-style (go) browse response using name compression: PTR in answers, TXT, SRV and
// A in additionals, names pointing back into earlier records.
TEST(DnsMessage, DecodesCompressedGoResponse) {
  Bytes b = header(0x8400, 0, 1, 0, 3);
  ASSERT_EQ(b.size(), 12u);
  put_name(b, {"goop-mdns", "local"});  // at 12; "local" at 22
  put16(b, rr_type::kPtr);
  put16(b, kClassIn);
  put32(b, 3200);
  put16(b, 6);
  const std::size_t instance_at = b.size();  // 39
  b.insert(b.end(), {3, 'a', 'b', 'c', 0xc0, 12});
  // TXT abc.goop-mdns.local
  b.insert(b.end(), {0xc0, static_cast<std::uint8_t>(instance_at)});
  put16(b, rr_type::kTxt);
  put16(b, 0x8001);
  put32(b, 3200);
  const std::string s1 = "dnsaddr=/ip4/127.0.0.1/tcp/4001";
  const std::string s2 = "other";
  put16(b, static_cast<std::uint16_t>(2 + s1.size() + s2.size()));
  b.push_back(static_cast<std::uint8_t>(s1.size()));
  b.insert(b.end(), s1.begin(), s1.end());
  b.push_back(static_cast<std::uint8_t>(s2.size()));
  b.insert(b.end(), s2.begin(), s2.end());
  // SRV abc.goop-mdns.local → abc.local:4001
  b.insert(b.end(), {0xc0, static_cast<std::uint8_t>(instance_at)});
  put16(b, rr_type::kSrv);
  put16(b, 0x8001);
  put32(b, 3200);
  put16(b, 6 + 6);
  put16(b, 0);
  put16(b, 0);
  put16(b, 4001);
  b.insert(b.end(), {3, 'a', 'b', 'c', 0xc0, 22});
  // A abc.local 127.0.0.1
  b.insert(b.end(), {3, 'a', 'b', 'c', 0xc0, 22});
  put16(b, rr_type::kA);
  put16(b, 0x8001);
  put32(b, 3200);
  put16(b, 4);
  b.insert(b.end(), {127, 0, 0, 1});

  auto m = decode(b);
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_TRUE(m->is_response());
  ASSERT_EQ(m->answers.size(), 1u);
  EXPECT_EQ(m->answers[0].name, "goop-mdns.local");
  EXPECT_EQ(m->answers[0].ptr, "abc.goop-mdns.local");
  EXPECT_EQ(m->answers[0].ttl, 3200u);
  ASSERT_EQ(m->additionals.size(), 3u);
  EXPECT_EQ(m->additionals[0].name, "abc.goop-mdns.local");
  EXPECT_TRUE(m->additionals[0].cache_flush);
  EXPECT_EQ(m->additionals[0].rclass, kClassIn);
  EXPECT_EQ(m->additionals[0].txt, (std::vector<std::string>{s1, s2}));
  EXPECT_EQ(m->additionals[1].srv.port, 4001);
  EXPECT_EQ(m->additionals[1].srv.target, "abc.local");
  EXPECT_EQ(m->additionals[2].name, "abc.local");
  EXPECT_EQ(m->additionals[2].a, (std::array<std::uint8_t, 4>{127, 0, 0, 1}));

  // Re-encoded without compression, it decodes to the same message.
  auto flat = encode(*m);
  ASSERT_TRUE(flat);
  EXPECT_GT(flat->size(), b.size());
  auto back = decode(*flat);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, *m);
}

TEST(DnsMessage, RoundTripsAllRecordTypes) {
  Message m;
  m.id = 7;
  m.flags = kFlagResponse | kFlagAuthoritative;
  m.questions.push_back(Question{"x.local", rr_type::kAny, kClassIn, true});
  ResourceRecord aaaa;
  aaaa.name = "h.local";
  aaaa.type = rr_type::kAaaa;
  aaaa.ttl = 1;
  aaaa.aaaa[15] = 1;
  ResourceRecord raw;
  raw.name = "dotted\\.label.local";
  raw.type = 99;
  raw.raw = {1, 2, 3};
  m.answers.push_back(aaaa);
  m.authorities.push_back(raw);
  auto bytes = encode(m);
  ASSERT_TRUE(bytes);
  auto back = decode(*bytes);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, m);
}

TEST(DnsMessage, RejectsBadNamesOnEncode) {
  Message m;
  m.questions.push_back(Question{std::string(64, 'a') + ".local"});
  EXPECT_EQ(encode(m).error(), Errc::kInvalidEncoding);
  m.questions[0].name = "a..local";
  EXPECT_EQ(encode(m).error(), Errc::kInvalidEncoding);
  std::string longname;
  for (int i = 0; i < 5; ++i) longname += std::string(60, 'b') + ".";
  m.questions[0].name = longname + "local";
  EXPECT_EQ(encode(m).error(), Errc::kInvalidEncoding);
  m.questions.clear();
  ResourceRecord txt;
  txt.name = "a.local";
  txt.type = rr_type::kTxt;
  txt.txt = {std::string(256, 'x')};
  m.answers.push_back(txt);
  EXPECT_EQ(encode(m).error(), Errc::kInvalidEncoding);
}

TEST(DnsMessage, RejectsCompressionLoopsAndForwardPointers) {
  // A name that points at itself.
  Bytes self = header(0, 1, 0, 0, 0);
  self.insert(self.end(), {0xc0, 12, 0, 12, 0, 1});
  EXPECT_EQ(decode(self).error(), Errc::kInvalidEncoding);
  // A forward pointer (to a pointer back to the first one: a two-step loop).
  Bytes loop = header(0, 1, 0, 0, 0);
  loop.insert(loop.end(), {0xc0, 14, 0xc0, 12, 0, 1});
  EXPECT_EQ(decode(loop).error(), Errc::kInvalidEncoding);
  // A label after a pointer jump that points back into the same name.
  Bytes inner = header(0, 1, 0, 0, 0);
  inner.insert(inner.end(), {1, 'a', 0xc0, 12, 0, 12, 0, 1});
  EXPECT_EQ(decode(inner).error(), Errc::kInvalidEncoding);
}

// A chain of backward pointers, each to the previous one, hidden in an unknown record's rdata;
// the next record's name points at the chain's end.
Bytes pointer_chain(int pointers) {
  Bytes b = header(0x8400, 0, 2, 0, 0);
  put_name(b, {"x"});
  put16(b, 99);
  put16(b, 1);
  put32(b, 0);
  put16(b, static_cast<std::uint16_t>(3 + 2 * pointers));
  const std::size_t start = b.size();
  b.insert(b.end(), {1, 'a', 0});
  std::size_t prev = start;
  for (int i = 0; i < pointers; ++i) {
    const std::size_t here = b.size();
    b.push_back(static_cast<std::uint8_t>(0xc0 | (prev >> 8)));
    b.push_back(static_cast<std::uint8_t>(prev & 0xff));
    prev = here;
  }
  b.push_back(static_cast<std::uint8_t>(0xc0 | (prev >> 8)));
  b.push_back(static_cast<std::uint8_t>(prev & 0xff));
  put16(b, 99);
  put16(b, 1);
  put32(b, 0);
  put16(b, 0);
  return b;
}

TEST(DnsMessage, CapsPointerHops) {
  auto ok = decode(pointer_chain(kMaxPointerHops - 1));
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(ok->answers[1].name, "a");
  EXPECT_EQ(decode(pointer_chain(kMaxPointerHops + 5)).error(), Errc::kInvalidEncoding);
}

TEST(DnsMessage, RejectsMalformedPackets) {
  EXPECT_EQ(decode(Bytes{0, 0, 0}).error(), Errc::kTruncated);
  // Count says one question, none follows.
  EXPECT_EQ(decode(header(0, 1, 0, 0, 0)).error(), Errc::kTruncated);
  // Reserved label type 0x40.
  Bytes reserved = header(0, 1, 0, 0, 0);
  reserved.insert(reserved.end(), {0x41, 'a', 0, 0, 1, 0, 1});
  EXPECT_EQ(decode(reserved).error(), Errc::kInvalidEncoding);
  // An A record with 5 bytes of rdata.
  Bytes a = header(0x8400, 0, 1, 0, 0);
  put_name(a, {"h"});
  put16(a, rr_type::kA);
  put16(a, 1);
  put32(a, 1);
  put16(a, 5);
  a.insert(a.end(), {1, 2, 3, 4, 5});
  EXPECT_EQ(decode(a).error(), Errc::kInvalidEncoding);
  // A PTR whose name does not fill its rdlength.
  Bytes ptr = header(0x8400, 0, 1, 0, 0);
  put_name(ptr, {"h"});
  put16(ptr, rr_type::kPtr);
  put16(ptr, 1);
  put32(ptr, 1);
  put16(ptr, 4);
  ptr.insert(ptr.end(), {1, 'p', 0, 0});
  EXPECT_EQ(decode(ptr).error(), Errc::kInvalidEncoding);
  // A TXT string running past its rdata.
  Bytes txt = header(0x8400, 0, 1, 0, 0);
  put_name(txt, {"h"});
  put16(txt, rr_type::kTxt);
  put16(txt, 1);
  put32(txt, 1);
  put16(txt, 2);
  txt.insert(txt.end(), {5, 'x'});
  EXPECT_EQ(decode(txt).error(), Errc::kInvalidEncoding);
  // Too large.
  EXPECT_EQ(decode(Bytes(kMaxMessageSize + 1)).error(), goop::Errc::kTooLarge);
}

TEST(DnsMessage, NamesCompareCaseInsensitively) {
  EXPECT_TRUE(names_equal("_P2P._udp.Local", "_p2p._udp.local."));
  EXPECT_FALSE(names_equal("a.local", "b.local"));
}

}  // namespace
}  // namespace goop::p2p::mdns
