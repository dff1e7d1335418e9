#pragma once
// Files of our own site for the site proxy (site_proxy.hpp): opened under the same rules as the
// /goop/site/1.0.0 responder, small ones read whole with their ETag and Content-Type, large ones
// left open for streaming.
//
// Opening: one openat2() of <root>/<rel> that refuses every symlink (and magic link and mount
// crossing) on the whole path. `rel` was already cleared by content::resolve_site_path, so a
// file reached without any symlink is exactly the one content::open_site_file would open. A
// symlink anywhere (allowed when it stays inside the site and out of the protected areas), or a
// kernel without openat2, falls back to content::open_site_file and its full checks.
//
// Cache: a small file's body, ETag and type are kept, keyed by its path and validated on every
// request by one lstat() of the path (device, inode, size, mtime and ctime in nanoseconds): the
// same unchanged inode is served from memory without opening it (whatever route the path takes
// now, it reaches content that passed the checks; moving the inode changes its ctime); anything
// else goes through the opening above. A file is kept only once it has been left alone for
// kSettleSeconds, so a write after it was read always gives a later mtime (timestamps are taken
// from a coarse clock, but never earlier than the write). Bounded by kMaxEntries and kMaxBytes (it
// is emptied when full).
//
// Blocking (local file system calls, as in the p2p responder). Not thread-safe: the node
// executor only.

#include "base/result.hpp"
#include "goop/content/site_file.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace goop::viewer {

class OwnSiteFiles {
 public:
  static constexpr std::size_t kMaxEntries = 512;
  static constexpr std::size_t kMaxBytes = 16 * 1024 * 1024;

  struct Held {
    std::shared_ptr<const std::string> body;
    std::string etag;          // strong, quoted
    std::string content_type;  // spec/viewer.md §3.4
  };
  // Exactly one of the two is set.
  struct Opened {
    std::optional<Held> held;               // size <= hold_limit
    std::optional<content::SiteFile> file;  // larger: stream it
    std::string validator;                  // for a streamed file: a strong ETag from its stat
  };

  OwnSiteFiles(std::filesystem::path root, std::vector<std::string> forbidden_prefixes,
               std::uint64_t hold_limit);

  // Opens `rel` (clean, from content::resolve_site_path). Errors as content::open_site_file:
  // goop::Errc::kNotFound, content::Errc::kForbidden, goop::Errc::kTooLarge; goop::Errc::kIo
  // if the file shrank while being read.
  Result<Opened> open(const std::string& rel);

  std::size_t cached_entries() const noexcept { return cache_.size(); }
  // How long (seconds) a file must be left alone before it is cached; default kSettleSeconds.
  void set_settle_for_testing(std::int64_t seconds) { settle_seconds_ = seconds; }

  static constexpr std::int64_t kSettleSeconds = 2;

 private:
  struct Entry {
    std::uint64_t dev, ino, size;
    std::int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
    Held held;
  };

  std::filesystem::path root_;
  std::string root_slash_;  // root_ and a '/', for building paths without path parsing
  std::vector<std::string> forbidden_;
  std::uint64_t hold_limit_;
  std::map<std::string, Entry, std::less<>> cache_;
  std::size_t cached_bytes_ = 0;
  std::int64_t settle_seconds_ = kSettleSeconds;
};

}  // namespace goop::viewer
