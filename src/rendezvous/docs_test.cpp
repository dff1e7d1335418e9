#include "rendezvous/docs.hpp"

#include <gtest/gtest.h>

#include <string>

namespace goop::rendezvous {
namespace {

TEST(Docs, LoadsTheEmbeddedPagesInOrderWithTitles) {
  const DocsSite site = DocsSite::load();
  const auto pages = site.pages();
  ASSERT_EQ(pages.size(), std::size(kDocSlugs));
  for (std::size_t i = 0; i < pages.size(); ++i) {
    EXPECT_EQ(pages[i].slug, kDocSlugs[i]);
    EXPECT_FALSE(pages[i].title.empty());
    EXPECT_NE(pages[i].html.find("<h1>"), std::string::npos) << pages[i].slug;
    EXPECT_EQ(site.index_of(pages[i]), i);
  }
  EXPECT_EQ(pages[0].title, "Overview");
  EXPECT_EQ(site.find("faq")->title, "FAQ");
  EXPECT_EQ(site.find("nope"), nullptr);
  // GitHub tables are on.
  EXPECT_NE(site.find("configuration")->html.find("<table>"), std::string::npos);
  EXPECT_NE(site.find("configuration")->html.find("<code>rendezvous_wan</code>"),
            std::string::npos);
}

TEST(Docs, RawHtmlInMarkdownIsEscapedNotPassedThrough) {
  const std::string html = render_markdown(
      "Hi <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n<div>block</div>\n");
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<img"), std::string::npos) << html;
  EXPECT_EQ(html.find("<div"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos) << html;
}

TEST(Docs, RendersCodeAndTables) {
  const std::string html =
      render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n```json\n{\"x\": \"<y>\"}\n```\n");
  EXPECT_NE(html.find("<td>1</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("language-json"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;y&gt;"), std::string::npos) << html;
}

TEST(Docs, FirstHeadingIsTheFirstLevelOneHeading) {
  EXPECT_EQ(first_heading("intro\n## Sub\n#  Title here  \r\n# Other\n"), "Title here");
  EXPECT_EQ(first_heading("# Closed #\n"), "Closed");
  EXPECT_EQ(first_heading("no heading\n##Sub\n"), "");
}

TEST(Docs, MissingFilesAreSkippedAndTitleFallsBackToTheSlug) {
  const EmbeddedAsset files[] = {
      {"faq.md", "no heading here\n", "\"1\""},
      {"overview.md", "# Hello\ntext\n", "\"2\""},
  };
  const DocsSite site = DocsSite::from_files(files);
  ASSERT_EQ(site.pages().size(), 2u);
  EXPECT_EQ(site.pages()[0].slug, "overview");
  EXPECT_EQ(site.pages()[0].title, "Hello");
  EXPECT_EQ(site.pages()[1].slug, "faq");
  EXPECT_EQ(site.pages()[1].title, "faq");
}

}  // namespace
}  // namespace goop::rendezvous
