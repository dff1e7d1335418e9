#pragma once
// ConfigService: the one owner of a running peer's goop.json (spec/viewer.md §11.3). It holds
// the live Config and the file's path; update() applies a partial change (changes.hpp),
// validates, writes the file atomically with mode 0600, and only then replaces the live
// Config and tells the on_change listeners. Nothing is written, and nothing changes in memory,
// when any step fails.
//
// Executor rule: not thread-safe; use it on one executor (the node's), which also serialises
// concurrent HTTP requests. current() returns a reference that stays valid, and always shows
// the live values, for the service's lifetime.

#include "goop/config/changes.hpp"
#include "goop/config/config.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goop::config {

class ConfigService {
 public:
  // `file`: where goop.json lives (normally <peer dir>/goop.json); `initial`: what was loaded.
  ConfigService(std::filesystem::path file, Config initial);
  ConfigService(const ConfigService&) = delete;
  ConfigService& operator=(const ConfigService&) = delete;

  const Config& current() const noexcept { return config_; }
  const std::filesystem::path& file() const noexcept { return file_; }

  struct Updated {
    std::vector<std::string> changed;         // dotted keys whose value changed
    std::vector<std::string> restart_needed;  // the subset that applies after a restart
  };
  struct UpdateOutcome {
    std::optional<Updated> updated;
    std::optional<ChangeError> error;
  };

  // Applies `changes_json` ({"section.field": value, ...}); see apply_changes() for the
  // errors, plus ChangeError::Kind::kIo when the file cannot be written. An update that
  // changes nothing writes nothing and calls no listener. Each applied change is logged at
  // info (keys only, never values: some are secrets).
  UpdateOutcome update(std::string_view changes_json);

  // Called after every successful update that changed something, with the new config and the
  // changed keys. Listeners must not call update().
  using ChangeFn = std::function<void(const Config& now, const std::vector<std::string>& changed)>;
  void on_change(ChangeFn fn);

 private:
  std::filesystem::path file_;
  Config config_;
  std::vector<ChangeFn> listeners_;
};

}  // namespace goop::config
