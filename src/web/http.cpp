#include "web/http.hpp"

#include "base/ascii.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <utility>

namespace goop::web {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether the comma-separated token list `list` (RFC 9110 §5.6.1) holds `token`, compared
// case-insensitively.
bool has_token(std::string_view list, std::string_view token) noexcept {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    if (ascii::iequals(ascii::trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// A Sec-WebSocket-Key is the base64 form of 16 random bytes: 24 characters (RFC 6455 §4.1).
constexpr std::size_t kWebSocketKeySize = 24;

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const noexcept {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const char x = ascii::lower(a[i]);
    const char y = ascii::lower(b[i]);
    if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
  }
  return a.size() < b.size();
}

std::string_view Request::header(std::string_view name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string_view{} : std::string_view{it->second};
}

std::optional<std::string_view> Request::param(std::string_view name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return std::string_view{it->second};
}

bool Request::is_websocket_upgrade() const {
  // Checked in the order of RFC 6455 §4.2.1; the Upgrade lookup first, so ordinary requests
  // cost one map lookup.
  if (!has_token(header("Upgrade"), "websocket")) return false;
  if (method != "GET" || !has_token(header("Connection"), "upgrade")) return false;
  const std::string_view key = header("Sec-WebSocket-Key");
  if (key.empty() || key.size() > kWebSocketKeySize) return false;
  return header("Sec-WebSocket-Version") == "13";
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.emplace("Content-Type", "application/json");
  return r;
}

Response Response::text(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.emplace("Content-Type", "text/plain; charset=utf-8");
  return r;
}

Response Response::error(int status, std::string_view message) {
  return json(status, fmt::format("{{\"error\":\"{}\"}}", json_escape(message)));
}

Response Response::sse(std::shared_ptr<SseStream> stream) {
  Response r;
  r.status = 200;
  r.headers.emplace("Content-Type", "text/event-stream");
  r.headers.emplace("Cache-Control", "no-cache");
  r.sse_stream = std::move(stream);
  return r;
}

Response Response::streamed(StreamFn fn) {
  Response r;
  r.stream = std::move(fn);
  return r;
}

Response Response::upgrade(std::shared_ptr<WebSocketChannel> channel) {
  Response r;
  r.status = 101;
  r.ws_channel = std::move(channel);
  return r;
}

Response& Response::set_header(std::string name, std::string value) {
  headers.insert_or_assign(std::move(name), std::move(value));
  return *this;
}

SseStream::SseStream(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

bool SseStream::send(std::string_view event, std::string_view data) {
  if (closed_) return false;
  if (queue_.size() >= capacity_) {
    close();
    return false;
  }
  std::string out;
  out.reserve(event.size() + data.size() + 16);
  if (!event.empty()) {
    out += "event: ";
    // A newline in the event name would start a new field; cut it there.
    out += event.substr(0, event.find_first_of("\r\n"));
    out += '\n';
  }
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = data.find('\n', start);
    std::string_view line =
        data.substr(start, end == std::string_view::npos ? data.npos : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out += "data: ";
    out += line;
    out += '\n';
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  out += '\n';
  queue_.push_back(std::move(out));
  if (wake_) wake_();
  return true;
}

void SseStream::close() {
  if (closed_) return;
  closed_ = true;
  if (wake_) wake_();
}

std::string SseStream::take_pending() {
  std::string out;
  for (auto& e : queue_) out += e;
  queue_.clear();
  return out;
}

void SseStream::detach() {
  closed_ = true;
  wake_ = nullptr;
  queue_.clear();
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
}

QueryParams parse_query(std::string_view query) {
  QueryParams out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    std::string key = percent_decode(pair.substr(0, eq), true);
    std::string value =
        eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1), true);
    out.insert_or_assign(std::move(key), std::move(value));
  }
  return out;
}

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace goop::web
