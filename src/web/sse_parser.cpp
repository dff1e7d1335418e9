// SseParser (web/sse_parser.hpp): line splitting with caps, then the per-line field rules.
#include "web/sse_parser.hpp"

#include "base/errors.hpp"

#include <algorithm>

namespace goop::web {
namespace {
constexpr std::string_view kBom = "\xEF\xBB\xBF";

Error too_large(std::string_view what) {
  return Error(make_error_code(Errc::kTooLarge), std::string(what));
}
}  // namespace

Expected<void> SseParser::feed(std::string_view bytes, const DataFn& on_data) {
  while (!bytes.empty()) {
    if (!started_) {
      // The BOM may itself arrive split: collect its bytes until it is whole or ruled out
      // (then they are ordinary line content).
      const std::size_t n = std::min(bytes.size(), kBom.size() - line_.size());
      if (kBom.substr(line_.size(), n) == bytes.substr(0, n)) {
        line_.append(bytes.substr(0, n));
        bytes.remove_prefix(n);
        if (line_.size() < kBom.size()) continue;
        line_.clear();
      }
      started_ = true;
      continue;
    }
    if (after_cr_) {
      after_cr_ = false;
      if (bytes.front() == '\n') {
        bytes.remove_prefix(1);
        continue;
      }
    }
    const std::size_t eol = bytes.find_first_of("\r\n");
    const std::string_view piece = bytes.substr(0, eol);
    if (line_.size() + piece.size() > kMaxLine)
      return too_large("event stream line longer than 64 KiB");
    line_.append(piece);
    if (eol == std::string_view::npos) break;
    after_cr_ = bytes[eol] == '\r';
    bytes.remove_prefix(eol + 1);
    auto r = end_line(on_data);
    if (!r) return r;
  }
  return {};
}

Expected<void> SseParser::end_line(const DataFn& on_data) {
  const std::string_view line = line_;
  if (line.empty()) {
    if (!data_.empty()) {
      data_.pop_back();  // the '\n' after the last data line
      on_data(data_);
      data_.clear();
    }
    return {};
  }
  if (line.front() != ':') {
    const std::size_t colon = line.find(':');
    const std::string_view field = line.substr(0, colon);
    if (field == "data") {
      std::string_view value;
      if (colon != std::string_view::npos) {
        value = line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      }
      if (data_.size() + value.size() + 1 > kMaxEvent)
        return too_large("event stream event larger than 64 KiB");
      data_.append(value);
      data_.push_back('\n');
    }
  }
  line_.clear();
  return {};
}

}  // namespace goop::web
