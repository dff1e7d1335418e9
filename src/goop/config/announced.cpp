#include "goop/config/announced.hpp"

#include <algorithm>
#include <array>

namespace goop::config {
namespace {

constexpr std::array<std::string_view, 4> kAnnounced = {
    "profile.label", "profile.email", "viewer.video_disabled", "viewer.active_template"};

}  // namespace

AnnouncedProfile announced_profile(const Config& c) {
  AnnouncedProfile p;
  p.label = c.profile.label;
  p.email = c.profile.email;
  p.video_disabled = c.viewer.video_disabled;
  p.active_template = c.viewer.active_template;
  p.public_key = c.p2p.nacl_public_key;
  p.verification_token = c.profile.verification_token;
  return p;
}

bool is_announced(std::string_view dotted_key) {
  return std::find(kAnnounced.begin(), kAnnounced.end(), dotted_key) != kAnnounced.end();
}

LiveEffects live_effects(const Config& now, const std::vector<std::string>& changed) {
  LiveEffects fx;
  for (const auto& key : changed) {
    if (is_announced(key)) fx.announce = true;
    if (key == "viewer.peer_offline_grace_min")
      fx.offline_grace = std::chrono::minutes(now.viewer.peer_offline_grace_min);
  }
  return fx;
}

}  // namespace goop::config
