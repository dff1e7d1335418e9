#include "base/remote_text.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace goop {

bool has_control_chars(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

std::string escape_remote_text(std::string_view s, std::size_t max_chars) {
  const std::string_view kept = s.substr(0, max_chars);
  std::string out;
  out.reserve(kept.size());
  for (char c : kept) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u >= 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  if (kept.size() < s.size()) out += "...";
  return out;
}

}  // namespace goop
