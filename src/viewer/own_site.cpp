#include "viewer/own_site.hpp"

#include "base/errors.hpp"
#include "goop/content/codec.hpp"
#include "goop/content/errors.hpp"
#include "viewer/site_page.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace goop::viewer {
namespace {

// An open file and its fstat, through the fast path; nullopt: use the full checks instead.
struct FastOpen {
  int fd;
  struct stat st;
};

// Returns the opened file, an error that is final (the file does not exist), or nullopt to fall
// back to content::open_site_file.
std::optional<Result<FastOpen>> open_fast(const std::string& root_slash, const std::string& rel) {
#ifdef SYS_openat2
  const std::string full = root_slash + rel;
  struct open_how how {};
  how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW;
  how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
  const auto fd =
      static_cast<int>(::syscall(SYS_openat2, AT_FDCWD, full.c_str(), &how, sizeof how));
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return Result<FastOpen>(make_error_code(goop::Errc::kNotFound));
    return std::nullopt;  // ELOOP (a symlink on the way), EXDEV, ENOSYS, EPERM, ...
  }
  FastOpen f{fd, {}};
  if (::fstat(fd, &f.st) != 0 || !S_ISREG(f.st.st_mode)) {
    ::close(fd);
    return Result<FastOpen>(make_error_code(goop::Errc::kNotFound));
  }
  return Result<FastOpen>(f);
#else
  (void)root_slash;
  (void)rel;
  return std::nullopt;
#endif
}

Result<std::string> read_whole(content::SiteFile& f) {
  std::string body(static_cast<std::size_t>(f.size()), '\0');
  std::size_t got = 0;
  while (got < body.size()) {
    auto n =
        f.read(std::span(reinterpret_cast<std::uint8_t*>(body.data()) + got, body.size() - got));
    if (!n) return n.error();
    if (*n == 0) return make_error_code(goop::Errc::kIo);  // the file shrank under us
    got += *n;
  }
  return body;
}

OwnSiteFiles::Held hold(const std::string& rel, std::string body) {
  OwnSiteFiles::Held h;
  h.etag = content_etag(body);
  h.content_type = site_content_type(rel, "", as_bytes(std::string_view(body).substr(0, 512)));
  h.body = std::make_shared<const std::string>(std::move(body));
  return h;
}

}  // namespace

OwnSiteFiles::OwnSiteFiles(std::filesystem::path root, std::vector<std::string> forbidden_prefixes,
                           std::uint64_t hold_limit)
    : root_(std::move(root)),
      root_slash_(root_.string() + "/"),
      forbidden_(std::move(forbidden_prefixes)),
      hold_limit_(hold_limit) {}

namespace {

bool same_file(std::uint64_t dev, std::uint64_t ino, std::uint64_t size, std::int64_t mtime_s,
               std::int64_t mtime_ns, std::int64_t ctime_s, std::int64_t ctime_ns,
               const struct stat& st) {
  return dev == static_cast<std::uint64_t>(st.st_dev) &&
         ino == static_cast<std::uint64_t>(st.st_ino) &&
         size == static_cast<std::uint64_t>(st.st_size) && mtime_s == st.st_mtim.tv_sec &&
         mtime_ns == st.st_mtim.tv_nsec && ctime_s == st.st_ctim.tv_sec &&
         ctime_ns == st.st_ctim.tv_nsec;
}

}  // namespace

Result<OwnSiteFiles::Opened> OwnSiteFiles::open(const std::string& rel) {
  Opened out;
  // A cached file whose path still leads to the very same inode, unchanged (same size, mtime
  // and ctime), is served without opening it: whatever way the path takes now, it reaches
  // content that passed the full checks when it was cached. Moving that inode elsewhere (into
  // lua/, say) changes its ctime, and a symlink as the last component has an inode of its own.
  if (auto it = cache_.find(rel); it != cache_.end()) {
    const Entry& e = it->second;
    struct stat st {};
    const std::string full = root_slash_ + rel;
    if (::lstat(full.c_str(), &st) == 0 &&
        same_file(e.dev, e.ino, e.size, e.mtime_s, e.mtime_ns, e.ctime_s, e.ctime_ns, st)) {
      out.held = e.held;
      return out;
    }
  }
  auto fast = open_fast(root_slash_, rel);
  if (!fast) {
    // The full checks; no cache (no stat to validate it with).
    auto f = content::open_site_file(root_, rel, forbidden_, content::kMaxSiteFileSize);
    if (!f) return f.error();
    if (f->size() > hold_limit_) {
      struct stat st {};
      const std::string full = (root_ / f->relative_path()).string();
      if (::stat(full.c_str(), &st) == 0) {
        out.validator = content_etag(fmt::format("{}:{}:{}:{}.{}:{}.{}", st.st_dev, st.st_ino,
                                                 st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                                                 st.st_ctim.tv_sec, st.st_ctim.tv_nsec));
      }
      out.file.emplace(std::move(*f));
      return out;
    }
    GOOP_TRY(std::string body, read_whole(*f));
    out.held = hold(rel, std::move(body));
    return out;
  }
  if (!*fast) return fast->error();
  const FastOpen fo = **fast;
  const struct stat& st = fo.st;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  content::SiteFile file(fo.fd, size, rel);  // owns fd from here
  if (size > content::kMaxSiteFileSize) return make_error_code(goop::Errc::kTooLarge);
  if (size > hold_limit_) {
    out.validator = content_etag(fmt::format("{}:{}:{}:{}.{}:{}.{}", st.st_dev, st.st_ino,
                                             st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                                             st.st_ctim.tv_sec, st.st_ctim.tv_nsec));
    out.file.emplace(std::move(file));
    return out;
  }
  const Entry key{static_cast<std::uint64_t>(st.st_dev),
                  static_cast<std::uint64_t>(st.st_ino),
                  size,
                  st.st_mtim.tv_sec,
                  st.st_mtim.tv_nsec,
                  st.st_ctim.tv_sec,
                  st.st_ctim.tv_nsec,
                  {}};
  auto it = cache_.find(rel);
  if (it != cache_.end()) {
    const Entry& e = it->second;
    if (same_file(e.dev, e.ino, e.size, e.mtime_s, e.mtime_ns, e.ctime_s, e.ctime_ns, st)) {
      out.held = e.held;
      return out;
    }
    cached_bytes_ -= e.held.body->size();
    cache_.erase(it);
  }
  GOOP_TRY(std::string body, read_whole(file));
  out.held = hold(rel, std::move(body));
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  const std::int64_t last_change = std::max(key.mtime_s, key.ctime_s);
  if (now.tv_sec - last_change >= settle_seconds_) {
    if (cache_.size() >= kMaxEntries || cached_bytes_ + size > kMaxBytes) {
      cache_.clear();
      cached_bytes_ = 0;
    }
    Entry e = key;
    e.held = *out.held;
    cached_bytes_ += size;
    cache_.emplace(rel, std::move(e));
  }
  return out;
}

}  // namespace goop::viewer
