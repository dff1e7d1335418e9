#pragma once
// Error codes of the content protocols (/goop/site/1.0.0, /goop/avatar/1.0.0) that goop::Errc
// has no word for. Timeouts, size caps and missing files use goop::Errc (kTimeout, kTooLarge,
// kNotFound); these classify what a remote peer answered, so that a caller (the viewer's
// site proxy) can map them to an HTTP status without comparing message strings.

#include <boost/system/error_code.hpp>

namespace goop::content {

enum class Errc {
  kForbidden = 1,         // the path is outside the site or in a protected area (ERR forbidden)
  kBadRequest,            // the request line is malformed (ERR bad request)
  kRefused,               // the peer answered ERR with another message (busy, site disabled, ...)
  kBadResponse,           // the peer's header line does not follow the protocol
  kEncryptedUnsupported,  // the peer answered EOK (NaCl-sealed body); we cannot open it yet
};

const boost::system::error_category& content_category() noexcept;

inline boost::system::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), content_category()};
}

}  // namespace goop::content

namespace boost::system {
template <>
struct is_error_code_enum<goop::content::Errc> : std::true_type {};
}  // namespace boost::system
