#include "base/file_io.hpp"

#include "base/errors.hpp"
#include "testing/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace goop {
namespace {

class FileIoTest : public ::testing::Test {
 protected:
  goop::testing::TempDir tmp_{"fileio"};
  const std::filesystem::path dir_ = tmp_.path();
};

TEST_F(FileIoTest, AtomicWriteCreatesParentsWithModeAndReadsBack) {
  const auto file = dir_ / "a" / "b" / "secret.key";
  ASSERT_TRUE(write_file_atomic(file, "hello", 0600).has_value());
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto back = read_file(file, 100);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, "hello");
  // No temporary files left behind.
  int entries = 0;
  for (auto& e : std::filesystem::directory_iterator(file.parent_path())) (void)e, ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(FileIoTest, AtomicWriteReplacesExistingFile) {
  const auto file = dir_ / "f";
  ASSERT_TRUE(write_file_atomic(file, "one", 0644).has_value());
  ASSERT_TRUE(write_file_atomic(file, "two", 0600).has_value());
  EXPECT_EQ(*read_file(file, 100), "two");
}

TEST_F(FileIoTest, ReadMissingFileIsNotFound) {
  auto r = read_file(dir_ / "nope", 100);
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().code, make_error_code(Errc::kNotFound));
  EXPECT_NE(r.error().message.find("nope"), std::string::npos);
}

TEST_F(FileIoTest, ReadRefusesFilesOverTheCap) {
  const auto file = dir_ / "big";
  ASSERT_TRUE(write_file_atomic(file, std::string(101, 'x'), 0600).has_value());
  auto r = read_file(file, 100);
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().code, make_error_code(Errc::kTooLarge));
  EXPECT_TRUE(read_file(file, 101).has_value());
}

TEST_F(FileIoTest, WriteIntoUnwritableDirectoryFailsWithPath) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  std::filesystem::create_directory(dir_ / "ro");
  std::filesystem::permissions(
      dir_ / "ro", std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  auto r = write_file_atomic(dir_ / "ro" / "x", "data", 0600);
  ASSERT_TRUE(r.has_error());
  EXPECT_NE(r.error().message.find("ro"), std::string::npos);
}

}  // namespace
}  // namespace goop
