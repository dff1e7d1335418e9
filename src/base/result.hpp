#pragma once
// Value-or-error types used across Goop2 (STYLE.md §6).
//
//   Result<T>   = boost::system::result<T>: value or error_code. For routine failures whose
//                 kind is enough (timeout, closed, protocol violation).
//   Expected<T> = boost::system::result<T, Error>: value or an Error that also carries a
//                 sentence for a person ("identity key data/identity.key is 12 bytes, ...").
//
// GOOP_TRY(decl, expr) / GOOP_CO_TRY(decl, expr) evaluate expr, return (co_return) its error
// from the enclosing function, and otherwise bind the value to decl.

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <utility>

namespace goop {

using boost::system::error_code;

template <class T = void>
using Result = boost::system::result<T>;

// An error with a human-readable message. `code` classifies it; `message` says what failed and
// why, in words a user can act on.
struct Error {
  error_code code;
  std::string message;

  Error() = default;
  Error(error_code c, std::string m) : code(c), message(std::move(m)) {}
  // From a bare error_code: the message is the code's own text.
  Error(error_code c) : code(c), message(c.message()) {}  // NOLINT(google-explicit-constructor)
};

// Lets boost::system::result<T, Error>::value() throw a system_error carrying the message.
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

template <class T = void>
using Expected = boost::system::result<T, Error>;

}  // namespace goop

#define GOOP_CONCAT_INNER(a, b) a##b
#define GOOP_CONCAT(a, b) GOOP_CONCAT_INNER(a, b)

#define GOOP_TRY_IMPL(tmp, decl, expr)     \
  auto tmp = (expr);                       \
  if (tmp.has_error()) return tmp.error(); \
  decl = std::move(*tmp)

#define GOOP_CO_TRY_IMPL(tmp, decl, expr)     \
  auto tmp = (expr);                          \
  if (tmp.has_error()) co_return tmp.error(); \
  decl = std::move(*tmp)

// GOOP_TRY(auto x, f());   -- in a function returning Result/Expected
#define GOOP_TRY(decl, expr) GOOP_TRY_IMPL(GOOP_CONCAT(goop_try_, __LINE__), decl, expr)
// GOOP_CO_TRY(auto x, co_await f());   -- in a coroutine returning awaitable<Result/Expected>
#define GOOP_CO_TRY(decl, expr) GOOP_CO_TRY_IMPL(GOOP_CONCAT(goop_try_, __LINE__), decl, expr)

// GOOP_TRY_VOID(f());   -- for Result<void>
#define GOOP_TRY_VOID(expr)                                        \
  do {                                                             \
    auto goop_try_void_ = (expr);                                  \
    if (goop_try_void_.has_error()) return goop_try_void_.error(); \
  } while (0)
#define GOOP_CO_TRY_VOID(expr)                                        \
  do {                                                                \
    auto goop_try_void_ = (expr);                                     \
    if (goop_try_void_.has_error()) co_return goop_try_void_.error(); \
  } while (0)
