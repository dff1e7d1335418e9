#pragma once
// Conditional GET with entity tags (RFC 9110 §8.8.3 ETag, §13.1.2 If-None-Match, §15.4.5 304
// Not Modified): the one place every handler of a cacheable representation (embedded assets,
// site files, avatars) asks whether the browser's copy is current. Pure; thread-safe.

#include "web/http.hpp"

#include <string>
#include <string_view>

namespace goop::web {

// Whether an If-None-Match field value matches the entity tag `etag` (quoted, "\"x\"" or
// "W/\"x\""), by RFC 9110 §13.1.2:
//  - "*" (the whole field, blanks around it allowed) matches any `etag`;
//  - otherwise the field is a comma-separated list of entity tags, each compared with the weak
//    comparison function (§8.8.3.2: equal opaque tags, a W/ prefix on either side ignored); a
//    comma inside a quoted tag does not split it;
//  - a member that is not an entity tag (unquoted, unterminated, a "*" inside a list) is skipped;
//    an empty field or an empty `etag` matches nothing.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

// Conditional GET/HEAD of a representation whose entity tag is `etag`: sets `ETag: <etag>` on
// `r` and, if `if_none_match` (the request's If-None-Match, "" if absent) matches it, makes `r`
// a 304 Not Modified without a body and returns true; the handler then returns `r` as it is.
// Otherwise returns false, `r` has only gained the ETag, and the handler completes its 200.
// Headers that a 304 must repeat (Cache-Control, Vary, §15.4.5) go on `r` before the call. An
// empty `etag` sets nothing and returns false. For GET and HEAD only: another method whose
// If-None-Match matches is answered 412 (§13.1.2), which this does not do.
bool not_modified(Response& r, std::string_view if_none_match, std::string etag);

}  // namespace goop::web
