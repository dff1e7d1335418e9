#include "goop/presence/from_config.hpp"

#include <gtest/gtest.h>

namespace goop::presence {
namespace {
using namespace std::chrono_literals;

TEST(PresenceFromConfig, OptionsComeFromThePresenceSectionAndTheOfflineGrace) {
  config::Config c;
  c.presence.topic = "t.v1";
  c.presence.heartbeat_seconds = 7;
  c.presence.ttl_seconds = 31;
  c.viewer.peer_offline_grace_min = 2;
  const PresenceOptions o = presence_options(c);
  EXPECT_EQ(o.topic, "t.v1");
  EXPECT_EQ(o.heartbeat, 7s);
  EXPECT_EQ(o.ttl, 31s);
  EXPECT_EQ(o.grace, 2min);
  EXPECT_EQ(o.max_peers, PresenceOptions{}.max_peers);
}

TEST(PresenceFromConfig, WeAnnounceTheProfileTheAvatarTheVersionAndOurAddresses) {
  config::Config c;
  c.profile.label = "Ann";
  c.profile.email = "ann@example.org";
  c.profile.verification_token = "TOKEN";
  c.viewer.video_disabled = true;
  c.viewer.active_template = "blog";
  c.p2p.nacl_public_key = "PUBKEY";
  const SelfAnnouncement s = self_announcement(c, "abc123", "1.2.3", {"/ip4/10.0.0.1/tcp/4001"});
  EXPECT_EQ(s.identity.content, "Ann");
  EXPECT_EQ(s.identity.email, "ann@example.org");
  EXPECT_TRUE(s.identity.video_disabled);
  EXPECT_EQ(s.identity.active_template, "blog");
  EXPECT_EQ(s.identity.avatar_hash, "abc123");
  EXPECT_EQ(s.identity.goop_client_version, "1.2.3");
  EXPECT_EQ(s.identity.public_key, "PUBKEY");
  EXPECT_TRUE(s.identity.encryption_supported);
  EXPECT_EQ(s.verification_token, "TOKEN");
  EXPECT_EQ(s.addrs, std::vector<std::string>{"/ip4/10.0.0.1/tcp/4001"});
}

TEST(PresenceFromConfig, NoNaclKeyMeansNoEncryptionAnnounced) {
  const SelfAnnouncement s = self_announcement(config::Config{}, "", "v", {});
  EXPECT_FALSE(s.identity.encryption_supported);
  EXPECT_TRUE(s.identity.public_key.empty());
  EXPECT_TRUE(s.identity.avatar_hash.empty());
}

}  // namespace
}  // namespace goop::presence
