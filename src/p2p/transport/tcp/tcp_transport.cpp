#include "p2p/transport/tcp/tcp_transport.hpp"

#include "p2p/errors.hpp"
#include "p2p/transport/tcp/tcp_addr.hpp"
#include "p2p/transport/tcp/tcp_stream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/core.h>

namespace goop::p2p::tcp {
namespace asio = boost::asio;
namespace ip = asio::ip;
namespace {

bool starts_with_ip_tcp(const Multiaddr& addr) {
  const auto& c = addr.components();
  return c.size() >= 2 && (c[0].code == ma::kIp4 || c[0].code == ma::kIp6) && c[1].code == ma::kTcp;
}

class TcpListener final : public Listener {
 public:
  TcpListener(ip::tcp::acceptor acceptor, Multiaddr local)
      : acceptor_(std::move(acceptor)), local_(std::move(local)) {}
  ~TcpListener() override { close(); }

  asio::awaitable<Result<RawConnection>> accept() override {
    if (!acceptor_.is_open()) co_return make_error_code(asio::error::operation_aborted);
    auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (!acceptor_.is_open()) co_return make_error_code(asio::error::operation_aborted);
      co_return ec;
    }
    auto stream = std::make_unique<TcpStream>(std::move(socket));
    RawConnection conn{nullptr, to_multiaddr(stream->local_endpoint()),
                       to_multiaddr(stream->remote_endpoint())};
    conn.stream = std::move(stream);
    co_return std::move(conn);
  }

  const Multiaddr& local_addr() const noexcept override { return local_; }

  void close() override {
    error_code ec;
    acceptor_.close(ec);
  }

 private:
  ip::tcp::acceptor acceptor_;
  Multiaddr local_;
};

}  // namespace

bool TcpTransport::can_dial(const Multiaddr& addr) const {
  if (!starts_with_ip_tcp(addr)) return false;
  const auto& c = addr.components();
  return c.size() == 2 || (c.size() == 3 && c[2].code == ma::kP2p);
}

bool TcpTransport::can_listen(const Multiaddr& addr) const {
  return starts_with_ip_tcp(addr) && addr.components().size() == 2;
}

asio::awaitable<Result<RawConnection>> TcpTransport::dial(
    Multiaddr addr, std::chrono::steady_clock::duration timeout) {
  if (!can_dial(addr)) co_return make_error_code(Errc::kInvalidEncoding);
  GOOP_CO_TRY(auto stream, co_await tcp::dial(*to_endpoint(addr), timeout));
  RawConnection conn{nullptr, to_multiaddr(stream->local_endpoint()),
                     to_multiaddr(stream->remote_endpoint())};
  conn.stream = std::move(stream);
  co_return std::move(conn);
}

Expected<std::unique_ptr<Listener>> TcpTransport::listen(const Multiaddr& addr) {
  const std::string text = addr.to_string();
  if (!can_listen(addr)) {
    return Error{make_error_code(Errc::kInvalidEncoding),
                 fmt::format("listen address {} is not /ip4|ip6/…/tcp/…", text)};
  }
  const ip::tcp::endpoint ep = *to_endpoint(addr);
  ip::tcp::acceptor acc(ex_);
  error_code ec;
  acc.open(ep.protocol(), ec);
  if (!ec && ep.protocol() == ip::tcp::v6()) acc.set_option(ip::v6_only(true), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec && ep.address().is_v6() && ep.address().is_unspecified() &&
      (ec == asio::error::address_family_not_supported ||
       ec == boost::system::errc::address_not_available)) {
    return Error{
        make_error_code(boost::system::errc::address_family_not_supported),
        fmt::format("not listening on {}: this machine has no IPv6 ({})", text, ec.message())};
  }
  if (ec) {
    return Error{
        ec, fmt::format(
                "cannot listen on {}: {}{}", text, ec.message(),
                ec == asio::error::address_in_use
                    ? " (another program uses this port; set p2p.listen_port to 0 or another port)"
                    : "")};
  }
  Multiaddr local = to_multiaddr(acc.local_endpoint(ec));
  return std::unique_ptr<Listener>(std::make_unique<TcpListener>(std::move(acc), std::move(local)));
}

}  // namespace goop::p2p::tcp
