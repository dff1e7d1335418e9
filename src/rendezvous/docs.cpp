#include "rendezvous/docs.hpp"

#include "web/http.hpp"

#include <md4c-html.h>

namespace goop::rendezvous {
namespace {

void append_output(const MD_CHAR* text, MD_SIZE size, void* user) {
  static_cast<std::string*>(user)->append(text, size);
}

}  // namespace

std::string render_markdown(std::string_view markdown) {
  std::string out;
  out.reserve(markdown.size() * 2);
  const unsigned parser_flags =
      MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEURLAUTOLINKS | MD_FLAG_NOHTML;
  const int rc = md_html(markdown.data(), static_cast<MD_SIZE>(markdown.size()), append_output,
                         &out, parser_flags, MD_HTML_FLAG_SKIP_UTF8_BOM);
  if (rc != 0) return "<pre>" + web::html_escape(markdown) + "</pre>\n";
  return out;
}

std::string first_heading(std::string_view markdown) {
  std::size_t pos = 0;
  while (pos < markdown.size()) {
    auto eol = markdown.find('\n', pos);
    if (eol == std::string_view::npos) eol = markdown.size();
    std::string_view line = markdown.substr(pos, eol - pos);
    if (line.starts_with("# ")) {
      line.remove_prefix(2);
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r' ||
                               line.back() == '#')) {
        line.remove_suffix(1);
      }
      return std::string(line);
    }
    pos = eol + 1;
  }
  return {};
}

DocsSite DocsSite::from_files(std::span<const EmbeddedAsset> files) {
  DocsSite site;
  for (const std::string_view slug : kDocSlugs) {
    const std::string name = std::string(slug) + ".md";
    const EmbeddedAsset* file = find_embedded(files, name);
    if (!file) continue;
    std::string title = first_heading(file->data);
    if (title.empty()) title = std::string(slug);
    site.pages_.push_back(
        DocPage{std::string(slug), std::move(title), render_markdown(file->data)});
  }
  return site;
}

DocsSite DocsSite::load() {
  return from_files({docs::detail::kEmbeddedAssets, docs::detail::kEmbeddedAssetCount});
}

const DocPage* DocsSite::find(std::string_view slug) const {
  for (const auto& p : pages_) {
    if (p.slug == slug) return &p;
  }
  return nullptr;
}

}  // namespace goop::rendezvous
