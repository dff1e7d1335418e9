# Use ccache when present. The sloppiness makes precompiled headers cacheable (without it every
# PCH user is "uncacheable" and warm rebuilds take 10x longer). BASEDIR and NOHASHDIR make the
# cache independent of where the checkout lives, so a fresh clone (CI) or a second worktree
# reuses objects compiled in another.
find_program(GOOP_CCACHE ccache)
if(GOOP_CCACHE)
  set(_launcher ${CMAKE_COMMAND} -E env
      CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
      CCACHE_BASEDIR=${PROJECT_SOURCE_DIR} CCACHE_NOHASHDIR=1
      ${GOOP_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${_launcher})
  set(CMAKE_C_COMPILER_LAUNCHER ${_launcher})
endif()
