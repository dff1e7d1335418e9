#pragma once
// HttpServer: an HTTP/1.1 server (keep-alive, Server-Sent Events) over Boost.Beast, seen by the
// rest of Goop2 only through the plain Request/Response of web/http.hpp (STYLE.md §11.2).
//
// Executor rule: construct, configure (route/add_guard), listen() and async_stop() on the
// executor passed to the constructor; every connection and handler runs there too. Not
// thread-safe. Routes and guards may be added at any time on that executor (e.g. a Host guard
// after listen(), once port() is known); they apply to requests routed afterwards.
//
// Request flow, per request on a connection:
//   1. read with Options::read_timeout for the whole request (headers + body); between
//      keep-alive requests the connection may stay idle for Options::idle_timeout;
//   2. too-large body -> 413, too-large headers -> 431, malformed -> 400 (then close);
//   2b. virtual hosts, in the order added: the first whose matcher accepts the Host header
//      answers the request with its handler alone (no guard, no route of this server applies);
//   3. guards, in the order added: the first that returns a Response answers the request;
//   4. route lookup: exact path, then the longest matching "/prefix/*" route; a path with
//      routes but none for the method -> 405 with Allow; no route -> 404; HEAD falls back to
//      the GET handler with the body dropped;
//   5. the handler; an exception escaping it becomes 500 {"error":"internal error"} (logged);
//   6. the response is written with Options::write_timeout; Connection: close from the client,
//      HTTP/1.0 without keep-alive, or a stopping server closes the connection afterwards.
//      A streamed response (Response::streamed) is written by its StreamFn (see BodyWriter).
//   7. Response::upgrade(channel) answering a valid WebSocket handshake (HTTP/1.1, Host,
//      Request::is_websocket_upgrade()) turns the connection into a WebSocket served by
//      ws_session.cpp (web/websocket.hpp); answering anything else gets 426 Upgrade Required.
// Error bodies are JSON: {"error": "..."}.
//
// Invariants:
//  1. Every connection, and the accept loop, is a task of the server's TaskGroup.
//  2. At most Options::max_connections connections are open; more are closed at accept.
//  3. After async_stop() completes, no task touches the server; it may then be destroyed.

#include "base/result.hpp"
#include "web/http.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goop::web {

using Handler = std::function<boost::asio::awaitable<Response>(Request)>;
using SyncHandler = std::function<Response(const Request&)>;
// Runs before routing. Returns a Response to refuse (or answer) the request, nullopt to let it
// through. Must not throw (an exception becomes a 500).
using Guard = std::function<std::optional<Response>(const Request&)>;

class HttpServer {
 public:
  struct Options {
    std::string bind = "127.0.0.1";
    std::uint16_t port = 0;                  // 0: any free port, see port()
    std::size_t body_limit = 1024 * 1024;    // larger bodies get 413
    std::uint32_t header_limit = 16 * 1024;  // larger header blocks get 431
    std::chrono::steady_clock::duration read_timeout = std::chrono::seconds(30);
    std::chrono::steady_clock::duration idle_timeout = std::chrono::seconds(60);
    std::chrono::steady_clock::duration write_timeout = std::chrono::seconds(30);
    std::chrono::steady_clock::duration sse_heartbeat = std::chrono::seconds(15);
    std::size_t max_connections = 256;
  };

  HttpServer(boost::asio::any_io_executor ex, Options options);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  // Requires that async_stop() has completed if listen() succeeded.
  ~HttpServer();

  // Registers `handler` for `method` (e.g. "GET", case-sensitive as in HTTP) and `path`.
  // A path ending in "/*" matches every path starting with the part before the '*'
  // ("/static/*" matches "/static/a/b.css", not "/static"). A later registration for the same
  // method and path replaces the earlier one.
  void route(std::string method, std::string path, Handler handler);
  void route(std::string method, std::string path, SyncHandler handler);
  // Appends a guard (see Guard).
  void add_guard(Guard guard);
  // Appends a virtual host: a request whose Host header (as sent, port included; "" if absent)
  // satisfies `match` is answered by `handler` alone, whatever its method and path, and never
  // reaches this server's guards or routes. `match` runs for every request, so it must be
  // cheap; it must not throw (an exception becomes a 500). HEAD requests reach `handler` as
  // HEAD; a plain (non-streamed) response to one is sent without its body.
  void route_host(std::function<bool(std::string_view host)> match, Handler handler);
  // The same with a synchronous handler, called without creating a coroutine (the fast path for
  // handlers that answer from memory or the local disk; it may still return a streamed response).
  void route_host(std::function<bool(std::string_view host)> match, SyncHandler handler);

  // Binds Options::bind:Options::port and starts accepting. Errors: an invalid bind address,
  // the port in use (the message says so), or any other socket error, each with a message
  // naming the address. Calling listen() twice is an error.
  Expected<void> listen();
  // The bound port (meaningful after a successful listen()).
  std::uint16_t port() const noexcept;

  // Stops accepting, closes idle and SSE connections at once, sends WebSocket connections a
  // close frame (1001 "going away"; the socket is closed if the client has not answered within
  // the channel's write_timeout or half of `deadline`), lets requests whose handler is running
  // finish (their connection then closes; an upgrade they return is refused with 503), and waits
  // until every task ended or `deadline` passed (tasks still running then are cancelled, see
  // TaskGroup::async_stop). Returns true if every task ended. Never throws. Idempotent.
  boost::asio::awaitable<bool> async_stop(std::chrono::steady_clock::duration deadline);

  // Number of open connections (for tests and status pages).
  std::size_t connection_count() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A guard that refuses a request whose Host header is missing or not one of `allowed`
// (compared case-insensitively, port included: "127.0.0.1:8080") with 403
// {"error":"host not allowed"}. Defends the loopback viewer against DNS rebinding.
Guard host_allow_list_guard(std::vector<std::string> allowed);
// The Host values under which a loopback server on `port` is reached:
// "127.0.0.1:<port>" and "localhost:<port>".
std::vector<std::string> loopback_hosts(std::uint16_t port);

}  // namespace goop::web
