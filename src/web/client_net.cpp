// Connection set-up shared by the HTTP, SSE and WebSocket clients (web/client_net.hpp). Holds
// the only TLS handshake instantiation of the clients.
#include "web/client_net.hpp"

#include "base/errors.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>
#include <fmt/core.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <vector>

namespace goop::web::detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

std::uint16_t default_port(std::string_view scheme) {
  return (scheme == "https" || scheme == "wss") ? 443 : 80;
}

// The most specific reason OpenSSL gives for a failed handshake.
std::string tls_reason(TlsStream& stream, boost::system::error_code ec) {
  const long verify = SSL_get_verify_result(stream.native_handle());
  if (verify != X509_V_OK) {
    return fmt::format("certificate verify failed ({})", X509_verify_cert_error_string(verify));
  }
  if (ec == asio::ssl::error::stream_truncated) {
    return "the server closed the connection (is this port serving TLS?)";
  }
  std::string reason;
  if (ec.category() == asio::error::get_ssl_category()) {
    const char* r = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    if (r != nullptr) reason = r;
  }
  if (reason.empty()) reason = ec.message();
  if (reason.find("wrong version number") != std::string::npos ||
      reason.find("packet length too long") != std::string::npos) {
    reason += " (is this port serving TLS?)";
  }
  return reason;
}
}  // namespace

std::string format_duration(std::chrono::milliseconds d) {
  const auto ms = d.count();
  if (ms < 1000) return fmt::format("{} ms", ms);
  if (ms % 1000 == 0) return fmt::format("{} s", ms / 1000);
  return fmt::format("{:.1f} s", static_cast<double>(ms) / 1000.0);
}

std::string format_size(std::size_t bytes) {
  constexpr std::size_t kKiB = 1024;
  constexpr std::size_t kMiB = 1024 * 1024;
  if (bytes >= kMiB && bytes % kMiB == 0) return fmt::format("{} MiB", bytes / kMiB);
  if (bytes >= kKiB && bytes % kKiB == 0) return fmt::format("{} KiB", bytes / kKiB);
  return fmt::format("{} bytes", bytes);
}

std::string host_header(const Url& u) {
  std::string host = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  if (u.port != default_port(u.scheme)) host += fmt::format(":{}", u.port);
  return host;
}

bool header_value_ok(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

Error timed_out(std::string_view url, std::chrono::milliseconds timeout) {
  return Error(make_error_code(Errc::kTimeout),
               fmt::format("{}: timed out after {}", url, format_duration(timeout)));
}

Error io_error(std::string_view url, boost::system::error_code ec,
               std::chrono::milliseconds timeout) {
  namespace err = asio::error;
  namespace http = beast::http;
  namespace websocket = beast::websocket;
  // Beast's codes stop here (client.hpp): its timeout and limits become the shared codes of
  // base/errors.hpp, its parse errors boost::system::errc::protocol_error.
  if (ec == beast::error::timeout) return timed_out(url, timeout);
  if (ec == http::error::body_limit || ec == http::error::header_limit ||
      ec == http::error::buffer_overflow || ec == websocket::error::message_too_big) {
    return Error(make_error_code(Errc::kTooLarge),
                 fmt::format("{}: the server's answer is too large ({})", url, ec.message()));
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) {
    return Error(
        make_error_code(err::eof),
        fmt::format("{}: the server closed the connection before the response was complete", url));
  }
  if (ec.category() == make_error_code(http::error::bad_version).category()) {
    return Error(make_error_code(boost::system::errc::protocol_error),
                 fmt::format("{}: malformed HTTP response ({})", url, ec.message()));
  }
  if (ec.category() == make_error_code(websocket::error::closed).category()) {
    return Error(make_error_code(boost::system::errc::protocol_error),
                 fmt::format("{}: WebSocket protocol error ({})", url, ec.message()));
  }
  if (ec == err::operation_aborted) return Error(ec, fmt::format("{}: cancelled", url));
  if (ec == err::connection_refused) {
    return Error(
        ec, fmt::format("{}: connection refused (is the server running and the URL right?)", url));
  }
  if (ec == err::connection_reset)
    return Error(ec, fmt::format("{}: connection reset by the server", url));
  if (ec == err::eof || ec == asio::ssl::error::stream_truncated) {
    return Error(ec, fmt::format("{}: the server closed the connection", url));
  }
  if (ec == err::network_unreachable || ec == err::host_unreachable) {
    return Error(ec, fmt::format("{}: {} (check the network connection and the host in the URL)",
                                 url, ec.message()));
  }
  return Error(ec, fmt::format("{}: {}", url, ec.message()));
}

Expected<std::shared_ptr<asio::ssl::context>> tls_context(const ClientTls& tls,
                                                          std::string_view url) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<asio::ssl::context>> contexts;
  const std::lock_guard lock(mu);
  if (auto it = contexts.find(tls.ca_file); it != contexts.end()) return it->second;

  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_verify_mode(asio::ssl::verify_peer);
  boost::system::error_code ec;
  if (tls.ca_file.empty()) {
    ctx->set_default_verify_paths(ec);
    if (ec) {
      return Error(ec, fmt::format("{}: cannot load the system's trusted certificates: {}", url,
                                   ec.message()));
    }
  } else {
    ctx->load_verify_file(tls.ca_file, ec);
    if (ec) {
      return Error(
          ec, fmt::format("{}: cannot load CA certificates from {}: {} (expected a PEM file)", url,
                          tls.ca_file, ec.message()));
    }
  }
  contexts.emplace(tls.ca_file, ctx);
  return ctx;
}

