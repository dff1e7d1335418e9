#include "web/etag.hpp"

#include "base/ascii.hpp"

#include <utility>

namespace goop::web {
namespace {

// The opaque tag of an entity tag (RFC 9110 §8.8.3: entity-tag = [ "W/" ] opaque-tag), quotes
// included: what the weak comparison compares.
std::string_view opaque_tag(std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  return etag;
}

// Drops `v` up to and including the next comma ("" if there is none).
void skip_member(std::string_view& v) {
  const auto comma = v.find(',');
  v = comma == std::string_view::npos ? std::string_view{} : v.substr(comma + 1);
}

}  // namespace

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  const std::string_view want = opaque_tag(etag);
  if (want.empty()) return false;
  std::string_view v = ascii::trim(if_none_match);
  if (v == "*") return true;
  while (!v.empty()) {
    // #entity-tag (§5.6.1): members separated by commas and optional whitespace; empty ones
    // are allowed and ignored.
    if (ascii::is_space(v.front()) || v.front() == ',') {
      v.remove_prefix(1);
      continue;
    }
    const std::string_view member = opaque_tag(v);
    const auto close =
        member.size() > 1 && member.front() == '"' ? member.find('"', 1) : std::string_view::npos;
    if (close == std::string_view::npos) {
      skip_member(v);
      continue;
    }
    const std::string_view tag = member.substr(0, close + 1);
    v = member.substr(close + 1);
    // After a tag comes a comma or the end; anything else makes the member malformed.
    const std::string_view rest = ascii::trim(v);
    if (!rest.empty() && rest.front() != ',') {
      skip_member(v);
      continue;
    }
    if (tag == want) return true;
  }
  return false;
}

bool not_modified(Response& r, std::string_view if_none_match, std::string etag) {
  if (etag.empty()) return false;
  const bool match = etag_matches(if_none_match, etag);
  r.set_header("ETag", std::move(etag));
  if (!match) return false;
  r.status = 304;
  r.body.clear();
  return true;
}

}  // namespace goop::web
