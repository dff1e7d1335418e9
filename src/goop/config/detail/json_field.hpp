#pragma once
// JSON <-> goop.json field values, shared by the file codec (json_codec.cpp) and the viewer's
// partial updates (changes.cpp) so both check types and word their errors the same way.
// Private to src/goop/config.

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace goop::config::detail {

// "the string \"x\"", "the boolean true", "an object", "null", "the number 3.5", ...
std::string describe(const boost::json::value& v);

// Sets `out` from `v`, or returns the sentence saying why `v` has the wrong type for field
// `name` (e.g. "presence.ttl_seconds must be a whole number, not the string \"20\"").
std::optional<std::string> assign_field(std::string_view name, const boost::json::value& v,
                                        std::string& out);
std::optional<std::string> assign_field(std::string_view name, const boost::json::value& v,
                                        bool& out);
std::optional<std::string> assign_field(std::string_view name, const boost::json::value& v,
                                        std::int64_t& out);

inline boost::json::value to_value(const std::string& s) { return boost::json::string(s); }
inline boost::json::value to_value(std::int64_t i) { return i; }
inline boost::json::value to_value(bool b) { return b; }

}  // namespace goop::config::detail
