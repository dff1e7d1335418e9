#include "app/starter_site.hpp"

#include "base/errors.hpp"
#include "base/file_io.hpp"
#include "web/http.hpp"

#include <fmt/core.h>

namespace goop::app {
namespace {

constexpr std::string_view kIndex = R"(<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="stylesheet" href="style.css">
</head>
<body>
  <main>
    <h1>{title}</h1>
    <p>This site lives on its owner's machine. While the peer is online you can read it;
       when it goes offline, so does the site.</p>
    <p>Edit <code>site/index.html</code> in the peer folder and visitors see the change on
       their next reload.</p>
  </main>
</body>
</html>
)";

constexpr std::string_view kStyle = R"(:root { color-scheme: light dark; }
body {
  margin: 0; min-height: 100vh; display: grid; place-items: center;
  font: 17px/1.6 system-ui, -apple-system, "Segoe UI", sans-serif;
  background: Canvas; color: CanvasText;
}
main { max-width: 40rem; padding: 2rem; }
h1 { font-size: 2.2rem; margin: 0 0 1rem; letter-spacing: -0.02em; }
code { font-size: 0.95em; padding: 0.1em 0.3em; border-radius: 4px; background: color-mix(in srgb, CanvasText 10%, Canvas); }
)";

}  // namespace

Expected<bool> ensure_starter_site(const std::filesystem::path& site_root,
                                   const std::string& label) {
  std::error_code ec;
  if (std::filesystem::exists(site_root / "index.html", ec)) return false;
  std::filesystem::create_directories(site_root / "images", ec);
  if (ec) {
    return Error{make_error_code(Errc::kIo),
                 fmt::format("cannot create site folder {}: {}", site_root.string(), ec.message())};
  }
  const std::string index =
      fmt::format(fmt::runtime(kIndex), fmt::arg("title", web::html_escape(label)));
  GOOP_TRY_VOID(write_file_atomic(site_root / "index.html", index, 0644));
  if (!std::filesystem::exists(site_root / "style.css", ec)) {
    GOOP_TRY_VOID(write_file_atomic(site_root / "style.css", kStyle, 0644));
  }
  return true;
}

}  // namespace goop::app
