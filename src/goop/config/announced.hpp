#pragma once
// Which of our settings other peers see (spec/net.md §5.2, §5.8), and what a running peer does
// when a change is applied (changes.hpp decides which fields are live at all).
//
// The announced fields travel in every presence we publish: profile.label (the presence
// `content`), profile.email, viewer.video_disabled and viewer.active_template on gossip and to
// the rendezvous; profile.verification_token and p2p.nacl_public_key to the rendezvous only. A
// change to one of the first four is published at once, instead of at the next heartbeat (the
// token is read with every publish and only matters to the rendezvous; the key never changes
// while the peer runs). Our avatar is announced too (its hash), but it is not a setting: the
// viewer's avatar API announces its changes.

#include "goop/config/config.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goop::config {

// The settings our presence carries, read from the live config before every publish.
struct AnnouncedProfile {
  std::string label;  // profile.label, the presence `content`
  std::string email;
  bool video_disabled = false;
  std::string active_template;
  std::string public_key;          // p2p.nacl_public_key (rendezvous copy only)
  std::string verification_token;  // profile.verification_token (rendezvous copy only)

  bool operator==(const AnnouncedProfile&) const = default;
};
AnnouncedProfile announced_profile(const Config& c);

// True for the fields whose change is announced at once: profile.label, profile.email,
// viewer.video_disabled, viewer.active_template.
bool is_announced(std::string_view dotted_key);

// What a running peer does about an applied change (ConfigService::on_change), besides reading
// the live config when it next needs a value.
struct LiveEffects {
  bool announce = false;  // an announced field changed: publish our presence now
  // viewer.peer_offline_grace_min changed: how long offline peers stay listed, from now on.
  std::optional<std::chrono::minutes> offline_grace;
};
// `now` is the config after the change, `changed` its changed dotted keys (as ConfigService
// reports them).
LiveEffects live_effects(const Config& now, const std::vector<std::string>& changed);

}  // namespace goop::config
