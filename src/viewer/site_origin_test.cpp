#include "viewer/site_origin.hpp"

#include <gtest/gtest.h>

namespace goop::viewer {
namespace {

// Computed once with js-libp2p (tests/interop/node_modules):
//   peerIdFromString(id).toCID().toString(base36)
constexpr std::string_view kEd25519Id = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";
constexpr std::string_view kEd25519Label =
    "k51qzi5uqu5dhdmyb9bd18pypu2wp5lpv2xnskfmrqa4lb5knqryrotb05e7or";
constexpr std::string_view kRsaId = "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N";
constexpr std::string_view kRsaLabel = "k2k4r8ncs1yoluq95unsd7x2vfhgve0ncjoggwqx9vyh3vl8warrcp15";

p2p::PeerId id(std::string_view text) { return p2p::PeerId::parse(text).value(); }

TEST(SiteOrigin, LabelMatchesJsLibp2p) {
  EXPECT_EQ(site_label(id(kEd25519Id)), kEd25519Label);
  EXPECT_EQ(site_label(id(kRsaId)), kRsaLabel);
  EXPECT_LE(site_label(id(kEd25519Id)).size(), kMaxDnsLabel);
}

TEST(SiteOrigin, LabelRoundTripsAndIgnoresCase) {
  EXPECT_EQ(peer_from_site_label(kEd25519Label), id(kEd25519Id));
  EXPECT_EQ(peer_from_site_label(kRsaLabel), id(kRsaId));
  std::string upper(kEd25519Label);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(peer_from_site_label(upper), id(kEd25519Id));
}

TEST(SiteOrigin, RefusesWhatIsNotAPeerLabel) {
  EXPECT_FALSE(peer_from_site_label(""));
  EXPECT_FALSE(peer_from_site_label("k"));
  EXPECT_FALSE(peer_from_site_label(kEd25519Id));  // base58: not a site label
  EXPECT_FALSE(peer_from_site_label(id(kEd25519Id).to_cid_base32()));
  std::string bad(kEd25519Label);
  bad.back() = bad.back() == 'r' ? 's' : 'r';  // a different multihash tail still decodes...
  EXPECT_NE(peer_from_site_label(bad), id(kEd25519Id));  // ...but never to the same peer
  EXPECT_FALSE(peer_from_site_label(std::string(kEd25519Label) + "0"));  // 63 chars, bad length
  EXPECT_FALSE(peer_from_site_label(std::string(64, 'k')));
  EXPECT_FALSE(peer_from_site_label("k51qzi5uqu5d-hdmyb9"));
  EXPECT_FALSE(peer_from_site_label("kzzzzzzzzzzzzzzzzzzzz"));
}

TEST(SiteOrigin, OriginAndHostParsing) {
  const std::string origin = site_origin(id(kEd25519Id), 8080);
  EXPECT_EQ(origin, "http://" + std::string(kEd25519Label) + ".localhost:8080");
  const std::string host = std::string(kEd25519Label) + ".localhost:8080";
  EXPECT_EQ(site_label_of_host(host, 8080), std::string(kEd25519Label));
  EXPECT_EQ(site_label_of_host("K51ABC.LocalHost:8080", 8080), std::string("k51abc"));
  EXPECT_FALSE(site_label_of_host(host, 8081));  // another port
  EXPECT_FALSE(site_label_of_host(std::string(kEd25519Label) + ".localhost", 8080));
  EXPECT_FALSE(site_label_of_host("localhost:8080", 8080));
  EXPECT_FALSE(site_label_of_host(".localhost:8080", 8080));
  EXPECT_FALSE(site_label_of_host("a.b.localhost:8080", 8080));  // two labels
  EXPECT_FALSE(site_label_of_host("k51.localhost.evil:8080", 8080));
  EXPECT_FALSE(site_label_of_host("k51.localhost:08080", 8080));
  EXPECT_FALSE(site_label_of_host("k51.localhost:8080x", 8080));
  EXPECT_FALSE(site_label_of_host("k5_1.localhost:8080", 8080));
  EXPECT_FALSE(site_label_of_host(std::string(64, 'k') + ".localhost:8080", 8080));
}

}  // namespace
}  // namespace goop::viewer
