# Build-time generator (cmake -P): embeds every file under ASSET_DIR into OUTPUT, a C++ source
# defining <NAMESPACE>::detail::kEmbeddedAssets and kEmbeddedAssetCount, declared by HEADER
# (which also defines the EmbeddedAsset struct {path, data, etag} visible from that namespace).
# Defaults: NAMESPACE goop::viewer, HEADER viewer/ui_assets.hpp (src/viewer/ui_assets.hpp).
# Each entry has the path relative to ASSET_DIR, the bytes, and a strong ETag made of the first
# 16 hex digits of the file's SHA-256. Pure CMake: nothing is downloaded and no host tool is
# compiled.
#
#   cmake -DASSET_DIR=<dir> -DOUTPUT=<file.cpp> [-DNAMESPACE=<ns>] [-DHEADER=<include path>]
#         -P embed_assets.cmake

if(NOT ASSET_DIR OR NOT OUTPUT)
  message(FATAL_ERROR "embed_assets.cmake needs -DASSET_DIR=<dir> and -DOUTPUT=<file.cpp>")
endif()
if(NOT NAMESPACE)
  set(NAMESPACE "goop::viewer")
endif()
if(NOT HEADER)
  set(HEADER "viewer/ui_assets.hpp")
endif()

file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE "${ASSET_DIR}" "${ASSET_DIR}/*")
list(SORT files)
list(FILTER files EXCLUDE REGEX "(^|/)\\.")  # no dotfiles (editor swap files, .gitkeep)

set(body "")
set(table "")
set(n 0)
foreach(rel IN LISTS files)
  set(abs "${ASSET_DIR}/${rel}")
  file(READ "${abs}" hex HEX)
  file(SHA256 "${abs}" sha)
  string(SUBSTRING "${sha}" 0 16 etag)
  file(SIZE "${abs}" size)
  # 64 bytes per source line: "\x..\x.."
  string(REGEX REPLACE "(................................................................................................................................)" "\\1\n" hex "${hex}")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" hex "${hex}")
  string(REPLACE "\n" "\"\n    \"" hex "${hex}")
  string(APPEND body "// ${rel}\nalignas(16) constexpr char kAsset${n}[] =\n    \"${hex}\";\n")
  string(APPEND table "    {\"${rel}\", std::string_view(kAsset${n}, ${size}), \"\\\"${etag}\\\"\"},\n")
  math(EXPR n "${n} + 1")
endforeach()

# The folder relative to the source tree, so the generated file is the same in every checkout.
file(RELATIVE_PATH asset_dir_rel "${CMAKE_CURRENT_LIST_DIR}/.." "${ASSET_DIR}")
set(out "// Generated at build time by cmake/embed_assets.cmake from ${asset_dir_rel}. Do not edit.
#include \"${HEADER}\"

namespace ${NAMESPACE}::detail {
namespace {
${body}}  // namespace

const EmbeddedAsset kEmbeddedAssets[] = {
${table}};
const std::size_t kEmbeddedAssetCount = ${n};

}  // namespace ${NAMESPACE}::detail
")

# Rewrite only on change, so an unchanged asset set does not recompile anything.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
  if(old STREQUAL out)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${out}")
