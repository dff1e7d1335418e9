#include "viewer/own_site.hpp"

#include "base/errors.hpp"
#include "goop/content/errors.hpp"
#include "testing/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace goop::viewer {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

class OwnSiteFilesTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(dir_ / "site" / "lua"); }
  void write(const fs::path& rel, const std::string& text) {
    std::ofstream(dir_ / "site" / rel, std::ios::binary | std::ios::trunc) << text;
  }
  void age(const fs::path& rel) {  // as if written a minute ago
    fs::last_write_time(dir_ / "site" / rel, fs::file_time_type::clock::now() - 60s);
  }
  goop::testing::TempDir tmp_{"own-site"};
  const fs::path dir_ = tmp_.path();
};

TEST_F(OwnSiteFilesTest, FreshFilesAreNotCachedAndEditsAreSeen) {
  OwnSiteFiles files(dir_ / "site", {}, 1024);
  write("a.html", "<p>one</p>");
  auto fresh = files.open("a.html");
  ASSERT_TRUE(fresh.has_value());
  ASSERT_TRUE(fresh->held);
  EXPECT_EQ(*fresh->held->body, "<p>one</p>");
  EXPECT_EQ(fresh->held->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(files.cached_entries(), 0u);  // just written: not settled, so not kept
  write("a.html", "<p>two</p>");          // same size, within the same clock tick maybe
  auto edited = files.open("a.html");
  ASSERT_TRUE(edited.has_value());
  EXPECT_EQ(*edited->held->body, "<p>two</p>");
  EXPECT_NE(edited->held->etag, fresh->held->etag);
}

TEST_F(OwnSiteFilesTest, SettledFilesAreServedFromTheCacheUntilTheyChange) {
  OwnSiteFiles files(dir_ / "site", {}, 1024);
  files.set_settle_for_testing(0);
  write("a.html", "<p>one</p>");
  auto first = files.open("a.html");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(files.cached_entries(), 1u);
  auto second = files.open("a.html");
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->held->body, first->held->body);  // the same cached string
  // Swapped for a symlink to a protected file: never served from the cache.
  fs::create_directories(dir_ / "site" / "lua");
  write("lua/x.lua", "<p>one</p>");
  fs::rename(dir_ / "site" / "a.html", dir_ / "site" / "b.html");
  fs::create_symlink("lua/x.lua", dir_ / "site" / "a.html");
  auto swapped = files.open("a.html");
  ASSERT_FALSE(swapped.has_value());
  EXPECT_EQ(swapped.error(), make_error_code(content::Errc::kForbidden));
  fs::remove(dir_ / "site" / "a.html");
  fs::rename(dir_ / "site" / "b.html", dir_ / "site" / "a.html");  // back: a new ctime
  auto back = files.open("a.html");
  ASSERT_TRUE(back.has_value());
  EXPECT_NE(back->held->body, first->held->body);  // re-read, not the old entry
  age("a.html");                                   // another mtime: the entry no longer matches
  auto third = files.open("a.html");
  ASSERT_TRUE(third.has_value());
  EXPECT_NE(third->held->body, first->held->body);
  EXPECT_EQ(*third->held->body, "<p>one</p>");
}

TEST_F(OwnSiteFilesTest, LargeFilesStayOpenWithAValidator) {
  OwnSiteFiles files(dir_ / "site", {}, 4);
  write("big.bin", "0123456789");
  auto big = files.open("big.bin");
  ASSERT_TRUE(big.has_value());
  EXPECT_FALSE(big->held);
  ASSERT_TRUE(big->file);
  EXPECT_EQ(big->file->size(), 10u);
  EXPECT_EQ(big->validator.size(), 34u);
}

TEST_F(OwnSiteFilesTest, SymlinksTakeTheFullChecks) {
  OwnSiteFiles files(dir_ / "site", {"scripts"}, 1024);
  write("a.html", "<p>a</p>");
  fs::create_directories(dir_ / "site" / "scripts");
  write("scripts/s.lua", "secret");
  std::ofstream(dir_ / "outside.txt") << "outside";
  fs::create_symlink("a.html", dir_ / "site" / "alias.html");
  fs::create_symlink(dir_ / "outside.txt", dir_ / "site" / "escape.txt");
  fs::create_symlink("scripts/s.lua", dir_ / "site" / "sneaky.lua");
  auto alias = files.open("alias.html");
  ASSERT_TRUE(alias.has_value());
  EXPECT_EQ(*alias->held->body, "<p>a</p>");
  auto escape = files.open("escape.txt");
  ASSERT_FALSE(escape.has_value());
  EXPECT_EQ(escape.error(), make_error_code(content::Errc::kForbidden));
  auto sneaky = files.open("sneaky.lua");
  ASSERT_FALSE(sneaky.has_value());
  EXPECT_EQ(sneaky.error(), make_error_code(content::Errc::kForbidden));
  auto missing = files.open("nope.html");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error(), make_error_code(goop::Errc::kNotFound));
  fs::create_directories(dir_ / "site" / "docs");
  auto dir = files.open("docs");
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(dir.error(), make_error_code(goop::Errc::kNotFound));
}

}  // namespace
}  // namespace goop::viewer
