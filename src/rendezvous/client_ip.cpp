#include "rendezvous/client_ip.hpp"

#include "base/ascii.hpp"
#include "web/http.hpp"

#include <boost/asio/ip/address.hpp>

namespace goop::rendezvous {
namespace {

constexpr std::size_t kMaxIpBytes = 64;

}  // namespace

bool is_loopback(std::string_view ip) {
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(std::string(ip), ec);
  if (ec) return false;
  if (a.is_v4()) return a.to_v4().is_loopback();
  const auto v6 = a.to_v6();
  if (v6.is_loopback()) return true;
  return v6.is_v4_mapped() &&
         boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).is_loopback();
}

ClientAddr client_addr(std::string_view remote_address, std::string_view forwarded_for) {
  ClientAddr c;
  if (!is_loopback(remote_address)) {
    c.ip = std::string(remote_address.substr(0, kMaxIpBytes));
    return c;
  }
  if (forwarded_for.empty()) {
    c.ip = std::string(remote_address.substr(0, kMaxIpBytes));
    c.local = true;
    return c;
  }
  const auto comma = forwarded_for.rfind(',');
  std::string_view last = ascii::trim(
      comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
  if (last.empty()) last = "unknown";
  c.ip = std::string(last.substr(0, kMaxIpBytes));
  return c;
}

ClientAddr client_addr(const web::Request& req) {
  return client_addr(req.remote_address, req.header("X-Forwarded-For"));
}

}  // namespace goop::rendezvous
