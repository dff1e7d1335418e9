#include "rendezvous/connect_urls.hpp"

#include <arpa/inet.h>
#include <cstring>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

namespace goop::rendezvous {

std::vector<std::string> local_ipv4_addresses() {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (const ifaddrs* it = list; it; it = it->ifa_next) {
    if (!it->ifa_addr || it->ifa_addr->sa_family != AF_INET) continue;
    if (!(it->ifa_flags & IFF_UP) || (it->ifa_flags & IFF_LOOPBACK)) continue;
    const std::string_view name = it->ifa_name ? it->ifa_name : "";
    if (name.starts_with("docker") || name.starts_with("veth") || name.starts_with("br-") ||
        name.starts_with("virbr")) {
      continue;
    }
    sockaddr_in sin{};
    std::memcpy(&sin, it->ifa_addr, sizeof sin);
    char buf[INET_ADDRSTRLEN] = {};
    if (inet_ntop(AF_INET, &sin.sin_addr, buf, sizeof buf)) out.emplace_back(buf);
  }
  freeifaddrs(list);
  return out;
}

std::vector<std::string> connect_urls(std::string_view external_url, std::string_view endpoint,
                                      const std::vector<std::string>& lan_addresses) {
  if (!external_url.empty()) return {std::string(external_url)};
  if (endpoint.empty()) return {};
  // endpoint = scheme "://" host [":" port]; a bracketed IPv6 host keeps its brackets.
  const auto scheme_end = endpoint.find("://");
  if (scheme_end == std::string_view::npos) return {std::string(endpoint)};
  const std::string_view scheme = endpoint.substr(0, scheme_end + 3);
  std::string_view rest = endpoint.substr(scheme_end + 3);
  std::string_view host = rest;
  std::string_view port;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close != std::string_view::npos) {
      host = rest.substr(0, close + 1);
      port = rest.substr(close + 1);
    }
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon);
  }
  if (host != "0.0.0.0" && host != "[::]" && host != "::") return {std::string(endpoint)};
  std::vector<std::string> out;
  for (const auto& ip : lan_addresses) out.push_back(std::string(scheme) + ip + std::string(port));
  if (out.empty()) out.push_back(std::string(scheme) + "127.0.0.1" + std::string(port));
  return out;
}

}  // namespace goop::rendezvous
