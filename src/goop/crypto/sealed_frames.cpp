#include "goop/crypto/sealed_frames.hpp"

#include "base/ascii.hpp"
#include "base/check.hpp"
#include "base/errors.hpp"
#include "base/remote_text.hpp"
#include "goop/crypto/errors.hpp"

#include <fmt/core.h>

#include <optional>

namespace goop::crypto {
namespace {

constexpr std::size_t kMaxQuoted = 200;  // characters of remote text in a message

std::string quote(std::string_view s) { return escape_remote_text(s, kMaxQuoted); }

Error bad_frame(std::string_view line, std::string_view why) {
  return Error{make_error_code(Errc::kBadFrame),
               fmt::format("bad sealed response: \"{}\" ({})", quote(line), why)};
}

// Go's strconv.Atoi: an optional sign and decimal digits. nullopt otherwise; saturates far
// beyond any cap.
std::optional<long long> parse_size_token(std::string_view tok) {
  bool negative = false;
  if (!tok.empty() && (tok.front() == '+' || tok.front() == '-')) {
    negative = tok.front() == '-';
    tok.remove_prefix(1);
  }
  if (tok.empty()) return std::nullopt;
  constexpr long long kSaturate = 1ll << 59;
  long long v = 0;
  for (char c : tok) {
    if (c < '0' || c > '9') return std::nullopt;
    if (v < kSaturate) v = v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

Expected<std::uint64_t> check_sealed_size(std::string_view line, std::string_view tok,
                                          std::uint64_t max) {
  const auto n = parse_size_token(tok);
  if (!n) return bad_frame(line, "the size is not a number");
  if (*n < 0 || static_cast<std::uint64_t>(*n) > max) {
    return Error{make_error_code(goop::Errc::kTooLarge),
                 fmt::format("refusing sealed size {} (the limit is {} bytes)", quote(tok), max)};
  }
  const auto size = static_cast<std::uint64_t>(*n);
  if (size < kMinSealedBody || size % 4 != 0) {
    return bad_frame(line, fmt::format("{} bytes cannot be a sealed body: that is base64 of a "
                                       "nonce, a MAC and the data, at least {} characters and a "
                                       "multiple of 4",
                                       size, kMinSealedBody));
  }
  return size;
}

}  // namespace

bool is_sealed_request_line(std::string_view line) {
  return ascii::trim(line).substr(0, kSealedRequestPrefix.size()) == kSealedRequestPrefix;
}

Expected<std::string_view> parse_sealed_request_line(std::string_view raw, std::size_t max_line) {
  const std::string_view line = ascii::trim(raw);
  if (line.size() > max_line) {
    return Error{make_error_code(goop::Errc::kTooLarge),
                 fmt::format("sealed request line too long: {} bytes, the limit is {}", line.size(),
                             max_line)};
  }
  if (line.substr(0, kSealedRequestPrefix.size()) != kSealedRequestPrefix) {
    return Error{make_error_code(Errc::kBadFrame),
                 fmt::format("not a sealed request line: \"{}\"", quote(line))};
  }
  const std::string_view b64 = line.substr(kSealedRequestPrefix.size());
  if (b64.empty()) {
    return Error{make_error_code(Errc::kBadFrame), "sealed request line has nothing after ENC:"};
  }
  return b64;
}

std::string format_sealed_request_line(std::string_view sealed_b64) {
  std::string out;
  out.reserve(kSealedRequestPrefix.size() + sealed_b64.size() + 1);
  out += kSealedRequestPrefix;
  out += sealed_b64;
  out += '\n';
  return out;
}

Expected<SealedSiteHead> parse_sealed_site_head(std::string_view raw, std::uint64_t max_size) {
  const std::string_view line = ascii::trim(raw);
  if (line.substr(0, 4) != "EOK ") return bad_frame(line, "no EOK prefix");
  const auto last_space = line.rfind(' ');
  // "EOK 5" has its last space inside the prefix: no MIME (Go: "bad EOK response").
  if (last_space == std::string_view::npos || last_space < 4) {
    return bad_frame(line, "no MIME type");
  }
  const std::string_view mime = ascii::trim(line.substr(4, last_space - 4));
  if (mime.empty() || has_control_chars(mime)) return bad_frame(line, "no usable MIME type");
  GOOP_TRY(const auto size, check_sealed_size(line, line.substr(last_space + 1), max_size));
  return SealedSiteHead{std::string(mime), size};
}

std::string format_sealed_site_response(std::string_view mime, std::string_view sealed_b64) {
  GOOP_CHECK(!mime.empty() && !has_control_chars(mime));
  std::string out = fmt::format("EOK {} {}\n", mime, sealed_b64.size());
  out += sealed_b64;
  return out;
}

Expected<std::uint64_t> parse_sealed_avatar_head(std::string_view raw, std::uint64_t max_size) {
  const std::string_view line = ascii::trim(raw);
  if (line.substr(0, 4) != "EOK ") return bad_frame(line, "no EOK prefix");
  return check_sealed_size(line, line.substr(4), max_size);
}

std::string format_sealed_avatar_response(std::string_view sealed_b64) {
  std::string out = fmt::format("EOK {}\n", sealed_b64.size());
  out += sealed_b64;
  return out;
}

}  // namespace goop::crypto
