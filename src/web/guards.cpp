#include "web/http_server.hpp"

#include <fmt/core.h>

namespace goop::web {

Guard host_allow_list_guard(std::vector<std::string> allowed) {
  return [allowed = std::move(allowed)](const Request& req) -> std::optional<Response> {
    const std::string_view host = req.header("Host");
    const CaseInsensitiveLess less;
    for (const auto& a : allowed) {
      if (!less(a, host) && !less(host, a)) return std::nullopt;
    }
    return Response::error(403, "host not allowed");
  };
}

std::vector<std::string> loopback_hosts(std::uint16_t port) {
  return {fmt::format("127.0.0.1:{}", port), fmt::format("localhost:{}", port)};
}

}  // namespace goop::web
