// Request lines of /goop/site/1.0.0 come from any peer and choose a file to open: whatever
// resolve_site_path accepts must be a clean relative path (no "..", no dot segment, no
// backslash, no control character, not under "lua" or a forbidden prefix, in any case) that
// resolves to itself, so the responder's second check of the canonical path agrees with the
// first. The MIME lookup must cope with any name.
#include "base/ascii.hpp"
#include "goop/content/codec.hpp"
#include "goop/content/mime.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using namespace goop::content;

namespace {

bool under(const std::string& path, std::string_view prefix) {
  const std::string p = goop::ascii::lower(path);
  return p == prefix || (p.size() > prefix.size() && p.compare(0, prefix.size(), prefix) == 0 &&
                         p[prefix.size()] == '/');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::string> kPrefixes = {"app/Scripts", "./tools/", "../x", ""};
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  auto path = parse_site_request_line(line);
  // Resolve the raw input too, so paths are explored without the "GET " prefix.
  for (std::string_view p : {path ? std::string_view(*path) : std::string_view(), line}) {
    auto rel = resolve_site_path(p, kPrefixes);
    if (!rel) continue;
    const std::string& r = *rel;
    if (r.empty() || r.front() == '/' || r.back() == '/' || r.find("//") != std::string::npos)
      std::abort();
    if (r.find('\\') != std::string::npos) std::abort();
    for (char c : r) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f) std::abort();
    }
    if (r.front() == '.' || r.find("/.") != std::string::npos) std::abort();
    if (under(r, "lua") || under(r, "app/scripts") || under(r, "tools")) std::abort();
    auto again = resolve_site_path(r, kPrefixes);
    if (!again || *again != r) std::abort();
    (void)mime_type_for_name(r);
  }
  (void)sniff_mime_type(goop::BytesView(data, size));
  return 0;
}
