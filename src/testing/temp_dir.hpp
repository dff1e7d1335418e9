#pragma once
// TempDir: a fresh, private (0700) folder under the system temp directory for one test, removed
// with everything in it when the object goes. Aborts the test binary if the folder cannot be
// made (nothing a test could do without it).

#include <filesystem>
#include <string_view>

namespace goop::testing {

class TempDir {
 public:
  // `prefix` names the folder (goop-<prefix>-XXXXXX) so a leftover tells which test made it.
  explicit TempDir(std::string_view prefix = "test");
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const noexcept { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

}  // namespace goop::testing
