#include "base/file_io.hpp"

#include "base/errors.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace goop {
namespace {

Error io_error(std::string_view what, const std::filesystem::path& p, int err) {
  return Error{make_error_code(Errc::kIo),
               fmt::format("cannot {} {}: {}", what, p.string(), std::strerror(err))};
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace

Expected<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) {
      return Error{make_error_code(Errc::kNotFound),
                   fmt::format("{} does not exist", path.string())};
    }
    return io_error("open", path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error("stat", path, errno);
  if (S_ISDIR(st.st_mode)) {
    return Error{make_error_code(Errc::kIo),
                 fmt::format("{} is a directory, not a file", path.string())};
  }
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    return Error{
        make_error_code(Errc::kTooLarge),
        fmt::format("{} is {} bytes; the limit is {} bytes", path.string(), st.st_size, max_bytes)};
  }
  std::string out;
  out.resize(max_bytes < 65536 ? max_bytes + 1 : static_cast<std::size_t>(st.st_size) + 1);
  std::size_t used = 0;
  for (;;) {
    if (used == out.size()) {
      if (used > max_bytes) break;
      out.resize(std::min(out.size() * 2, max_bytes + 1));
    }
    const ssize_t n = ::read(fd.get(), out.data() + used, out.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("read", path, errno);
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used > max_bytes) {
    return Error{make_error_code(Errc::kTooLarge),
                 fmt::format("{} is larger than the limit of {} bytes", path.string(), max_bytes)};
  }
  out.resize(used);
  return out;
}

Expected<void> write_file_atomic(const std::filesystem::path& path, std::string_view data,
                                 unsigned mode) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return io_error("create directory", dir, ec.value());

  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  Fd fd(::mkstemp(tmpl.data()));
  if (fd.get() < 0) return io_error("create a temporary file in", dir, errno);
  const std::filesystem::path tmp = tmpl;
  auto fail = [&](std::string_view what, int err) {
    const Error e = io_error(what, tmp, err);
    ::unlink(tmp.c_str());
    return e;
  };
  if (::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0) return fail("chmod", errno);
  for (std::size_t off = 0; off < data.size();) {
    const ssize_t n = ::write(fd.get(), data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write", errno);
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return fail("fsync", errno);
  if (::close(fd.release()) != 0) return fail("close", errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return fail("rename over " + path.string() + ":", errno);
  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() >= 0) ::fsync(dfd.get());  // best effort: the rename is already done
  return {};
}

}  // namespace goop
