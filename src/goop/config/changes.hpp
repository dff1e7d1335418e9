#pragma once
// Partial updates of goop.json (spec/viewer.md §9, §11.3 "a single config service"): a JSON
// object of dotted keys, {"viewer.theme": "light", "presence.ttl_seconds": 30}, applied to a
// Config, checked with validate(), and saved atomically by ConfigService.
//
// Which fields apply while the peer runs ("live") and which only after a restart is decided
// here, once, for every field (restart_fields()).

#include "goop/config/config.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goop::config {

// Why a partial update was refused. `field` is the dotted key at fault, or "" (e.g. the body
// is not a JSON object). `message` is a full sentence for the user.
struct ChangeError {
  enum class Kind {
    kBadRequest,  // not an object, unknown key, wrong JSON type, read-only key (HTTP 400)
    kInvalid,     // the resulting config breaks a rule of validate() (HTTP 422)
    kIo,          // the file could not be written (HTTP 500)
  };
  Kind kind = Kind::kBadRequest;
  std::string field;
  std::string message;
};

struct Applied {
  Config config;  // the base with the changes applied (validated)
  std::vector<std::string>
      changed;  // dotted keys whose value differs from the base, in field order
};

// Applies `changes_json` (the text of a JSON object of dotted keys) to a copy of `base`, then
// validates the result. Nothing in `base` changes. Errors: the text is not a JSON object or is
// larger than kMaxConfigFileBytes; an unknown key (named); a value of the wrong JSON type
// (names the field and the expected type; null is refused too); a read-only key
// (p2p.nacl_private_key, p2p.nacl_public_key, identity.key_file: they belong to the peer's
// identity and are managed by the peer itself); then the first rule validate() refuses.
struct ApplyOutcome {
  std::optional<Applied> applied;
  std::optional<ChangeError> error;
};
ApplyOutcome apply_changes(const Config& base, std::string_view changes_json);

// True for the keys a partial update may never set (see apply_changes).
bool is_read_only(std::string_view dotted_key);
// True for the fields that take effect while the peer runs (profile.label, profile.email,
// profile.verification_token, viewer.theme, viewer.splash, viewer.hide_unverified,
// viewer.open_sites_external, viewer.video_disabled, viewer.active_template, viewer.debug,
// viewer.preferred_cam, viewer.preferred_mic, viewer.peer_offline_grace_min).
bool is_live(std::string_view dotted_key);
// Every other field's dotted key, in the seed's order, except the read-only ones: these
// need a restart.
std::vector<std::string> restart_fields();
// The subset of `changed` that needs a restart, keeping the order.
std::vector<std::string> needing_restart(const std::vector<std::string>& changed);

// Every field of `c` as {"identity":{...},"paths":{...},...} JSON text, with
// p2p.nacl_private_key left out (it is never sent to a page).
std::string to_public_json(const Config& c);

}  // namespace goop::config
