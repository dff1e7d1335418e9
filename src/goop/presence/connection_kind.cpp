#include "goop/presence/connection_kind.hpp"

#include "p2p/transport/tcp/tcp_addr.hpp"

#include <boost/asio/ip/address.hpp>

namespace goop::presence {
namespace {

bool is_local(const boost::asio::ip::address& ip) {
  if (ip.is_loopback()) return true;
  if (ip.is_v4()) {
    const auto a = ip.to_v4().to_uint();
    return (a >> 24) == 10 || (a >> 20) == 0xAC1 || (a >> 16) == 0xC0A8 || (a >> 16) == 0xA9FE ||
           (a >> 22) == (100u << 2 | 1u);  // 10/8, 172.16/12, 192.168/16, 169.254/16, 100.64/10
  }
  const auto v6 = ip.to_v6();
  if (v6.is_v4_mapped())
    return is_local(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6));
  return v6.is_link_local() || (v6.to_bytes()[0] & 0xFE) == 0xFC;  // fe80::/10, fc00::/7
}

}  // namespace

std::string_view connection_kind(const std::optional<p2p::Multiaddr>& remote) {
  if (!remote) return "none";
  if (remote->first(p2p::ma::kP2pCircuit)) return "relay";
  if (auto ep = p2p::tcp::to_endpoint(*remote); ep && is_local(ep->address())) return "lan";
  return "direct";
}

}  // namespace goop::presence
