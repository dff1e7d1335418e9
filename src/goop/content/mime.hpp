#pragma once
// MIME types for site files served over /goop/site/1.0.0: an extension table first (text types
// carry "; charset=utf-8", as the Go peers send them), then a small content sniff for files
// with an unknown extension. Pure; thread-safe.

#include "base/bytes.hpp"

#include <string_view>

namespace goop::content {

// How many leading bytes sniff_mime_type() looks at.
inline constexpr std::size_t kSniffLength = 512;

// The MIME type for the extension of `file_name` (the text after its last '.', compared
// ASCII case-insensitively), or an empty view if the extension is not in the table.
std::string_view mime_type_for_name(std::string_view file_name);

// Guesses a MIME type from the first bytes of a file (at most kSniffLength are used): HTML and
// XML by their opening markup, common image/font/media/archive formats by their magic numbers,
// then "text/plain; charset=utf-8" if no byte looks binary, else "application/octet-stream".
std::string_view sniff_mime_type(BytesView head);

// mime_type_for_name(), falling back to sniff_mime_type(head).
std::string_view site_mime_type(std::string_view file_name, BytesView head);

}  // namespace goop::content
