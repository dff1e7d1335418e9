# Warning flags applied to every Goop2 target (not to third-party code).
set(GOOP_WARNINGS
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
    -Wold-style-cast -Wimplicit-fallthrough)
if(GOOP_WERROR)
  list(APPEND GOOP_WARNINGS -Werror)
endif()
