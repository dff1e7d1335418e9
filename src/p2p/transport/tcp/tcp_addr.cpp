#include "p2p/transport/tcp/tcp_addr.hpp"

#include "p2p/multiformats/varint.hpp"

namespace goop::p2p::tcp {
namespace ip = boost::asio::ip;

Multiaddr to_multiaddr(const ip::tcp::endpoint& ep) {
  Bytes b;
  const auto addr = ep.address();
  if (addr.is_v4()) {
    append_uvarint(b, ma::kIp4);
    const auto v4 = addr.to_v4().to_bytes();
    b.insert(b.end(), v4.begin(), v4.end());
  } else {
    append_uvarint(b, ma::kIp6);
    const auto v6 = addr.to_v6().to_bytes();
    b.insert(b.end(), v6.begin(), v6.end());
  }
  append_uvarint(b, ma::kTcp);
  b.push_back(static_cast<std::uint8_t>(ep.port() >> 8));
  b.push_back(static_cast<std::uint8_t>(ep.port() & 0xff));
  // Always valid: every value above has its protocol's fixed size.
  return Multiaddr::from_bytes(b).value();
}

std::optional<ip::tcp::endpoint> to_endpoint(const Multiaddr& addr) {
  const auto& c = addr.components();
  if (c.size() < 2 || c[1].code != ma::kTcp) return std::nullopt;
  const auto& host = c[0];
  const auto& port_bytes = c[1].value;
  const auto port = static_cast<std::uint16_t>((unsigned{port_bytes[0]} << 8) | port_bytes[1]);
  if (host.code == ma::kIp4) {
    ip::address_v4::bytes_type b;
    std::copy(host.value.begin(), host.value.end(), b.begin());
    return ip::tcp::endpoint(ip::address_v4(b), port);
  }
  if (host.code == ma::kIp6) {
    ip::address_v6::bytes_type b;
    std::copy(host.value.begin(), host.value.end(), b.begin());
    return ip::tcp::endpoint(ip::address_v6(b), port);
  }
  return std::nullopt;
}

}  // namespace goop::p2p::tcp
