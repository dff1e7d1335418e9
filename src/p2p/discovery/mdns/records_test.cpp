#include "p2p/discovery/mdns/records.hpp"

#include "p2p/crypto/keys.hpp"

#include <gtest/gtest.h>

namespace goop::p2p::mdns {
namespace {

PeerId new_peer() { return PeerId::from_public_key(Ed25519PrivateKey::generate().public_key()); }

Multiaddr addr(std::string_view s) { return Multiaddr::parse(s).value(); }

ResourceRecord ptr_record(std::string name, std::string target, std::uint32_t ttl = 120) {
  ResourceRecord r;
  r.name = std::move(name);
  r.type = rr_type::kPtr;
  r.ttl = ttl;
  r.ptr = std::move(target);
  return r;
}

ResourceRecord txt_record(std::string name, std::vector<std::string> strings) {
  ResourceRecord r;
  r.name = std::move(name);
  r.type = rr_type::kTxt;
  r.ttl = 120;
  r.txt = std::move(strings);
  return r;
}

TEST(MdnsRecords, ServiceNamesAndPeerName) {
  EXPECT_EQ(service_name_for_tag("goop-mdns"), "goop-mdns.local");
  for (int i = 0; i < 50; ++i) {
    const auto n = random_peer_name();
    EXPECT_GE(n.size(), 32u);
    EXPECT_LE(n.size(), 63u);
    for (char c : n) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << n;
  }
}

TEST(MdnsRecords, QueryAsksForService) {
  const auto q = make_query("goop-mdns.local");
  EXPECT_TRUE(asks_for(q, "goop-mdns.local", "me"));
  EXPECT_FALSE(asks_for(q, kStandardServiceName, "me"));
  Message instance;
  instance.questions.push_back(Question{"me._p2p._udp.local", rr_type::kTxt});
  EXPECT_TRUE(asks_for(instance, kStandardServiceName, "me"));
  EXPECT_FALSE(asks_for(instance, kStandardServiceName, "you"));
}

// Our response has the shape zeroconf (go) needs and that js reads; it survives the wire and
// gives back our peer and addresses.
TEST(MdnsRecords, ResponseRoundTripsToPeer) {
  const auto me = new_peer();
  const std::vector<Multiaddr> addrs = {
      addr("/ip4/192.168.1.5/tcp/4001"), addr("/ip6/fe80::1/tcp/4001"),
      addr("/ip4/1.2.3.4/tcp/1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA/"
           "p2p-circuit")};
  const auto m = make_response("goop-mdns.local", "peername", me, addrs);
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(m.answers[0].ptr, "peername.goop-mdns.local");
  ASSERT_EQ(m.additionals.size(), 4u);         // TXT, SRV, A, AAAA
  EXPECT_EQ(m.additionals[0].txt.size(), 2u);  // the circuit address is left out
  EXPECT_EQ(m.additionals[0].txt[0], "dnsaddr=/ip4/192.168.1.5/tcp/4001/p2p/" + me.to_base58());
  EXPECT_EQ(m.additionals[1].srv.target, "peername.local");
  EXPECT_EQ(m.additionals[1].srv.port, kDummyPort);
  EXPECT_EQ(m.additionals[2].a, (std::array<std::uint8_t, 4>{192, 168, 1, 5}));
  EXPECT_EQ(m.additionals[3].type, rr_type::kAaaa);

  auto wire = encode(m);
  ASSERT_TRUE(wire);
  auto back = decode(*wire);
  ASSERT_TRUE(back);
  const auto found = peers_in_response(*back, "goop-mdns.local", new_peer());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, me);
  EXPECT_EQ(found[0].addrs, (std::vector<Multiaddr>{addrs[0], addrs[1]}));
  // Not for another service name, and never ourselves.
  EXPECT_TRUE(peers_in_response(*back, kStandardServiceName, new_peer()).empty());
  EXPECT_TRUE(peers_in_response(*back, "goop-mdns.local", me).empty());
}

// What js @libp2p/mdns answers: PTR and one TXT record per address, all in the answers.
TEST(MdnsRecords, ReadsJsStyleResponse) {
  const auto js = new_peer();
  const std::string instance = "jsname._p2p._udp.local";
  Message m;
  m.flags = kFlagResponse | kFlagAuthoritative;
  m.answers.push_back(ptr_record("_p2p._udp.local", instance));
  m.answers.push_back(
      txt_record(instance, {"dnsaddr=/ip4/127.0.0.1/tcp/5000/p2p/" + js.to_base58()}));
  m.answers.push_back(
      txt_record(instance, {"dnsaddr=/ip4/10.0.0.1/tcp/5000/p2p/" + js.to_base58()}));
  m.answers.push_back(txt_record("other._p2p._udp.local",
                                 {"dnsaddr=/ip4/10.9.9.9/tcp/1/p2p/" + new_peer().to_base58()}));
  m.answers.push_back(
      txt_record(instance, {"dnsaddr=not-a-multiaddr", "dnsaddr=/ip4/1.1.1.1/tcp/1"}));
  const auto found = peers_in_response(m, kStandardServiceName, new_peer());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, js);
  EXPECT_EQ(found[0].addrs, (std::vector<Multiaddr>{addr("/ip4/127.0.0.1/tcp/5000"),
                                                    addr("/ip4/10.0.0.1/tcp/5000")}));
}

TEST(MdnsRecords, IgnoresGoodbyesAndQueries) {
  const auto p = new_peer();
  auto goodbye = make_response(kStandardServiceName, "n", p, {addr("/ip4/10.0.0.2/tcp/1")}, 0);
  EXPECT_TRUE(peers_in_response(goodbye, kStandardServiceName, new_peer()).empty());
  auto as_query = make_response(kStandardServiceName, "n", p, {addr("/ip4/10.0.0.2/tcp/1")});
  as_query.flags = 0;
  EXPECT_TRUE(peers_in_response(as_query, kStandardServiceName, new_peer()).empty());
}

TEST(MdnsRecords, ResponseStaysWithinSizeCap) {
  std::vector<Multiaddr> many;
  for (int i = 0; i < 500; ++i) {
    many.push_back(
        addr("/ip4/10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250) + "/tcp/4001"));
  }
  const auto m = make_response(kStandardServiceName, random_peer_name(), new_peer(), many);
  auto wire = encode(m);
  ASSERT_TRUE(wire);
  EXPECT_LE(wire->size(), kMaxResponseSize);
  EXPECT_GT(m.additionals[0].txt.size(), 10u);
}

}  // namespace
}  // namespace goop::p2p::mdns
