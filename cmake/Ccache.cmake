# Use ccache when present. The sloppiness makes precompiled headers cacheable
# (without it every PCH user is "uncacheable" and warm rebuilds take 10x longer).
find_program(GOOP_CCACHE ccache)
if(GOOP_CCACHE)
  set(_launcher ${CMAKE_COMMAND} -E env
      CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
      ${GOOP_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${_launcher})
  set(CMAKE_C_COMPILER_LAUNCHER ${_launcher})
endif()
