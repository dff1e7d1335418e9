# goop_add_library(NAME SOURCES ... DEPS ...)   one static library per area
# goop_add_test(NAME SOURCES ... DEPS ... LABELS ...)   one GoogleTest binary, discovered at test time
# goop_add_fuzzer(NAME SOURCES ... DEPS ...)    a libFuzzer target (GOOP_FUZZ builds only)

function(goop_apply_common target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_compile_options(${target} PRIVATE ${GOOP_WARNINGS})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  if(TARGET goop_pch AND NOT target STREQUAL goop_pch)
    target_precompile_headers(${target} REUSE_FROM goop_pch)
  endif()
endfunction()

function(goop_add_library name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${A_SOURCES})
  goop_apply_common(${name})
  target_link_libraries(${name} PUBLIC ${A_DEPS} PRIVATE ${A_PRIVATE_DEPS})
endfunction()

function(goop_add_test name)
  cmake_parse_arguments(A "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 120)
  endif()
  add_executable(${name} ${A_SOURCES})
  goop_apply_common(${name})
  target_link_libraries(${name} PRIVATE ${A_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE GOOP_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                             GOOP2_BIN="$<TARGET_FILE:goop2>")
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
      PROPERTIES LABELS "${A_LABELS}" TIMEOUT ${A_TIMEOUT})
endfunction()

function(goop_add_fuzzer name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_compile_features(${name} PRIVATE cxx_std_20)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE ${A_DEPS})
endfunction()

# Collects every *.cpp under DIR (recursively) that is not a test, into OUT.
function(goop_glob_sources out dir)
  file(GLOB_RECURSE _all CONFIGURE_DEPENDS ${dir}/*.cpp)
  list(FILTER _all EXCLUDE REGEX "_test\\.cpp$")
  set(${out} ${_all} PARENT_SCOPE)
endfunction()

function(goop_glob_tests out dir)
  file(GLOB_RECURSE _all CONFIGURE_DEPENDS ${dir}/*_test.cpp)
  set(${out} ${_all} PARENT_SCOPE)
endfunction()
