// goop.json <-> Config (parse, parse_partial, to_json). Boost.JSON is confined to this file.

#include "base/ascii.hpp"
#include "base/errors.hpp"
#include "goop/config/config.hpp"
#include "goop/config/detail/json_field.hpp"
#include "goop/config/fields.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <limits>

namespace goop::config {
namespace json = boost::json;
namespace {

// Finds `key` in `obj`: an exact match first, else a case-insensitive one (Go's decoder rule).
const json::value* find_key(const json::object& obj, std::string_view key) {
  if (auto it = obj.find(key); it != obj.end()) return &it->value();
  for (const auto& kv : obj) {
    if (ascii::iequals(kv.key(), key)) return &kv.value();
  }
  return nullptr;
}

Error config_error(std::string message) {
  return Error{make_error_code(Errc::kInvalidArgument), std::move(message)};
}

// Line and column (1-based) of byte `offset` in `text`.
std::pair<std::size_t, std::size_t> line_col(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

Expected<json::object> parse_object(std::string_view text) {
  json::stream_parser p;
  json::error_code ec;
  const std::size_t n = p.write_some(text.data(), text.size(), ec);
  if (!ec) p.finish(ec);
  if (ec) {
    auto [line, col] = line_col(text, ec == json::error::incomplete ? text.size() : n);
    return config_error(
        fmt::format("line {}, column {}: invalid JSON ({})", line, col, ec.message()));
  }
  json::value root = p.release();
  if (!root.is_object()) {
    return config_error(fmt::format("the file must hold a JSON object ({{ ... }}), not {}",
                                    detail::describe(root)));
  }
  return std::move(root.get_object());
}

void write_indented(std::string& out, const json::value& v, int depth) {
  const auto pad = [&](int d) { out.append(static_cast<std::size_t>(d) * 2, ' '); };
  if (v.is_object() && !v.get_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& kv : v.get_object()) {
      if (!first) out += ",\n";
      first = false;
      pad(depth + 1);
      out += json::serialize(json::string_view(kv.key()));
      out += ": ";
      write_indented(out, kv.value(), depth + 1);
    }
    out += "\n";
    pad(depth);
    out += "}";
  } else if (v.is_array() && !v.get_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const auto& e : v.get_array()) {
      if (!first) out += ",\n";
      first = false;
      pad(depth + 1);
      write_indented(out, e, depth + 1);
    }
    out += "\n";
    pad(depth);
    out += "]";
  } else {
    out += json::serialize(v);
  }
}

}  // namespace

Expected<Config> parse_partial(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  GOOP_TRY(json::object root, parse_object(text));
  Config c;
  for (std::string_view section : kSections) {
    const json::value* sv = find_key(root, section);
    if (sv && !sv->is_null() && !sv->is_object()) {
      return config_error(fmt::format("\"{}\" must be an object ({{ ... }}), not {}", section,
                                      detail::describe(*sv)));
    }
  }
  std::optional<Error> failure;
  visit_fields(c, [&](std::string_view section, std::string_view key, auto& member) {
    if (failure) return;
    const json::value* sv = find_key(root, section);
    if (!sv || !sv->is_object()) return;
    const json::value* fv = find_key(sv->get_object(), key);
    if (!fv || fv->is_null()) return;  // absent or null: keep the default (as Go does)
    if (auto wrong = detail::assign_field(fmt::format("{}.{}", section, key), *fv, member)) {
      failure = config_error(std::move(*wrong));
    }
  });
  if (failure) return *failure;
  if (const json::value* lv = find_key(root, "log_level"); lv && !lv->is_null()) {
    if (!lv->is_string())
      return config_error(fmt::format("log_level must be a string, not {}", detail::describe(*lv)));
    c.log_level = std::string(lv->get_string());
  }
  c.original_json = json::serialize(root);
  return c;
}

Expected<Config> parse(std::string_view text) {
  GOOP_TRY(Config c, parse_partial(text));
  if (auto bad = validate(c)) return config_error(bad->message);
  return c;
}

std::string to_json(const Config& c) {
  json::object original;
  if (!c.original_json.empty()) {
    json::error_code ec;
    json::value v = json::parse(c.original_json, ec);
    if (!ec && v.is_object()) original = std::move(v.get_object());
  }
  // Current values of the known fields, per section, in the seed's order.
  std::vector<std::pair<std::string_view, json::object>> sections;
  for (std::string_view s : kSections) sections.emplace_back(s, json::object{});
  visit_fields(c, [&](std::string_view section, std::string_view key, const auto& member) {
    for (auto& [name, obj] : sections) {
      if (name == section) obj[key] = detail::to_value(member);
    }
  });
  auto merge_section = [](const json::object& old, const json::object& known) {
    json::object out;
    for (const auto& kv : old) {  // keep the file's order and its unknown keys
      auto it = std::find_if(known.begin(), known.end(),
                             [&](const auto& k) { return ascii::iequals(k.key(), kv.key()); });
      if (it == known.end())
        out[kv.key()] = kv.value();
      else
        out[it->key()] = it->value();
    }
    for (const auto& kv : known) {
      if (!out.contains(kv.key())) out[kv.key()] = kv.value();
    }
    return out;
  };

  json::object root;
  std::vector<bool> written(sections.size(), false);
  for (const auto& kv : original) {
    auto it = std::find_if(sections.begin(), sections.end(),
                           [&](const auto& s) { return ascii::iequals(s.first, kv.key()); });
    if (it != sections.end()) {
      const auto i = static_cast<std::size_t>(it - sections.begin());
      if (written[i]) continue;  // a second spelling of the same section
      written[i] = true;
      root[it->first] = merge_section(
          kv.value().is_object() ? kv.value().get_object() : json::object{}, it->second);
    } else if (ascii::iequals(kv.key(), "log_level")) {
      if (!c.log_level.empty()) root["log_level"] = json::string(c.log_level);
    } else {
      root[kv.key()] = kv.value();
    }
  }
  for (std::size_t i = 0; i < sections.size(); ++i) {
    if (!written[i]) root[sections[i].first] = sections[i].second;
  }
  if (!c.log_level.empty() && !root.contains("log_level"))
    root["log_level"] = json::string(c.log_level);

  std::string out;
  write_indented(out, root, 0);
  out += "\n";
  return out;
}

}  // namespace goop::config
