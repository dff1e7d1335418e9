#pragma once
// HTTP Basic authentication of the rendezvous admin routes (spec/rendezvous.md §9.1): user
// "admin", password = presence.admin_password.
//
//  - An empty password disables the admin panel: every admin route answers 403
//    `admin panel disabled` (text/plain) and the landing page shows no Admin link.
//  - Missing, malformed or wrong credentials: 401 `unauthorized` with
//    `WWW-Authenticate: Basic realm="Goop2 Admin"`.
//
// The comparison takes the same time whatever the guess: the SHA-256 digests of the user and of
// the password offered are compared with the expected digests by sodium_memcmp (equal lengths,
// no early exit), so neither the length nor a prefix of the password leaks through timing.
//
// Executor rule: immutable after construction; check() may run on any thread.

#include "web/http.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace goop::rendezvous {

inline constexpr std::string_view kAdminUser = "admin";
inline constexpr std::string_view kAdminRealm = "Goop2 Admin";
// An Authorization header longer than this is refused without decoding it.
inline constexpr std::size_t kMaxAuthorizationBytes = 1024;

enum class AdminAccess { kDisabled, kDenied, kGranted };

class AdminAuth {
 public:
  // `password` "" disables the admin panel.
  explicit AdminAuth(std::string_view password);

  bool enabled() const noexcept { return enabled_; }
  // Whether `authorization` (the Authorization header value, "" if absent) grants access.
  AdminAccess check(std::string_view authorization) const;
  // nullopt when `req` may use an admin route; otherwise the 403 or 401 response to send.
  std::optional<web::Response> refuse(const web::Request& req) const;

 private:
  using Digest = std::array<std::uint8_t, 32>;
  bool enabled_ = false;
  Digest user_digest_{};
  Digest password_digest_{};
};

// Parses `Basic <base64(user:password)>` (scheme case-insensitive). nullopt if the header is
// absent, too long, of another scheme, not base64, or has no ':'.
struct BasicCredentials {
  std::string user;
  std::string password;
};
std::optional<BasicCredentials> parse_basic_authorization(std::string_view header);
// The Authorization value a client sends for `credentials` ("user:password"): "Basic " and its
// base64. The inverse of parse_basic_authorization (for clients and tests).
std::string basic_authorization(std::string_view credentials);

}  // namespace goop::rendezvous
