#pragma once
// Internal to the client TUs of src/web (client_http.cpp, client_ws*.cpp): name resolution and
// TCP connect under one deadline, the shared TLS client contexts, the TLS handshake (SNI,
// certificate and host-name verification), and the wording of client errors. Not for use
// outside src/web: it includes Beast and Asio SSL.
//
// Every error returned here already names the URL and says what failed in words a user can
// act on (web/client.hpp).
//
// Executor rule: the coroutines run on the executor of the stream they are given.

#include "base/result.hpp"
#include "web/client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace goop::web::detail {

using Deadline = std::chrono::steady_clock::time_point;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// "5 s", "1.5 s", "200 ms".
std::string format_duration(std::chrono::milliseconds d);
// "1 MiB", "64 KiB", "1000 bytes".
std::string format_size(std::size_t bytes);
// The Host header for `u`: host (IPv6 in brackets), with ":port" unless it is the scheme's
// default port.
std::string host_header(const Url& u);
// Whether `value` can go into a header line (no CR, LF or NUL).
bool header_value_ok(std::string_view value);

// The error for an I/O failure `ec` while talking to `url` (a whole-operation `timeout` names
// the limit that passed). No Beast code leaves it: beast::error::timeout becomes
// goop::Errc::kTimeout; Beast's HTTP body/header/buffer limits and websocket message_too_big
// goop::Errc::kTooLarge; http end_of_stream and partial_message asio::error::eof; other HTTP and
// WebSocket parse errors boost::system::errc::protocol_error. Asio and OpenSSL codes
// (operation_aborted for cancellation, connection_refused, ...) are kept.
Error io_error(std::string_view url, boost::system::error_code ec,
               std::chrono::milliseconds timeout);
// goop::Errc::kTimeout, "<url>: timed out after <timeout>".
Error timed_out(std::string_view url, std::chrono::milliseconds timeout);

// The shared client context for `tls` (one per ca_file, created on first use; thread-safe):
// TLS 1.2+, peer verification against the system trust store or `tls.ca_file`. Errors: the CA
// file cannot be loaded, or the system trust store cannot be found (messages start with `url`).
Expected<std::shared_ptr<boost::asio::ssl::context>> tls_context(const ClientTls& tls,
                                                                 std::string_view url);

// Resolves u.host (bounded by `deadline`; an IP literal skips DNS) and connects `stream`,
// trying IPv4 addresses first, then the others. `timeout` is only used in the error message.
boost::asio::awaitable<Expected<void>> connect_tcp(boost::beast::tcp_stream& stream, const Url& u,
                                                   std::string url, Deadline deadline,
                                                   std::chrono::milliseconds timeout);

// Client TLS handshake on a connected stream: SNI for a host name, the certificate checked
// against the context's trust store and against u.host (DNS name or IP address).
boost::asio::awaitable<Expected<void>> tls_handshake(TlsStream& stream, const Url& u,
                                                     std::string url, Deadline deadline,
                                                     std::chrono::milliseconds timeout);

}  // namespace goop::web::detail
