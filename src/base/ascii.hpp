#pragma once
// ASCII case and whitespace helpers for protocol text (HTTP header names and tokens, DNS names,
// MIME types, config keys). Locale-independent: only the 26 letters A-Z/a-z change case and
// only the six ASCII whitespace bytes count as space, whatever the process locale, and bytes
// >= 0x80 (UTF-8) pass through unchanged. Pure; thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

namespace goop::ascii {

// 'A'..'Z' -> 'a'..'z'; every other byte unchanged.
constexpr char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// `s` with 'A'..'Z' lowered.
inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

// Equal ignoring ASCII case.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Whether `s` begins with `prefix`, ignoring ASCII case.
constexpr bool starts_with_ci(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// Space, tab, LF, VT, FF, CR: C's isspace() in the "C" locale, and the ASCII part of Go's
// strings.TrimSpace. (HTTP's optional whitespace, RFC 9110 §5.6.3, is only space and tab, but
// a parsed header value never holds the others.)
constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// `s` without leading and trailing ASCII whitespace (a view into `s`).
constexpr std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace goop::ascii
