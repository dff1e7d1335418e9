// goop.json on disk: load or create, atomic save, path helpers.

#include "base/errors.hpp"
#include "base/file_io.hpp"
#include "base/host_port.hpp"
#include "goop/config/config.hpp"

#include <fmt/core.h>

namespace goop::config {

std::filesystem::path resolve(const std::filesystem::path& dir, const std::string& configured) {
  const std::filesystem::path p(configured);
  return (p.is_absolute() ? p : dir / p).lexically_normal();
}

std::string normalized_http_addr(const std::string& http_addr) {
  auto hp = parse_host_port(http_addr);
  if (!hp || !(hp->host.empty() || hp->host == "0.0.0.0")) return http_addr;
  return format_host_port("127.0.0.1", hp->port);
}

Expected<void> save(const std::filesystem::path& file, const Config& c) {
  if (auto bad = validate(c)) {
    return Error{make_error_code(Errc::kInvalidArgument),
                 fmt::format("{} was not saved: {}", file.string(), bad->message)};
  }
  return write_file_atomic(file, to_json(c), 0600);
}

Expected<Loaded> load_or_create(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec)) {
    return Error{
        make_error_code(Errc::kInvalidArgument),
        fmt::format("{} is not a directory; a peer folder must be a directory", dir.string())};
  }
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return Error{make_error_code(Errc::kIo),
                 fmt::format("cannot create peer folder {}: {}", dir.string(), ec.message())};
  }
  const auto file = dir / kFileName;
  auto text = read_file(file, kMaxConfigFileBytes);
  if (!text) {
    if (text.error().code != make_error_code(Errc::kNotFound)) return text.error();
    Loaded out;
    out.created = true;
    auto abs = std::filesystem::absolute(dir).lexically_normal();
    if (!abs.has_filename()) abs = abs.parent_path();
    const std::string name = abs.filename().string();
    if (!name.empty() && name.size() <= 100) out.config.profile.label = name;
    if (validate(out.config)) out.config.profile.label = Profile{}.label;
    GOOP_TRY_VOID(save(file, out.config));
    out.config.original_json = to_json(out.config);
    return out;
  }
  auto parsed = parse(*text);
  if (!parsed) {
    return Error{parsed.error().code, fmt::format("{}: {}", file.string(), parsed.error().message)};
  }
  return Loaded{std::move(*parsed), false};
}

}  // namespace goop::config
