#pragma once
// SiteFile: a regular file inside a site root, opened for a /goop/site/1.0.0 response so that no
// request can read outside the root or into a protected area, even through symlinks.
//
// open_site_file(root, rel, ...) (rel already cleaned by resolve_site_path):
//  1. resolves the root and root/rel to canonical paths (every symlink followed);
//  2. refuses a target outside the canonical root, and re-checks the target's canonical path
//     relative to the root with resolve_site_path (so a symlink inside the site cannot lead into
//     lua/, a script directory or a dot-directory);
//  3. opens the canonical path from a descriptor of the root, one component at a time with
//     O_NOFOLLOW (openat), so a symlink swapped in after step 1 is refused rather than followed;
//  4. requires a regular file (never blocks on a FIFO: opened O_NONBLOCK) no larger than the cap.
// Hard links to files outside the root cannot be told apart and are served.
//
// Blocking (local file system calls): they are short, but belong on a blocking pool once there is
// one. Thread-safe (no shared state). SiteFile is move-only; it closes its descriptor.

#include "base/result.hpp"

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace goop::content {

class SiteFile {
 public:
  SiteFile() = default;
  SiteFile(int fd, std::uint64_t size, std::string relative_path)
      : fd_(fd), size_(size), relative_path_(std::move(relative_path)) {}
  SiteFile(SiteFile&& o) noexcept;
  SiteFile& operator=(SiteFile&& o) noexcept;
  SiteFile(const SiteFile&) = delete;
  SiteFile& operator=(const SiteFile&) = delete;
  ~SiteFile();

  // The size when opened; the response announces it (a file that shrinks later fails the read).
  std::uint64_t size() const noexcept { return size_; }
  // The canonical path of the file relative to the canonical root ("docs/a.html").
  const std::string& relative_path() const noexcept { return relative_path_; }
  // Reads up to buf.size() bytes at the current offset; 0 at end of file. Errors: goop::Errc::kIo.
  Result<std::size_t> read(std::span<std::uint8_t> buf);

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::string relative_path_;
};

// Opens `rel` (a clean relative path from resolve_site_path) under `root`. Errors:
//  goop::Errc::kNotFound      missing root or file, a directory, a non-regular file, or a path
//                             the process may not read;
//  content::Errc::kForbidden  the canonical target is outside the root or in a forbidden area,
//                             or a symlink appeared on the way while opening;
//  goop::Errc::kTooLarge      the file is larger than `max_size`.
Result<SiteFile> open_site_file(const std::filesystem::path& root, const std::string& rel,
                                std::span<const std::string> forbidden_prefixes,
                                std::uint64_t max_size);

}  // namespace goop::content
