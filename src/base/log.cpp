#include "base/log.hpp"

#include "base/ascii.hpp"
#include "base/errors.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <utility>
#include <vector>

namespace goop::log {
namespace {

struct Rule {
  std::string prefix;  // empty = default
  Level level;
};

struct Registry {
  std::mutex mu;
  std::vector<Logger*> loggers;
  std::vector<Rule> rules{{"", Level::kInfo}};
  Tap tap = nullptr;
  void* tap_ctx = nullptr;
  std::shared_ptr<spdlog::logger> sink;

  Registry() {
    sink = spdlog::stderr_color_mt("goop");
    sink->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
    sink->set_level(spdlog::level::trace);
  }

  Level level_for(std::string_view name) const {
    Level best = Level::kInfo;
    size_t best_len = 0;
    bool found = false;
    for (const auto& r : rules) {
      const bool match = r.prefix.empty() || name == r.prefix ||
                         (name.size() > r.prefix.size() && name.starts_with(r.prefix) &&
                          name[r.prefix.size()] == '.');
      if (match && (!found || r.prefix.size() >= best_len)) {
        best = r.level;
        best_len = r.prefix.size();
        found = true;
      }
    }
    return best;
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

spdlog::level::level_enum to_spd(Level l) {
  switch (l) {
    case Level::kTrace:
      return spdlog::level::trace;
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
    case Level::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

}  // namespace

Logger::Logger(std::string_view name) : name_(name), level_(static_cast<int>(Level::kInfo)) {
  auto& r = registry();
  std::lock_guard lock(r.mu);
  level_.store(static_cast<int>(r.level_for(name_)), std::memory_order_relaxed);
  r.loggers.push_back(this);
}

Logger::~Logger() {
  auto& r = registry();
  std::lock_guard lock(r.mu);
  std::erase(r.loggers, this);
}

void Logger::write(Level l, std::string_view message) {
  auto& r = registry();
  r.sink->log(to_spd(l), "{}: {}", name_, message);
  Tap tap;
  void* ctx;
  {
    std::lock_guard lock(r.mu);
    tap = r.tap;
    ctx = r.tap_ctx;
  }
  if (tap) tap(l, name_, message, ctx);
}

Result<Level> parse_level(std::string_view s) {
  if (s == "trace") return Level::kTrace;
  if (s == "debug") return Level::kDebug;
  if (s == "info") return Level::kInfo;
  if (s == "warn" || s == "warning") return Level::kWarn;
  if (s == "error") return Level::kError;
  if (s == "off") return Level::kOff;
  return make_error_code(Errc::kInvalidArgument);
}

Expected<void> configure(std::string_view spec) {
  std::vector<Rule> rules{{"", Level::kInfo}};
  while (!spec.empty()) {
    const size_t comma = spec.find(',');
    std::string_view item = ascii::trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    std::string_view name =
        eq == std::string_view::npos ? std::string_view{} : ascii::trim(item.substr(0, eq));
    std::string_view lvl = eq == std::string_view::npos ? item : ascii::trim(item.substr(eq + 1));
    auto level = parse_level(lvl);
    if (!level) {
      return Error{
          make_error_code(Errc::kInvalidArgument),
          fmt::format("log level \"{}\" is not one of trace, debug, info, warn, error, off", lvl)};
    }
    if (name.empty()) {
      rules.front().level = *level;
    } else {
      rules.push_back({std::string(name), *level});
    }
  }
  auto& r = registry();
  std::lock_guard lock(r.mu);
  r.rules = std::move(rules);
  for (Logger* l : r.loggers) l->set_level(r.level_for(l->name()));
  return {};
}

void set_tap(Tap tap, void* ctx) {
  auto& r = registry();
  std::lock_guard lock(r.mu);
  r.tap = tap;
  r.tap_ctx = ctx;
}

}  // namespace goop::log
