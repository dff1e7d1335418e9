#include "viewer/log_buffer.hpp"

#include "viewer/peers_api.hpp"

#include <boost/json.hpp>

namespace goop::viewer {
namespace json = boost::json;

std::string_view level_name(log::Level l) {
  switch (l) {
    case log::Level::kTrace:
      return "trace";
    case log::Level::kDebug:
      return "debug";
    case log::Level::kInfo:
      return "info";
    case log::Level::kWarn:
      return "warn";
    case log::Level::kError:
      return "error";
    case log::Level::kOff:
      return "off";
  }
  return "info";
}

std::string to_json(const LogLine& line) {
  json::object o;
  o["seq"] = line.seq;
  o["ts"] = rfc3339_nano(line.ts);
  o["level"] = level_name(line.level);
  o["logger"] = line.logger;
  o["msg"] = line.msg;
  return json::serialize(o);
}

LogBuffer::LogBuffer(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

void LogBuffer::append(log::Level level, std::string_view logger, std::string_view message,
                       std::chrono::system_clock::time_point ts) {
  bool stored = false;
  {
    std::lock_guard lock(mu_);
    while (!message.empty()) {
      const auto nl = message.find('\n');
      std::string_view part = message.substr(0, nl);
      message = nl == std::string_view::npos ? std::string_view{} : message.substr(nl + 1);
      if (!part.empty() && part.back() == '\r') part.remove_suffix(1);
      if (part.find_first_not_of(" \t") == std::string_view::npos) continue;
      LogLine line;
      line.seq = next_seq_++;
      line.ts = ts;
      line.level = level;
      line.logger = std::string(logger);
      if (part.size() > kMaxLineBytes) {
        std::size_t cut = kMaxLineBytes;
        while (cut > 0 && (static_cast<unsigned char>(part[cut]) & 0xC0) == 0x80)
          --cut;  // whole UTF-8 characters
        line.msg = std::string(part.substr(0, cut)) + "…";
      } else {
        line.msg = std::string(part);
      }
      lines_.push_back(std::move(line));
      if (lines_.size() > capacity_) lines_.pop_front();
      stored = true;
    }
  }
  if (!stored) return;
  std::lock_guard lock(listener_mu_);
  if (listener_) listener_();
}

std::vector<LogLine> LogBuffer::lines_after(std::uint64_t after) const {
  std::lock_guard lock(mu_);
  std::vector<LogLine> out;
  // Sequence numbers are contiguous, so the first wanted line is found by arithmetic.
  if (lines_.empty() || lines_.back().seq <= after) return out;
  const std::uint64_t first = lines_.front().seq;
  const std::size_t skip = after < first ? 0 : static_cast<std::size_t>(after - first + 1);
  out.assign(lines_.begin() + static_cast<std::ptrdiff_t>(skip), lines_.end());
  return out;
}

std::uint64_t LogBuffer::last_seq() const {
  std::lock_guard lock(mu_);
  return next_seq_ - 1;
}

void LogBuffer::set_listener(std::function<void()> listener) {
  std::lock_guard lock(listener_mu_);
  listener_ = std::move(listener);
}

void LogBuffer::tap(log::Level level, std::string_view logger, std::string_view message,
                    void* self) {
  static_cast<LogBuffer*>(self)->append(level, logger, message);
}

LogBuffer& process_log_buffer() {
  static LogBuffer* buffer = new LogBuffer();  // never destroyed, see the header
  return *buffer;
}

}  // namespace goop::viewer
