#pragma once
// The small site a new peer folder starts with, so a first `make run` has something to serve.

#include "base/result.hpp"

#include <filesystem>

namespace goop::app {

// Writes index.html, style.css and an images/ folder into `site_root` if it has no index.html.
// Existing files are never touched. Returns true if it wrote the starter site.
Expected<bool> ensure_starter_site(const std::filesystem::path& site_root,
                                   const std::string& label);

}  // namespace goop::app
