#include "goop/content/codec.hpp"

#include "base/ascii.hpp"
#include "base/errors.hpp"
#include "base/remote_text.hpp"
#include "goop/content/errors.hpp"

#include <fmt/core.h>

#include <vector>

namespace goop::content {
namespace {

// Splits on '/', dropping empty and "." segments.
std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const std::string_view seg = path.substr(0, slash);
    if (!seg.empty() && seg != ".") out.push_back(seg);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool under_prefix(const std::vector<std::string_view>& segs, std::string_view prefix) {
  const auto p = split_segments(prefix);
  if (p.empty() || p.size() > segs.size()) return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == ".." || !ascii::iequals(p[i], segs[i])) return false;
  }
  return true;
}

// Go's strconv.Atoi accepts an optional sign and decimal digits. Returns nullopt if `tok` is not
// such a number; saturates far beyond any cap.
std::optional<long long> parse_size_token(std::string_view tok) {
  bool negative = false;
  if (!tok.empty() && (tok.front() == '+' || tok.front() == '-')) {
    negative = tok.front() == '-';
    tok.remove_prefix(1);
  }
  if (tok.empty()) return std::nullopt;
  constexpr long long kSaturate = 1ll << 59;  // so v * 10 + 9 below stays within long long
  long long v = 0;
  for (char c : tok) {
    if (c < '0' || c > '9') return std::nullopt;
    if (v < kSaturate) v = v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

Expected<std::uint64_t> check_size(std::string_view line, std::string_view tok, std::uint64_t max) {
  const auto n = parse_size_token(tok);
  if (!n) {
    return Error{
        make_error_code(Errc::kBadResponse),
        fmt::format("bad response: \"{}\" (the size is not a number)", escape_remote_text(line))};
  }
  if (*n < 0 || static_cast<std::uint64_t>(*n) > max) {
    return Error{
        make_error_code(goop::Errc::kTooLarge),
        fmt::format("refusing size {} (the limit is {} bytes)", escape_remote_text(tok), max)};
  }
  return static_cast<std::uint64_t>(*n);
}

Error encrypted_unsupported() {
  return Error{
      make_error_code(Errc::kEncryptedUnsupported),
      "the peer sent an encrypted (EOK) response; encrypted responses are not supported yet"};
}

}  // namespace

Result<std::string> parse_site_request_line(std::string_view line) {
  line = ascii::trim(line);
  if (line.substr(0, 4) != "GET ") return make_error_code(Errc::kBadRequest);
  const std::string_view path = ascii::trim(line.substr(4));
  if (path.empty() || path == "/") return std::string("/index.html");
  return std::string(path);
}

Result<std::string> resolve_site_path(std::string_view path,
                                      std::span<const std::string> forbidden_prefixes) {
  if (has_control_chars(path)) return make_error_code(Errc::kBadRequest);
  if (path.find('\\') != std::string_view::npos) return make_error_code(Errc::kForbidden);
  const auto segs = split_segments(path);
  if (segs.empty()) return make_error_code(Errc::kForbidden);
  for (auto seg : segs) {
    if (seg.front() == '.') return make_error_code(Errc::kForbidden);  // "..", ".git", ".env"
  }
  if (under_prefix(segs, kAlwaysForbiddenPrefix)) return make_error_code(Errc::kForbidden);
  for (const auto& p : forbidden_prefixes) {
    if (under_prefix(segs, p)) return make_error_code(Errc::kForbidden);
  }
  std::string out;
  out.reserve(path.size());
  for (auto seg : segs) {
    if (!out.empty()) out += '/';
    out += seg;
  }
  return out;
}

Expected<SiteResponseHead> parse_site_response_head(std::string_view raw, std::uint64_t max_size) {
  const std::string_view line = ascii::trim(raw);
  if (line.substr(0, 4) == "ERR ") {
    const std::string_view msg = ascii::trim(line.substr(4));
    error_code code = make_error_code(Errc::kRefused);
    if (msg == "forbidden") code = make_error_code(Errc::kForbidden);
    if (msg == "not found") code = make_error_code(goop::Errc::kNotFound);
    if (msg == "bad request") code = make_error_code(Errc::kBadRequest);
    return Error{code, escape_remote_text(msg)};
  }
  if (line.substr(0, 4) == "EOK ") return encrypted_unsupported();
  const auto last_space = line.rfind(' ');
  // "OK 5" has its last space inside the prefix: no MIME (the Go client would panic here).
  if (line.substr(0, 3) != "OK " || last_space == std::string_view::npos || last_space < 3) {
    return Error{make_error_code(Errc::kBadResponse),
                 fmt::format("bad response: \"{}\"", escape_remote_text(line))};
  }
  std::string_view mime = ascii::trim(line.substr(3, last_space - 3));
  if (mime.empty() || has_control_chars(mime)) {
    return Error{
        make_error_code(Errc::kBadResponse),
        fmt::format("bad response: \"{}\" (no usable MIME type)", escape_remote_text(line))};
  }
  auto size = check_size(line, line.substr(last_space + 1), max_size);
  if (!size) return size.error();
  return SiteResponseHead{std::string(mime), *size};
}

Expected<std::optional<std::uint64_t>> parse_avatar_head(std::string_view raw,
                                                         std::uint64_t max_size) {
  const std::string_view line = ascii::trim(raw);
  if (line == "NONE") return std::optional<std::uint64_t>();
  if (line.substr(0, 4) == "EOK ") return encrypted_unsupported();
  if (line.substr(0, 3) != "OK ") {
    return Error{make_error_code(Errc::kBadResponse),
                 fmt::format("unexpected response: \"{}\"", escape_remote_text(line))};
  }
  auto size = check_size(line, line.substr(3), max_size);
  if (!size) return size.error();
  return std::optional<std::uint64_t>(*size);
}

}  // namespace goop::content
