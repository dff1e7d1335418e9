#include "goop/config/detail/json_field.hpp"

#include <boost/json/serialize.hpp>
#include <fmt/core.h>

#include <limits>

namespace goop::config::detail {
namespace json = boost::json;

std::string describe(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return fmt::format("the string {}", json::serialize(v));
    case json::kind::bool_:
      return fmt::format("the boolean {}", v.get_bool() ? "true" : "false");
    case json::kind::object:
      return "an object";
    case json::kind::array:
      return "an array";
    case json::kind::null:
      return "null";
    default:
      return fmt::format("the number {}", json::serialize(v));
  }
}

std::optional<std::string> assign_field(std::string_view name, const json::value& v,
                                        std::string& out) {
  if (!v.is_string()) return fmt::format("{} must be a string, not {}", name, describe(v));
  out = std::string(v.get_string());
  return std::nullopt;
}

std::optional<std::string> assign_field(std::string_view name, const json::value& v, bool& out) {
  if (!v.is_bool()) return fmt::format("{} must be true or false, not {}", name, describe(v));
  out = v.get_bool();
  return std::nullopt;
}

std::optional<std::string> assign_field(std::string_view name, const json::value& v,
                                        std::int64_t& out) {
  if (v.is_int64()) {
    out = v.get_int64();
    return std::nullopt;
  }
  if (v.is_uint64() &&
      v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    out = static_cast<std::int64_t>(v.get_uint64());
    return std::nullopt;
  }
  return fmt::format("{} must be a whole number, not {}", name, describe(v));
}

}  // namespace goop::config::detail
