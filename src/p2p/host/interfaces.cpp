#include "p2p/host/interfaces.hpp"

#include "p2p/transport/tcp/tcp_addr.hpp"

#include <cstring>
#include <ifaddrs.h>
#include <netinet/in.h>

namespace goop::p2p {
namespace ip = boost::asio::ip;

std::vector<Multiaddr> expand_wildcard(const Multiaddr& bound) {
  const auto ep = tcp::to_endpoint(bound);
  if (!ep || !ep->address().is_unspecified()) return {bound};
  std::vector<Multiaddr> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return {bound};
  for (ifaddrs* it = list; it; it = it->ifa_next) {
    if (!it->ifa_addr) continue;
    if (ep->address().is_v4() && it->ifa_addr->sa_family == AF_INET) {
      ip::address_v4::bytes_type b;
      std::memcpy(b.data(), &reinterpret_cast<const sockaddr_in*>(it->ifa_addr)->sin_addr, 4);
      out.push_back(tcp::to_multiaddr({ip::address_v4(b), ep->port()}));
    } else if (ep->address().is_v6() && it->ifa_addr->sa_family == AF_INET6) {
      ip::address_v6::bytes_type b;
      std::memcpy(b.data(), &reinterpret_cast<const sockaddr_in6*>(it->ifa_addr)->sin6_addr, 16);
      const ip::address_v6 a(b);
      if (a.is_link_local()) continue;
      out.push_back(tcp::to_multiaddr({a, ep->port()}));
    }
  }
  ::freeifaddrs(list);
  if (out.empty()) out.push_back(bound);
  return out;
}

}  // namespace goop::p2p
