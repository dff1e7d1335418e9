#include "goop/config/service.hpp"

#include "base/log.hpp"

#include <fmt/core.h>

namespace goop::config {
namespace {

log::Logger lg("goop.config");

std::string joined(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

}  // namespace

ConfigService::ConfigService(std::filesystem::path file, Config initial)
    : file_(std::move(file)), config_(std::move(initial)) {}

void ConfigService::on_change(ChangeFn fn) { listeners_.push_back(std::move(fn)); }

ConfigService::UpdateOutcome ConfigService::update(std::string_view changes_json) {
  UpdateOutcome out;
  ApplyOutcome applied = apply_changes(config_, changes_json);
  if (applied.error) {
    out.error = std::move(applied.error);
    return out;
  }
  Updated u;
  u.changed = std::move(applied.applied->changed);
  u.restart_needed = needing_restart(u.changed);
  if (u.changed.empty()) {
    out.updated = std::move(u);
    return out;
  }
  if (auto saved = save(file_, applied.applied->config); !saved) {
    out.error = ChangeError{ChangeError::Kind::kIo, "",
                            fmt::format("the settings were not saved: {}", saved.error().message)};
    return out;
  }
  config_ = std::move(applied.applied->config);
  std::vector<std::string> live;
  for (const auto& k : u.changed) {
    if (is_live(k)) live.push_back(k);
  }
  if (!live.empty()) GOOP_LOG_INFO(lg, "settings changed, applied now: {}", joined(live));
  if (!u.restart_needed.empty()) {
    GOOP_LOG_INFO(lg, "settings changed, applied after a restart: {}", joined(u.restart_needed));
  }
  for (auto& fn : listeners_) fn(config_, u.changed);
  out.updated = std::move(u);
  return out;
}

}  // namespace goop::config
