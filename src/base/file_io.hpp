#pragma once
// Whole-file reads with a size cap, and atomic writes for files that must never be seen half
// written (goop.json, identity keys). Blocking; call from the start-up path or the blocking pool.

#include "base/result.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace goop {

// Reads all of `path`. Errors: Errc::kNotFound if it does not exist, Errc::kTooLarge if it is
// larger than `max_bytes`, Errc::kIo otherwise; each with a message naming the path.
Expected<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes);

// Writes `data` to `path` atomically: a temporary file in the same directory is created with
// `mode`, written, fsync'ed and renamed over `path`; then the directory is fsync'ed. Parent
// directories are created (mode 0700) if missing. On failure `path` is unchanged and the
// temporary file is removed.
Expected<void> write_file_atomic(const std::filesystem::path& path, std::string_view data,
                                 unsigned mode);

}  // namespace goop
