#include "goop/content/mime.hpp"

#include "base/ascii.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace goop::content {
namespace {

using Entry = std::pair<std::string_view, std::string_view>;

// Sorted by extension only for reading; looked up linearly (it is short).
constexpr std::array kByExtension = {
    Entry{"avif", "image/avif"},
    Entry{"css", "text/css; charset=utf-8"},
    Entry{"csv", "text/csv; charset=utf-8"},
    Entry{"gif", "image/gif"},
    Entry{"htm", "text/html; charset=utf-8"},
    Entry{"html", "text/html; charset=utf-8"},
    Entry{"ico", "image/x-icon"},
    Entry{"jpeg", "image/jpeg"},
    Entry{"jpg", "image/jpeg"},
    Entry{"js", "text/javascript; charset=utf-8"},
    Entry{"json", "application/json"},
    Entry{"map", "application/json"},
    Entry{"md", "text/markdown; charset=utf-8"},
    Entry{"mjs", "text/javascript; charset=utf-8"},
    Entry{"mp3", "audio/mpeg"},
    Entry{"mp4", "video/mp4"},
    Entry{"oga", "audio/ogg"},
    Entry{"ogg", "audio/ogg"},
    Entry{"otf", "font/otf"},
    Entry{"pdf", "application/pdf"},
    Entry{"png", "image/png"},
    Entry{"svg", "image/svg+xml"},
    Entry{"ttf", "font/ttf"},
    Entry{"txt", "text/plain; charset=utf-8"},
    Entry{"wasm", "application/wasm"},
    Entry{"wav", "audio/wav"},
    Entry{"webm", "video/webm"},
    Entry{"webmanifest", "application/manifest+json"},
    Entry{"webp", "image/webp"},
    Entry{"woff", "font/woff"},
    Entry{"woff2", "font/woff2"},
    Entry{"xml", "text/xml; charset=utf-8"},
    Entry{"zip", "application/zip"},
};

constexpr std::string_view kHtml = "text/html; charset=utf-8";
constexpr std::string_view kText = "text/plain; charset=utf-8";
constexpr std::string_view kBinary = "application/octet-stream";

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// An HTML opening tag: "<tag" followed by a space or '>' (or the document type, or a comment).
bool looks_like_html(std::string_view s) {
  static constexpr std::array kTags = {
      "!doctype html", "html", "head",  "body",  "script", "iframe", "h1", "div", "font",
      "table",         "a",    "style", "title", "b",      "br",     "p",  "!--"};
  if (s.empty() || s.front() != '<') return false;
  s.remove_prefix(1);
  for (std::string_view tag : kTags) {
    if (ascii::starts_with_ci(s, tag) && s.size() > tag.size() &&
        (s[tag.size()] == ' ' || s[tag.size()] == '>')) {
      return true;
    }
  }
  return false;
}

// Bytes that never occur in text (control characters other than TAB, LF, FF, CR and ESC).
bool is_binary_byte(unsigned char c) {
  return c <= 0x08 || c == 0x0b || (c >= 0x0e && c <= 0x1a) || (c >= 0x1c && c <= 0x1f);
}

}  // namespace

std::string_view mime_type_for_name(std::string_view file_name) {
  const auto slash = file_name.rfind('/');
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  const auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == file_name.size()) return {};
  const std::string_view ext = file_name.substr(dot + 1);
  const std::string lowered = ascii::lower(ext);
  for (const auto& [e, mime] : kByExtension) {
    if (e == lowered) return mime;
  }
  return {};
}

std::string_view sniff_mime_type(BytesView head) {
  if (head.size() > kSniffLength) head = head.first(kSniffLength);
  const std::string_view s = as_chars(head);
  // Magic numbers (file format facts).
  if (starts_with(s, "\x89PNG\r\n\x1a\n")) return "image/png";
  if (starts_with(s, "GIF87a") || starts_with(s, "GIF89a")) return "image/gif";
  if (starts_with(s, "\xff\xd8\xff")) return "image/jpeg";
  if (starts_with(s, "RIFF") && s.size() >= 12 && s.substr(8, 4) == "WEBP") return "image/webp";
  if (starts_with(s, "RIFF") && s.size() >= 12 && s.substr(8, 4) == "WAVE") return "audio/wav";
  if (starts_with(s, std::string_view("\x00\x00\x01\x00", 4))) return "image/x-icon";
  if (starts_with(s, std::string_view("\x00"
                                      "asm",
                                      4)))
    return "application/wasm";
  if (starts_with(s, "wOFF")) return "font/woff";
  if (starts_with(s, "wOF2")) return "font/woff2";
  if (starts_with(s, "%PDF-")) return "application/pdf";
  if (starts_with(s, "OggS")) return "audio/ogg";
  if (starts_with(s, "ID3")) return "audio/mpeg";
  if (starts_with(s, "\x1a\x45\xdf\xa3")) return "video/webm";
  if (s.size() >= 12 && s.substr(4, 4) == "ftyp") return "video/mp4";
  if (starts_with(s, "PK\x03\x04")) return "application/zip";
  if (starts_with(s, "\x1f\x8b\x08")) return "application/gzip";
  // Markup, after leading whitespace.
  std::string_view t = s;
  if (starts_with(t, "\xef\xbb\xbf")) t.remove_prefix(3);  // UTF-8 byte order mark
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t' || t.front() == '\r' ||
                        t.front() == '\n' || t.front() == '\f')) {
    t.remove_prefix(1);
  }
  if (looks_like_html(t)) return kHtml;
  if (starts_with(t, "<?xml")) return "text/xml; charset=utf-8";
  if (std::any_of(head.begin(), head.end(), is_binary_byte)) return kBinary;
  return kText;
}

std::string_view site_mime_type(std::string_view file_name, BytesView head) {
  const std::string_view by_name = mime_type_for_name(file_name);
  return by_name.empty() ? sniff_mime_type(head) : by_name;
}

}  // namespace goop::content
