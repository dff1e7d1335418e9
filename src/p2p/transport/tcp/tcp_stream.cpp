#include "p2p/transport/tcp/tcp_stream.hpp"

#include "base/timeout.hpp"
#include "p2p/errors.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace goop::p2p::tcp {
namespace asio = boost::asio;
using asio::ip::tcp;

error_code map_socket_error(const error_code& ec) {
  if (ec == asio::error::eof) return make_error_code(Errc::kEndOfStream);
  if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
      ec == asio::error::not_connected || ec == asio::error::bad_descriptor ||
      ec == asio::error::connection_aborted) {
    return make_error_code(Errc::kConnectionClosed);
  }
  return ec;
}

TcpStream::TcpStream(tcp::socket socket) : socket_(std::move(socket)) {
  error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
  local_ = socket_.local_endpoint(ec);
  remote_ = socket_.remote_endpoint(ec);
}

TcpStream::~TcpStream() {
  error_code ec;
  socket_.close(ec);
}

error_code TcpStream::fail(const error_code& ec) {
  if (reset_) return make_error_code(Errc::kStreamReset);  // a pending op ended by reset()
  const error_code mapped = map_socket_error(ec);
  if (mapped == Errc::kConnectionClosed) broken_ = mapped;
  return mapped;
}

asio::awaitable<Result<std::size_t>> TcpStream::read_some(std::span<std::uint8_t> buf) {
  if (reset_) co_return make_error_code(Errc::kStreamReset);
  if (broken_) co_return broken_;
  if (read_eof_) co_return make_error_code(Errc::kEndOfStream);
  auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buf.data(), buf.size()),
                                                  asio::as_tuple(asio::use_awaitable));
  if (ec) {
    const error_code e = fail(ec);
    if (e == Errc::kEndOfStream) read_eof_ = true;
    co_return e;
  }
  co_return n;
}

asio::awaitable<Result<void>> TcpStream::write(BytesView data) {
  if (reset_) co_return make_error_code(Errc::kStreamReset);
  if (broken_) co_return broken_;
  if (write_closed_) co_return make_error_code(Errc::kEndOfStream);
  auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(data.data(), data.size()),
                                            asio::as_tuple(asio::use_awaitable));
  (void)n;
  if (ec) co_return fail(ec);
  co_return Result<void>{};
}

asio::awaitable<Result<void>> TcpStream::close_write() {
  if (reset_) co_return make_error_code(Errc::kStreamReset);
  if (broken_) co_return broken_;
  if (write_closed_) co_return Result<void>{};
  write_closed_ = true;
  error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  if (ec) co_return fail(ec);
  co_return Result<void>{};
}

void TcpStream::reset() {
  if (reset_) return;
  reset_ = true;
  error_code ec;
  socket_.set_option(asio::socket_base::linger(true, 0), ec);  // RST, not FIN
  socket_.close(ec);
}

namespace {
asio::awaitable<Result<std::unique_ptr<TcpStream>>> connect(tcp::endpoint ep) {
  tcp::socket s(co_await asio::this_coro::executor);
  auto [ec] = co_await s.async_connect(ep, asio::as_tuple(asio::use_awaitable));
  if (ec) co_return ec;
  co_return std::make_unique<TcpStream>(std::move(s));
}
}  // namespace

asio::awaitable<Result<std::unique_ptr<TcpStream>>> dial(
    tcp::endpoint ep, std::chrono::steady_clock::duration timeout) {
  co_return co_await with_timeout(connect(ep), timeout);
}

}  // namespace goop::p2p::tcp
