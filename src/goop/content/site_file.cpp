#include "goop/content/site_file.hpp"

#include "base/errors.hpp"
#include "goop/content/codec.hpp"
#include "goop/content/errors.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace goop::content {
namespace fs = std::filesystem;
namespace {

class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

error_code open_error(int err) {
  // ELOOP: a component became a symlink after we resolved the path (O_NOFOLLOW refused it).
  return err == ELOOP ? make_error_code(content::Errc::kForbidden)
                      : make_error_code(goop::Errc::kNotFound);
}

// The components of `target` below `root`, or nullopt if `target` is not `root` or under it.
std::optional<std::vector<std::string>> components_below(const fs::path& root,
                                                         const fs::path& target) {
  auto r = root.begin();
  auto t = target.begin();
  for (; r != root.end(); ++r, ++t) {
    if (t == target.end() || *r != *t) return std::nullopt;
  }
  std::vector<std::string> out;
  for (; t != target.end(); ++t) {
    if (!t->empty()) out.push_back(t->string());
  }
  return out;
}

}  // namespace

SiteFile::SiteFile(SiteFile&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), size_(o.size_), relative_path_(std::move(o.relative_path_)) {}

SiteFile& SiteFile::operator=(SiteFile&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
    size_ = o.size_;
    relative_path_ = std::move(o.relative_path_);
  }
  return *this;
}

SiteFile::~SiteFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::size_t> SiteFile::read(std::span<std::uint8_t> buf) {
  for (;;) {
    const ssize_t n = ::read(fd_, buf.data(), buf.size());
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return make_error_code(goop::Errc::kIo);
  }
}

Result<SiteFile> open_site_file(const fs::path& root, const std::string& rel,
                                std::span<const std::string> forbidden_prefixes,
                                std::uint64_t max_size) {
  if (rel.empty() || rel.front() == '/') return make_error_code(content::Errc::kForbidden);
  std::error_code ec;
  const fs::path root_c = fs::canonical(root, ec);
  if (ec) return make_error_code(goop::Errc::kNotFound);
  const fs::path target_c = fs::canonical(root_c / rel, ec);
  if (ec) return make_error_code(goop::Errc::kNotFound);

  const auto below = components_below(root_c, target_c);
  if (!below) return make_error_code(content::Errc::kForbidden);  // a symlink led out of the site
  if (below->empty()) return make_error_code(goop::Errc::kNotFound);  // the root directory itself
  std::string rel_c;
  for (const auto& c : *below) {
    if (!rel_c.empty()) rel_c += '/';
    rel_c += c;
  }
  // The canonical path must pass the same rules as the request (a symlink into lua/ or .git/).
  auto checked = resolve_site_path(rel_c, forbidden_prefixes);
  if (!checked || *checked != rel_c) return make_error_code(content::Errc::kForbidden);

  UniqueFd dir(::open(root_c.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return make_error_code(goop::Errc::kNotFound);
  for (std::size_t i = 0; i + 1 < below->size(); ++i) {
    const int next =
        ::openat(dir.get(), (*below)[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0) return open_error(errno);
    dir.reset(next);
  }
  UniqueFd file(::openat(dir.get(), below->back().c_str(),
                         O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (file.get() < 0) return open_error(errno);
  struct stat st {};
  if (::fstat(file.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return make_error_code(goop::Errc::kNotFound);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > max_size) return make_error_code(goop::Errc::kTooLarge);
  return SiteFile(file.release(), size, std::move(rel_c));
}

}  // namespace goop::content
