#include "base/check.hpp"

#include <cstdio>
#include <cstdlib>

namespace goop::detail {

void check_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "goop2: internal error: check failed: %s at %s:%d\n", expr, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace goop::detail
