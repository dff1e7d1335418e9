#pragma once
// GOOP_CHECK(cond): a broken invariant is a programming error; log and abort (STYLE.md §6).

namespace goop::detail {
[[noreturn]] void check_failed(const char* expr, const char* file, int line);
}

#define GOOP_CHECK(cond) \
  ((cond) ? static_cast<void>(0) : ::goop::detail::check_failed(#cond, __FILE__, __LINE__))
