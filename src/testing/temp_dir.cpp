#include "testing/temp_dir.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdlib.h>
#include <string>

namespace goop::testing {

TempDir::TempDir(std::string_view prefix) {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / ("goop-" + std::string(prefix) + "-XXXXXX"))
          .string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    std::perror(("cannot create a temporary folder " + tmpl).c_str());
    std::abort();
  }
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace goop::testing
