#include "goop/config/announced.hpp"

#include "goop/config/changes.hpp"
#include "goop/config/fields.hpp"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace goop::config {
namespace {

// A change of `key` (with a valid new value) applied to the defaults.
Applied changed(std::string_view key, std::string_view json_value) {
  auto out = apply_changes(Config{}, fmt::format(R"({{"{}": {}}})", key, json_value));
  EXPECT_TRUE(out.applied.has_value()) << key << ": " << (out.error ? out.error->message : "");
  return out.applied.value_or(Applied{});
}

struct Case {
  std::string_view key;
  std::string_view value;
};

// Every live field with a valid new value.
constexpr Case kLiveChanges[] = {
    {"profile.label", R"("someone else")"},     {"profile.email", R"("me@example.com")"},
    {"profile.verification_token", R"("tok")"}, {"viewer.theme", R"("light")"},
    {"viewer.splash", R"("other.png")"},        {"viewer.hide_unverified", "true"},
    {"viewer.open_sites_external", "true"},     {"viewer.video_disabled", "true"},
    {"viewer.active_template", R"("blog")"},    {"viewer.debug", "true"},
    {"viewer.preferred_cam", R"("cam")"},       {"viewer.preferred_mic", R"("mic")"},
    {"viewer.peer_offline_grace_min", "3"},
};

TEST(Announced, TheFourFieldsOtherPeersSeeAreAnnouncedAtOnce) {
  for (std::string_view key :
       {"profile.label", "profile.email", "viewer.video_disabled", "viewer.active_template"}) {
    EXPECT_TRUE(is_announced(key)) << key;
  }
  for (std::string_view key :
       {"profile.verification_token", "viewer.theme", "p2p.listen_port", "profile.label2", ""}) {
    EXPECT_FALSE(is_announced(key)) << key;
  }
}

TEST(Announced, EveryAnnouncedFieldIsLiveAndTheListCoversEveryLiveField) {
  int live = 0;
  const Config defaults;
  visit_fields(defaults, [&](std::string_view s, std::string_view k, const auto&) {
    const std::string key = fmt::format("{}.{}", s, k);
    if (is_announced(key)) {
      EXPECT_TRUE(is_live(key)) << key << " is announced but needs a restart";
    }
    if (is_live(key)) ++live;
  });
  EXPECT_EQ(static_cast<int>(std::size(kLiveChanges)), live) << "a live field is missing here";
}

TEST(Announced, AChangeIsAnnouncedExactlyWhenItChangesWhatOtherPeersSee) {
  // The rule (is_announced) and what the presence carries (announced_profile) must agree: every
  // announced change alters the profile, and no other live change does, except the token that
  // is read with every publish.
  for (const Case& c : kLiveChanges) {
    const Applied a = changed(c.key, c.value);
    ASSERT_EQ(a.changed, std::vector<std::string>{std::string(c.key)});
    const bool profile_changed = !(announced_profile(a.config) == announced_profile(Config{}));
    const LiveEffects fx = live_effects(a.config, a.changed);
    EXPECT_EQ(fx.announce, is_announced(c.key)) << c.key;
    if (c.key == "profile.verification_token") {
      EXPECT_TRUE(profile_changed);
    } else {
      EXPECT_EQ(profile_changed, fx.announce) << c.key;
    }
  }
}

TEST(Announced, TheOfflineGraceAppliesLiveWithItsNewValue) {
  const Applied a = changed("viewer.peer_offline_grace_min", "3");
  const LiveEffects fx = live_effects(a.config, a.changed);
  ASSERT_TRUE(fx.offline_grace.has_value());
  EXPECT_EQ(*fx.offline_grace, std::chrono::minutes(3));
  EXPECT_FALSE(fx.announce);
  EXPECT_FALSE(live_effects(a.config, {"viewer.theme"}).offline_grace.has_value());
}

TEST(Announced, SeveralChangesAtOnceCombineTheirEffects) {
  auto out = apply_changes(Config{}, R"({"profile.label": "x", "viewer.peer_offline_grace_min": 7,
                                         "viewer.theme": "light"})");
  ASSERT_TRUE(out.applied.has_value());
  const LiveEffects fx = live_effects(out.applied->config, out.applied->changed);
  EXPECT_TRUE(fx.announce);
  EXPECT_EQ(fx.offline_grace, std::chrono::minutes(7));
  EXPECT_FALSE(live_effects(Config{}, {}).announce);
}

TEST(Announced, TheProfileIsReadFromTheConfig) {
  Config c;
  c.profile.label = "L";
  c.profile.email = "e@x.org";
  c.viewer.video_disabled = true;
  c.viewer.active_template = "t";
  c.p2p.nacl_public_key = "K";
  c.profile.verification_token = "T";
  const AnnouncedProfile p = announced_profile(c);
  EXPECT_EQ(p.label, "L");
  EXPECT_EQ(p.email, "e@x.org");
  EXPECT_TRUE(p.video_disabled);
  EXPECT_EQ(p.active_template, "t");
  EXPECT_EQ(p.public_key, "K");
  EXPECT_EQ(p.verification_token, "T");
}

}  // namespace
}  // namespace goop::config
