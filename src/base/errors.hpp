#pragma once
// Error codes of the base layer (STYLE.md §6: one enum and category per layer). Compare against
// these values, never against message strings.
//
// The conditions every layer shares have one code each, used by p2p, goop, web, viewer and
// rendezvous alike, so that one comparison tests one condition:
//  - a deadline passed:              goop::Errc::kTimeout (src/web maps Beast's timeouts to it);
//  - an input over a size cap:       goop::Errc::kTooLarge (src/web maps Beast's limits to it);
//  - this operation was cancelled:   boost::asio::error::operation_aborted (Asio's own code, as
//                                    every Asio operation and ByteStream return it).

#include <boost/system/error_code.hpp>

namespace goop {

enum class Errc {
  kTimeout = 1,      // a deadline passed before the operation completed
  kInvalidArgument,  // the caller passed something malformed
  kTooLarge,         // input exceeds a size cap
  kNotFound,         // a file, key or row does not exist
  kCorrupt,          // stored data exists but cannot be decoded
  kIo,               // an operating-system call failed (see message)
  kClosed,           // the object was closed
};

const boost::system::error_category& base_category() noexcept;

inline boost::system::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), base_category()};
}

}  // namespace goop

namespace boost::system {
template <>
struct is_error_code_enum<goop::Errc> : std::true_type {};
}  // namespace boost::system
