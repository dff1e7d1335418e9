#include "p2p/multiformats/multiaddr.hpp"

#include "p2p/errors.hpp"

#include <gtest/gtest.h>

#include <unordered_set>

namespace goop::p2p {
namespace {

struct Golden {
  const char* text;
  const char* hex;
};

// Produced by js @multiformats/multiaddr 13.0.3 (tests/interop/node_modules):
//   Buffer.from(multiaddr(text).bytes).toString('hex'), and multiaddr(text).toString() == text.
constexpr Golden kJsVectors[] = {
    {"/ip4/1.2.3.4/tcp/80", "0401020304060050"},
    {"/ip6/::1/tcp/4001", "2900000000000000000000000000000001060fa1"},
    {"/ip6/2001:db8::ff00:42:8329/udp/443/quic-v1",
     "2920010db8000000000000ff0000428329910201bbcd03"},
    {"/dns4/example.com/tcp/443/wss", "360b6578616d706c652e636f6d0601bbde03"},
    {"/dnsaddr/bootstrap.libp2p.io/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN",
     "3813626f6f7473747261702e6c69627032702e696fa50322122006b3608aa000274049eb28ad8e793a26ff6fab"
     "281a7d3bd77cd18eb745dfaabb"},
    {"/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA/p2p-circuit"
     "/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN",
     "047f000001060fa1a503260024080112202ffa35a99d3a3cfbb17bb7c1dc5561b18a8dcca4df38dc613ea859c37"
     "eb1336ba202a50322122006b3608aa000274049eb28ad8e793a26ff6fab281a7d3bd77cd18eb745dfaabb"},
    {"/ip4/1.2.3.4/udp/4001/quic-v1/webtransport/certhash/"
     "uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g",
     "040102030491020fa1cd03d103d203221220c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a396071"
     "4caef0c4f2"},
    {"/ip4/1.2.3.4/udp/9090/webrtc-direct/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g",
     "0401020304910223829802d203221220c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714cae"
     "f0c4f2"},
    {"/dns/example.com/tcp/443/tls/sni/example.com/http",
     "350b6578616d706c652e636f6d0601bbc003c1030b6578616d706c652e636f6de003"},
    {"/ip4/1.2.3.4/tcp/1/noise", "0401020304060001c603"},
    {"/dns6/foo.bar/tcp/1/ws/webrtc", "3707666f6f2e626172060001dd039902"},
};

std::string hex_of(const Multiaddr& m) { return to_hex(m.bytes()); }

TEST(Multiaddr, MatchesJsGoldenVectorsBothWays) {
  for (const auto& v : kJsVectors) {
    SCOPED_TRACE(v.text);
    auto parsed = Multiaddr::parse(v.text);
    ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
    EXPECT_EQ(hex_of(*parsed), v.hex);
    EXPECT_EQ(parsed->to_string(), v.text);
    auto decoded = Multiaddr::from_bytes(*from_hex(v.hex));
    ASSERT_TRUE(decoded.has_value()) << decoded.error().message();
    EXPECT_EQ(decoded->to_string(), v.text);
    EXPECT_EQ(*decoded, *parsed);
  }
}

TEST(Multiaddr, AcceptsAliasesAndAlternativeForms) {
  // /ipfs/ is /p2p/; a CIDv1 peer id (what js prints if given one) means the same bytes.
  const char* kCanonical =
      "/ip4/1.2.3.4/tcp/1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";
  const char* kJsHex =
      "0401020304060001a503260024080112202ffa35a99d3a3cfbb17bb7c1dc5561b18a8dcca4df38dc613ea859c37"
      "eb1336b";
  for (const char* text :
       {"/ip4/1.2.3.4/tcp/1/ipfs/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
        "/ip4/1.2.3.4/tcp/1/p2p/bafzaajaiaejcal72gwuz2or47oyxxn6b3rkwdmmkrxgkjxzy3rqt5kczyn7lcm3l",
        "/ip4/1.2.3.4/tcp/1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA/"}) {
    SCOPED_TRACE(text);
    auto m = Multiaddr::parse(text);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(hex_of(*m), kJsHex);
    EXPECT_EQ(m->to_string(), kCanonical);
  }
  // js prints the mapped address as ::ffff:102:304; we print it as go does. Same bytes.
  auto js = Multiaddr::parse("/ip6/::ffff:102:304/tcp/1");
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(hex_of(*js), "2900000000000000000000ffff01020304060001");
  EXPECT_EQ(js->to_string(), "/ip6/::ffff:1.2.3.4/tcp/1");
}

TEST(Multiaddr, Ip6TextIsRfc5952) {
  for (auto [in, out] : std::initializer_list<std::pair<const char*, const char*>>{
           {"/ip6/0:0:0:0:0:0:0:0", "/ip6/::"},
           {"/ip6/2001:DB8:0:0:1:0:0:1", "/ip6/2001:db8::1:0:0:1"},
           {"/ip6/2001:db8:0:1:1:1:1:1", "/ip6/2001:db8:0:1:1:1:1:1"},
           {"/ip6/fe80::1:0:0:0", "/ip6/fe80::1:0:0:0"},  // tie: the first run
           {"/ip6/fe80:0:0:1:0:0:0:0", "/ip6/fe80:0:0:1::"},
           {"/ip6/1::", "/ip6/1::"}}) {
    auto m = Multiaddr::parse(in);
    ASSERT_TRUE(m.has_value()) << in;
    EXPECT_EQ(m->to_string(), out);
  }
}

TEST(Multiaddr, UnixIsAPathProtocol) {
  auto m = Multiaddr::parse("/unix/tmp/goop/x.sock");
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ(m->components().size(), 1u);
  EXPECT_EQ(as_chars(m->components()[0].value), "/tmp/goop/x.sock");
  // js: multiaddr('/unix/%2Ftmp%2Fx.sock').bytes; the same value in go's text form.
  EXPECT_EQ(hex_of(*Multiaddr::parse("/unix/tmp/x.sock")), "90030b2f746d702f782e736f636b");
  EXPECT_EQ(m->to_string(), "/unix/tmp/goop/x.sock");
  EXPECT_EQ(m->encapsulate(*Multiaddr::parse("/ws")).error(),
            make_error_code(Errc::kInvalidEncoding));
}

TEST(Multiaddr, RejectsMalformedText) {
  auto err = [](std::string_view t) {
    auto r = Multiaddr::parse(t);
    return r ? error_code() : r.error();
  };
  const auto invalid = make_error_code(Errc::kInvalidEncoding);
  EXPECT_EQ(err(""), invalid);
  EXPECT_EQ(err("ip4/1.2.3.4"), invalid);
  EXPECT_EQ(err("/ip4"), invalid);
  EXPECT_EQ(err("/ip4/"), invalid);
  EXPECT_EQ(err("/ip4/1.2.3"), invalid);
  EXPECT_EQ(err("/ip4/1.2.3.256"), invalid);
  EXPECT_EQ(err("/ip4/01.2.3.4"), invalid);
  EXPECT_EQ(err("/ip4/1.2.3.4.5"), invalid);
  EXPECT_EQ(err("/ip6/1:2"), invalid);
  EXPECT_EQ(err("/ip6/fe80::1%eth0"), invalid);
  EXPECT_EQ(err("/tcp/65536"), invalid);
  EXPECT_EQ(err("/tcp/-1"), invalid);
  EXPECT_EQ(err("/tcp/080"), invalid);
  EXPECT_EQ(err("/p2p/notapeerid"), invalid);
  EXPECT_EQ(err("/certhash/uAQ"), invalid);  // not a multihash
  EXPECT_EQ(err("/certhash/uAB"), invalid);  // non-zero unused bits
  EXPECT_EQ(err("/ip4/1.2.3.4//tcp/1"), invalid);
  EXPECT_EQ(err("/dns//tcp/1"), invalid);
  EXPECT_EQ(err("/ip4/1.2.3.4/tcp/1/foo"), make_error_code(Errc::kUnknownProtocolCode));
  EXPECT_EQ(err("/" + std::string(kMaxMultiaddrText, 'a')), make_error_code(Errc::kTooLarge));
  ASSERT_TRUE(Multiaddr::parse("/").has_value());
  EXPECT_TRUE(Multiaddr::parse("/")->empty());
  EXPECT_EQ(Multiaddr().to_string(), "/");
}

TEST(Multiaddr, RejectsMalformedBytes) {
  auto err = [](const char* hex) {
    auto r = Multiaddr::from_bytes(*from_hex(hex));
    return r ? error_code() : r.error();
  };
  const auto invalid = make_error_code(Errc::kInvalidEncoding);
  EXPECT_EQ(err("04010203"), invalid);        // ip4 value truncated
  EXPECT_EQ(err("0600"), invalid);            // tcp value truncated
  EXPECT_EQ(err("35"), invalid);              // dns without length
  EXPECT_EQ(err("3505616263"), invalid);      // dns length overruns
  EXPECT_EQ(err("3500"), invalid);            // empty dns name
  EXPECT_EQ(err("35032f6162"), invalid);      // '/' in a dns name
  EXPECT_EQ(err("a5030400010203"), invalid);  // p2p value is no multihash
  EXPECT_EQ(err("90030161"), invalid);        // unix path without leading '/'
  EXPECT_EQ(err("9003012f0600"), invalid);    // anything after a unix path
  EXPECT_EQ(err("80"), invalid);              // truncated varint code
  EXPECT_EQ(err("8400"), invalid);            // non-minimal varint
  EXPECT_EQ(err("ff01"), make_error_code(Errc::kUnknownProtocolCode));
  EXPECT_EQ(err("0701"), make_error_code(Errc::kUnknownProtocolCode));
  Bytes big(kMaxMultiaddrBytes + 1, 0xdd);
  EXPECT_EQ(Multiaddr::from_bytes(big).error(), make_error_code(Errc::kTooLarge));
  ASSERT_TRUE(Multiaddr::from_bytes({}).has_value());
  EXPECT_TRUE(Multiaddr::from_bytes({})->empty());
}

TEST(Multiaddr, EncapsulateAndDecapsulate) {
  auto base = *Multiaddr::parse("/ip4/1.2.3.4/tcp/1");
  auto ws = *Multiaddr::parse("/ws");
  auto m = base.encapsulate(ws);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->to_string(), "/ip4/1.2.3.4/tcp/1/ws");
  EXPECT_EQ(m->decapsulate(ws), base);
  EXPECT_EQ(m->decapsulate(*Multiaddr::parse("/tcp/1")).to_string(), "/ip4/1.2.3.4");
  EXPECT_EQ(m->decapsulate(*Multiaddr::parse("/tcp/2")), *m);  // not found: unchanged
  EXPECT_EQ(m->decapsulate(*Multiaddr::parse("/ip4/1.2.3.4")), Multiaddr());
  // The last occurrence is removed.
  auto relayed = *Multiaddr::parse(
      "/ip4/1.2.3.4/tcp/1/p2p-circuit/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN/"
      "p2p-circuit");
  EXPECT_EQ(relayed.decapsulate(*Multiaddr::parse("/p2p-circuit")).to_string(),
            "/ip4/1.2.3.4/tcp/1/p2p-circuit/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN");
  EXPECT_EQ(relayed.decapsulate_code(ma::kP2pCircuit).decapsulate_code(ma::kP2pCircuit), base);
  auto huge = *Multiaddr::parse("/dns/" + std::string(600, 'a'));
  EXPECT_EQ(huge.encapsulate(huge).error(), make_error_code(Errc::kTooLarge));
}

TEST(Multiaddr, PeerIdHelpers) {
  const auto id = *PeerId::parse("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
  const auto other = *PeerId::parse("QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN");
  auto plain = *Multiaddr::parse("/ip4/1.2.3.4/tcp/1");
  EXPECT_FALSE(plain.peer_id().has_value());
  auto with = plain.with_peer_id(id);
  ASSERT_TRUE(with.has_value());
  EXPECT_EQ(with->peer_id(), id);
  EXPECT_EQ(with->without_peer_id(), plain);
  auto replaced = with->with_peer_id(other);
  ASSERT_TRUE(replaced.has_value());
  EXPECT_EQ(replaced->peer_id(), other);
  EXPECT_EQ(replaced->without_peer_id(), plain);
  // A p2p component that is not the last one is no "peer id of the address".
  auto circuit = *Multiaddr::parse(with->to_string() + "/p2p-circuit");
  EXPECT_FALSE(circuit.peer_id().has_value());
  EXPECT_EQ(circuit.first(ma::kP2p)->value, id.bytes());
}

// rust-libp2p's in-process transport address: code 0x0309 (uvarint 89 06), an 8-byte big-endian
// u64 (rust multiaddr Protocol::Memory), decimal in text.
TEST(Multiaddr, MemoryAddresses) {
  auto m = Multiaddr::parse("/memory/1234");
  ASSERT_TRUE(m.has_value()) << m.error().message();
  EXPECT_EQ(hex_of(*m), "890600000000000004d2");
  EXPECT_EQ(m->to_string(), "/memory/1234");
  EXPECT_EQ(m->components().at(0).name(), "memory");
  auto big = Multiaddr::parse("/memory/18446744073709551615");
  ASSERT_TRUE(big.has_value());
  EXPECT_EQ(hex_of(*big), "8906ffffffffffffffff");
  EXPECT_EQ(Multiaddr::from_bytes(big->bytes())->to_string(), "/memory/18446744073709551615");
  for (const char* bad : {"/memory/18446744073709551616", "/memory/01", "/memory/-1", "/memory/x",
                          "/memory", "/memory/"}) {
    EXPECT_EQ(Multiaddr::parse(bad).error(), make_error_code(Errc::kInvalidEncoding)) << bad;
  }
  EXPECT_EQ(Multiaddr::from_bytes(*from_hex("89060000")).error(),
            make_error_code(Errc::kInvalidEncoding));  // truncated value
  auto with_id = Multiaddr::parse("/memory/7/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN");
  ASSERT_TRUE(with_id.has_value());
  EXPECT_TRUE(with_id->peer_id().has_value());
}

TEST(Multiaddr, ComponentsAndHashing) {
  auto m = *Multiaddr::parse("/dns4/example.com/tcp/443/wss");
  ASSERT_EQ(m.components().size(), 3u);
  EXPECT_EQ(m.components()[0].name(), "dns4");
  EXPECT_EQ(m.components()[0].value_string(), "example.com");
  EXPECT_EQ(m.components()[1].value_string(), "443");
  EXPECT_EQ(m.components()[2].name(), "wss");
  EXPECT_EQ(m.components()[2].value_string(), "");
  std::unordered_set<Multiaddr> set{m, *Multiaddr::parse("/dns4/example.com/tcp/443/wss")};
  EXPECT_EQ(set.size(), 1u);
}

}  // namespace
}  // namespace goop::p2p
