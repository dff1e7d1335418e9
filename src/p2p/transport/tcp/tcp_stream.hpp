#pragma once
// TCP as a ByteStream, plus dialing and listening on 127.0.0.1/IPv6/any with deadlines.
// TCP_NODELAY is set on every socket (libp2p handshakes are many small messages).

#include "p2p/io/byte_stream.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace goop::p2p::tcp {

inline constexpr auto kDialTimeout = std::chrono::seconds(10);

// Errors are sticky where the socket would not report them again: once a read has seen the
// end of the stream, later reads return kEndOfStream without touching the socket (Asio's
// edge-triggered epoll reactor would wait for an event that never comes); once the connection
// failed (reset by the peer, broken pipe) every operation returns kConnectionClosed; after
// reset() every operation, pending ones included, returns kStreamReset.
class TcpStream final : public ByteStream {
 public:
  explicit TcpStream(boost::asio::ip::tcp::socket socket);
  ~TcpStream() override;

  boost::asio::awaitable<Result<std::size_t>> read_some(std::span<std::uint8_t> buf) override;
  boost::asio::awaitable<Result<void>> write(BytesView data) override;
  boost::asio::awaitable<Result<void>> close_write() override;
  void reset() override;
  boost::asio::any_io_executor get_executor() override { return socket_.get_executor(); }

  // Endpoints as seen when the connection was made (valid after close too).
  const boost::asio::ip::tcp::endpoint& local_endpoint() const noexcept { return local_; }
  const boost::asio::ip::tcp::endpoint& remote_endpoint() const noexcept { return remote_; }

 private:
  // The error a failed operation returns (kStreamReset after reset(); the mapped socket
  // error otherwise), remembering a connection failure in broken_.
  error_code fail(const error_code& ec);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::ip::tcp::endpoint local_, remote_;
  bool write_closed_ = false;
  bool read_eof_ = false;
  bool reset_ = false;
  error_code broken_;
};

// Connects to `ep` within `timeout`. Errors: goop::Errc::kTimeout, or the OS error (refused, ...).
boost::asio::awaitable<Result<std::unique_ptr<TcpStream>>> dial(
    boost::asio::ip::tcp::endpoint ep, std::chrono::steady_clock::duration timeout = kDialTimeout);

// Maps an Asio/OS error to the p2p error a ByteStream reports (eof -> kEndOfStream, reset and
// broken pipe -> kConnectionClosed, operation_aborted stays).
error_code map_socket_error(const error_code& ec);

}  // namespace goop::p2p::tcp
