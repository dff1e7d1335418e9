#pragma once
// The rendezvous docs site (spec/rendezvous.md §13.3): a few markdown pages about Goop2
// (src/rendezvous/docs/*.md, embedded at build time by cmake/embed_assets.cmake), rendered to
// HTML once at start with md4c (CommonMark + GitHub tables and strikethrough; raw HTML in the
// markdown is NOT passed through, so a page can only contain what markdown produces).
//
// Pages, in order: overview, quickstart, connecting, configuration, faq (a missing file is
// skipped). A page's title is its first `# ` heading (the slug if it has none).
//
// Executor rule: a DocsSite is immutable after load(); any thread may read it.

#include "rendezvous/page_assets.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace goop::rendezvous {

namespace docs::detail {
// Defined by the generated rendezvous_docs.cpp: "overview.md", ... sorted by name.
extern const EmbeddedAsset kEmbeddedAssets[];
extern const std::size_t kEmbeddedAssetCount;
}  // namespace docs::detail

// The slugs of the docs site, in sidebar order.
inline constexpr std::string_view kDocSlugs[] = {"overview", "quickstart", "connecting",
                                                 "configuration", "faq"};

struct DocPage {
  std::string slug;
  std::string title;  // plain text (not escaped)
  std::string html;   // the rendered article
};

class DocsSite {
 public:
  // Renders every embedded page named in kDocSlugs, in that order.
  static DocsSite load();
  // Renders `files` (name "<slug>.md" → markdown) for the slugs in kDocSlugs: for tests.
  static DocsSite from_files(std::span<const EmbeddedAsset> files);

  std::span<const DocPage> pages() const noexcept { return pages_; }
  // The page with `slug`, or nullptr.
  const DocPage* find(std::string_view slug) const;
  // The index of `page` in pages() (page must come from this site).
  std::size_t index_of(const DocPage& page) const noexcept {
    return static_cast<std::size_t>(&page - pages_.data());
  }

 private:
  std::vector<DocPage> pages_;
};

// Markdown → HTML with md4c (the dialect described above). Never fails: input md4c cannot parse
// comes back as an escaped <pre> block.
std::string render_markdown(std::string_view markdown);
// The text of the first line starting with "# ", trimmed; "" if none.
std::string first_heading(std::string_view markdown);

}  // namespace goop::rendezvous
