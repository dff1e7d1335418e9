#include "rendezvous/admin_auth.hpp"

#include "base/ascii.hpp"

#include <sodium.h>

namespace goop::rendezvous {
namespace {

std::array<std::uint8_t, 32> sha256(std::string_view s) {
  std::array<std::uint8_t, 32> out{};
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(s.data()), s.size());
  return out;
}

}  // namespace

std::optional<BasicCredentials> parse_basic_authorization(std::string_view header) {
  header = ascii::trim(header);
  if (header.empty() || header.size() > kMaxAuthorizationBytes) return std::nullopt;
  const auto space = header.find(' ');
  if (space == std::string_view::npos || !ascii::iequals(header.substr(0, space), "basic"))
    return std::nullopt;
  const std::string_view b64 = ascii::trim(header.substr(space + 1));
  if (b64.empty()) return std::nullopt;
  std::string decoded(b64.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                        b64.data(), b64.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  decoded.resize(len);
  const auto colon = decoded.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

AdminAuth::AdminAuth(std::string_view password) : enabled_(!password.empty()) {
  [[maybe_unused]] const int ready = sodium_init();  // idempotent; picks the fastest SHA-256 code
  if (enabled_) {
    user_digest_ = sha256(kAdminUser);
    password_digest_ = sha256(password);
  }
}

AdminAccess AdminAuth::check(std::string_view authorization) const {
  if (!enabled_) return AdminAccess::kDisabled;
  const auto creds = parse_basic_authorization(authorization);
  if (!creds) return AdminAccess::kDenied;
  const Digest user = sha256(creds->user);
  const Digest password = sha256(creds->password);
  // Both comparisons always run (no short-circuit), each over 32 bytes.
  const int user_diff = sodium_memcmp(user.data(), user_digest_.data(), user.size());
  const int password_diff =
      sodium_memcmp(password.data(), password_digest_.data(), password.size());
  return (user_diff | password_diff) == 0 ? AdminAccess::kGranted : AdminAccess::kDenied;
}

std::optional<web::Response> AdminAuth::refuse(const web::Request& req) const {
  switch (check(req.header("Authorization"))) {
    case AdminAccess::kGranted:
      return std::nullopt;
    case AdminAccess::kDisabled: {
      auto r = web::Response::text(403, "admin panel disabled\n");
      r.set_header("Cache-Control", "no-store");
      return r;
    }
    case AdminAccess::kDenied:
      break;
  }
  auto r = web::Response::text(401, "unauthorized\n");
  r.set_header("WWW-Authenticate", "Basic realm=\"" + std::string(kAdminRealm) + "\"");
  r.set_header("Cache-Control", "no-store");
  return r;
}

std::string basic_authorization(std::string_view credentials) {
  std::string out(sodium_base64_ENCODED_LEN(credentials.size(), sodium_base64_VARIANT_ORIGINAL),
                  '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(credentials.data()), credentials.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.find('\0'));
  return "Basic " + out;
}

}  // namespace goop::rendezvous
