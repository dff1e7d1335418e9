// Partial updates of goop.json (changes.hpp). Boost.JSON stays in this file and json_codec.cpp.

#include "goop/config/changes.hpp"

#include "goop/config/detail/json_field.hpp"
#include "goop/config/fields.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <limits>

namespace goop::config {
namespace json = boost::json;
namespace {

constexpr std::array<std::string_view, 13> kLive = {"profile.label",
                                                    "profile.email",
                                                    "profile.verification_token",
                                                    "viewer.theme",
                                                    "viewer.splash",
                                                    "viewer.hide_unverified",
                                                    "viewer.open_sites_external",
                                                    "viewer.video_disabled",
                                                    "viewer.active_template",
                                                    "viewer.debug",
                                                    "viewer.preferred_cam",
                                                    "viewer.preferred_mic",
                                                    "viewer.peer_offline_grace_min"};

ChangeError bad_request(std::string field, std::string message) {
  return ChangeError{ChangeError::Kind::kBadRequest, std::move(field), std::move(message)};
}

std::string read_only_reason(std::string_view key) {
  if (key == "identity.key_file") {
    return "identity.key_file cannot be changed from the viewer: it names the file holding this "
           "peer's identity "
           "key, and pointing it elsewhere would give the peer a new peer ID";
  }
  return fmt::format(
      "{} cannot be changed from the viewer: the peer generates its NaCl encryption key pair "
      "itself, and the two keys must stay a pair",
      key);
}

// Each field's value as text, in field order (for comparing two configs).
std::vector<std::string> values_of(const Config& c) {
  std::vector<std::string> out;
  visit_fields(c, [&](std::string_view, std::string_view, const auto& member) {
    out.push_back(fmt::format("{}", member));
  });
  return out;
}

}  // namespace

bool is_read_only(std::string_view key) {
  return key == "p2p.nacl_private_key" || key == "p2p.nacl_public_key" ||
         key == "identity.key_file";
}

bool is_live(std::string_view key) {
  return std::find(kLive.begin(), kLive.end(), key) != kLive.end();
}

std::vector<std::string> restart_fields() {
  std::vector<std::string> out;
  const Config defaults;
  visit_fields(defaults, [&](std::string_view section, std::string_view key, const auto&) {
    std::string dotted = fmt::format("{}.{}", section, key);
    if (!is_live(dotted) && !is_read_only(dotted)) out.push_back(std::move(dotted));
  });
  return out;
}

std::vector<std::string> needing_restart(const std::vector<std::string>& changed) {
  std::vector<std::string> out;
  std::copy_if(changed.begin(), changed.end(), std::back_inserter(out),
               [](const std::string& k) { return !is_live(k); });
  return out;
}

ApplyOutcome apply_changes(const Config& base, std::string_view changes_json) {
  ApplyOutcome out;
  if (changes_json.size() > kMaxConfigFileBytes) {
    out.error = bad_request("", fmt::format("the changes are {} bytes; at most {} are accepted",
                                            changes_json.size(), kMaxConfigFileBytes));
    return out;
  }
  json::error_code ec;
  json::value root = json::parse(changes_json, ec);
  if (ec || !root.is_object()) {
    out.error = bad_request(
        "", ec ? fmt::format("the changes are not valid JSON ({})", ec.message())
               : fmt::format("the changes must be a JSON object of \"section.field\" keys, not {}",
                             detail::describe(root)));
    return out;
  }
  Config next = base;
  for (const auto& kv : root.get_object()) {
    const std::string key(kv.key());
    bool known = false;
    std::optional<ChangeError> failure;
    visit_fields(next, [&](std::string_view section, std::string_view field, auto& member) {
      if (known || key != fmt::format("{}.{}", section, field)) return;
      known = true;
      if (is_read_only(key)) {
        failure = bad_request(key, read_only_reason(key));
        return;
      }
      if (auto wrong = detail::assign_field(key, kv.value(), member))
        failure = bad_request(key, std::move(*wrong));
    });
    if (!known) {
      failure = bad_request(
          key, fmt::format("unknown setting \"{}\": goop.json has no such field (keys are "
                           "\"section.field\", e.g. \"viewer.theme\")",
                           key));
    }
    if (failure) {
      out.error = std::move(failure);
      return out;
    }
  }
  if (auto bad = validate(next)) {
    out.error = ChangeError{ChangeError::Kind::kInvalid, bad->field, bad->message};
    return out;
  }
  Applied a;
  const auto before = values_of(base);
  const auto after = values_of(next);
  std::size_t i = 0;
  visit_fields(base, [&](std::string_view section, std::string_view field, const auto&) {
    if (before[i] != after[i]) a.changed.push_back(fmt::format("{}.{}", section, field));
    ++i;
  });
  a.config = std::move(next);
  out.applied = std::move(a);
  return out;
}

std::string to_public_json(const Config& c) {
  json::object root;
  for (std::string_view s : kSections) root[s] = json::object{};
  visit_fields(c, [&](std::string_view section, std::string_view key, const auto& member) {
    if (section == "p2p" && key == "nacl_private_key") return;
    root[section].as_object()[key] = detail::to_value(member);
  });
  return json::serialize(root);
}

}  // namespace goop::config
