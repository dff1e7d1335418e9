# Warning flags applied to every Goop2 target (not to third-party code).
set(GOOP_WARNINGS
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
    -Wold-style-cast -Wimplicit-fallthrough)
if(GOOP_WERROR)
  list(APPEND GOOP_WARNINGS -Werror)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 at -O2 reports false positives inside libstdc++ copies and Asio coroutine frames
    # (GCC PRs 105705/107852 for array-bounds and stringop-overflow, 109224 for
    # mismatched-new-delete). They stay visible as warnings but do not fail the build.
    list(APPEND GOOP_WARNINGS -Wno-error=array-bounds -Wno-error=stringop-overflow
         -Wno-error=mismatched-new-delete)
  endif()
endif()
