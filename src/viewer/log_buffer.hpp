#pragma once
// LogBuffer: the last N log lines of this process for the viewer's log page (spec/viewer.md
// §2.5), numbered so a page can take a snapshot and then stream exactly what came after it.
// It is fed by the log Tap (base/log.hpp) from any thread.
//
// Thread-safety: every member is thread-safe (one mutex). The listener is called on the
// appending thread, after the line is stored, and must be quick and must not log.
//
// Invariants:
//  1. Sequence numbers start at 1 and grow by one per stored line; they never repeat.
//  2. At most `capacity` lines are kept; the oldest go first.
//  3. After set_listener(nullptr) returns, the previous listener is not running and will not be
//     called again.

#include "base/log.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace goop::viewer {

struct LogLine {
  std::uint64_t seq = 0;
  std::chrono::system_clock::time_point ts;
  log::Level level = log::Level::kInfo;
  std::string logger;
  std::string msg;
};

// {"seq":N,"ts":"<RFC 3339 UTC>","level":"info","logger":"app","msg":"..."}
std::string to_json(const LogLine& line);
std::string_view level_name(log::Level l);

class LogBuffer {
 public:
  static constexpr std::size_t kDefaultCapacity = 1000;
  // A longer message is cut here (with "…" appended): one line must not hold the page hostage.
  static constexpr std::size_t kMaxLineBytes = 8 * 1024;

  explicit LogBuffer(std::size_t capacity = kDefaultCapacity);
  LogBuffer(const LogBuffer&) = delete;
  LogBuffer& operator=(const LogBuffer&) = delete;

  // Stores `message` as one line per '\n'-separated part (a trailing '\r' dropped, blank parts
  // skipped), stamped with `ts`.
  void append(log::Level level, std::string_view logger, std::string_view message,
              std::chrono::system_clock::time_point ts = std::chrono::system_clock::now());

  // The kept lines with seq > `after`, oldest first.
  std::vector<LogLine> lines_after(std::uint64_t after) const;
  // The newest line's seq, 0 if none was ever stored.
  std::uint64_t last_seq() const;

  // Called after each append() that stored at least one line (see the class comment).
  void set_listener(std::function<void()> listener);

  // A log::Tap: `self` is a LogBuffer*.
  static void tap(log::Level level, std::string_view logger, std::string_view message, void* self);

 private:
  mutable std::mutex mu_;
  std::deque<LogLine> lines_;
  std::size_t capacity_;
  std::uint64_t next_seq_ = 1;
  std::mutex listener_mu_;  // held while the listener runs (invariant 3)
  std::function<void()> listener_;
};

// The process's buffer, created on first use and never destroyed (a log Tap may still be
// running on another thread while the process exits).
LogBuffer& process_log_buffer();

}  // namespace goop::viewer
