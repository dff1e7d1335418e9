#pragma once
// Logging facade (STYLE.md §8). One named Logger per module ("p2p.yamux", "goop.config");
// levels are filtered before arguments are evaluated. Output goes to stderr through spdlog,
// which only log.cpp includes.
//
// Levels are set with configure("info,p2p=debug,p2p.yamux=trace"): the first bare level is the
// default; `name=level` applies to that logger and to every logger below it ("p2p" covers
// "p2p.yamux"); the longest matching name wins. Thread-safe.
//
//   static goop::log::Logger lg("goop.config");
//   GOOP_LOG_INFO(lg, "loaded {} ({} fields)", path, n);

#include "base/result.hpp"

#include <fmt/core.h>

#include <atomic>
#include <string>
#include <string_view>

namespace goop::log {

enum class Level : int { kTrace = 0, kDebug, kInfo, kWarn, kError, kOff };

class Logger {
 public:
  // Registers the logger so configure() can reach it. `name` must outlive the logger (use a
  // string literal). Loggers are meant to be static objects.
  explicit Logger(std::string_view name);
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;
  ~Logger();

  bool enabled(Level l) const noexcept {
    return static_cast<int>(l) >= level_.load(std::memory_order_relaxed);
  }
  std::string_view name() const noexcept { return name_; }
  void set_level(Level l) noexcept { level_.store(static_cast<int>(l), std::memory_order_relaxed); }

  template <class... Args>
  void log(Level l, fmt::format_string<Args...> f, Args&&... args) {
    write(l, fmt::vformat(f, fmt::make_format_args(args...)));
  }
  void write(Level l, std::string_view message);

 private:
  std::string_view name_;
  std::atomic<int> level_;
};

// Applies a level spec (see above) to every existing and future logger. Returns an Error naming
// the bad part if the spec does not parse; nothing changes then.
Expected<void> configure(std::string_view spec);

// Parses "trace|debug|info|warn|error|off".
Result<Level> parse_level(std::string_view s);

// A function that also receives every formatted line (e.g. the viewer's log page). Called on the
// logging thread; must be thread-safe and must not log. Pass nullptr to remove.
using Tap = void (*)(Level, std::string_view logger, std::string_view message, void* ctx);
void set_tap(Tap tap, void* ctx);

}  // namespace goop::log

#define GOOP_LOG_AT(lg, lvl, ...)                        \
  do {                                                   \
    if ((lg).enabled(lvl)) (lg).log((lvl), __VA_ARGS__); \
  } while (0)
#define GOOP_LOG_TRACE(lg, ...) GOOP_LOG_AT(lg, ::goop::log::Level::kTrace, __VA_ARGS__)
#define GOOP_LOG_DEBUG(lg, ...) GOOP_LOG_AT(lg, ::goop::log::Level::kDebug, __VA_ARGS__)
#define GOOP_LOG_INFO(lg, ...) GOOP_LOG_AT(lg, ::goop::log::Level::kInfo, __VA_ARGS__)
#define GOOP_LOG_WARN(lg, ...) GOOP_LOG_AT(lg, ::goop::log::Level::kWarn, __VA_ARGS__)
#define GOOP_LOG_ERROR(lg, ...) GOOP_LOG_AT(lg, ::goop::log::Level::kError, __VA_ARGS__)