asio::awaitable<Expected<void>> connect_tcp(beast::tcp_stream& stream, const Url& u,
                                            std::string url, Deadline deadline,
                                            std::chrono::milliseconds timeout) {
  std::vector<tcp::endpoint> endpoints;
  boost::system::error_code addr_ec;
  const auto literal = asio::ip::make_address(u.host, addr_ec);
  if (!addr_ec) {
    endpoints.emplace_back(literal, u.port);
  } else {
    // getaddrinfo cannot be interrupted; the timer cancels our wait for it at the deadline.
    auto ex = co_await asio::this_coro::executor;
    auto resolver = std::make_shared<tcp::resolver>(ex);
    asio::steady_timer timer(ex);
    timer.expires_at(deadline);
    timer.async_wait([resolver](boost::system::error_code ec) {
      if (!ec) resolver->cancel();
    });
    auto [ec, results] = co_await resolver->async_resolve(u.host, std::to_string(u.port), kTuple);
    timer.cancel();
    if (ec == asio::error::operation_aborted && std::chrono::steady_clock::now() >= deadline) {
      co_return timed_out(url, timeout);
    }
    if (ec == asio::error::host_not_found || ec == asio::error::host_not_found_try_again ||
        ec == asio::error::no_data) {
      co_return Error(
          ec, fmt::format("{}: cannot resolve host \"{}\" (check the host name and the network)",
                          url, u.host));
    }
    if (ec) co_return io_error(url, ec, timeout);
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    std::stable_partition(endpoints.begin(), endpoints.end(),
                          [](const tcp::endpoint& ep) { return ep.address().is_v4(); });
    if (endpoints.empty()) {
      co_return Error(make_error_code(asio::error::host_not_found),
                      fmt::format("{}: host \"{}\" has no addresses", url, u.host));
    }
  }
  stream.expires_at(deadline);
  auto [ec, ep] = co_await stream.async_connect(endpoints, kTuple);
  (void)ep;
  if (ec) co_return io_error(url, ec, timeout);
  co_return Expected<void>();
}

asio::awaitable<Expected<void>> tls_handshake(TlsStream& stream, const Url& u, std::string url,
                                              Deadline deadline,
                                              std::chrono::milliseconds timeout) {
  SSL* ssl = stream.native_handle();
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  bool ok = false;
  if (is_ip_literal(u.host)) {
    ok = X509_VERIFY_PARAM_set1_ip_asc(param, u.host.c_str()) == 1;
  } else {
    // SNI carries host names only (RFC 6066 §3), never IP literals.
    // SSL_set_tlsext_host_name spelled out: the macro has an old-style cast.
    ok = SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                  const_cast<char*>(u.host.c_str())) == 1 &&
         X509_VERIFY_PARAM_set1_host(param, u.host.c_str(), 0) == 1;
  }
  if (!ok) {
    co_return Error(make_error_code(Errc::kInvalidArgument),
                    fmt::format("{}: cannot use \"{}\" as a TLS server name", url, u.host));
  }
  beast::get_lowest_layer(stream).expires_at(deadline);
  auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kTuple);
  if (!ec) co_return Expected<void>();
  if (ec == beast::error::timeout || ec == asio::error::operation_aborted)
    co_return io_error(url, ec, timeout);
  co_return Error(ec, fmt::format("{}: TLS handshake failed: {}", url, tls_reason(stream, ec)));
}

}  // namespace goop::web::detail
