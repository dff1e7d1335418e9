#pragma once
// Test-only: a real HttpServer on 127.0.0.1:0 with the viewer's guards, and a small raw HTTP
// client, all run on the test thread's io_context. Included only by *_test.cpp files.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fmt/core.h>

#include "p2p/testing/run_coro.hpp"
#include "viewer/management_guard.hpp"
#include "web/http_server.hpp"

namespace goop::viewer::testkit {
namespace asio = boost::asio;
using asio::ip::tcp;

struct Reply {
  int status = 0;
  web::Headers headers;
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// Runs `task` on `io` to completion; throws if its deadline passes first.
using p2p::testing::run_coro;

inline Reply parse_reply(const std::string& raw) {
  Reply r;
  const auto head_end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || head_end == std::string::npos) return r;
  r.status = std::stoi(raw.substr(9, 3));
  std::size_t pos = raw.find("\r\n") + 2;
  while (pos < head_end) {
    const auto eol = raw.find("\r\n", pos);
    const std::string line = raw.substr(pos, eol - pos);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      r.headers[line.substr(0, colon)] = line.substr(std::min(line.size(), line.find_first_not_of(' ', colon + 1)));
    }
    pos = eol + 2;
  }
  r.body = raw.substr(head_end + 4);
  return r;
}

// Sends `raw` (which should carry Connection: close) and reads the answer until the server
// closes.
inline asio::awaitable<Reply> fetch(std::uint16_t port, std::string raw) {
  tcp::socket s(co_await asio::this_coro::executor);
  auto [ec] = co_await s.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                       asio::as_tuple(asio::use_awaitable));
  if (ec) co_return Reply();
  auto [wec, wn] = co_await asio::async_write(s, asio::buffer(raw), asio::as_tuple(asio::use_awaitable));
  (void)wn;
  if (wec) co_return Reply();
  std::string buf;
  auto [rec, rn] = co_await asio::async_read(s, asio::dynamic_buffer(buf), asio::as_tuple(asio::use_awaitable));
  (void)rec;
  (void)rn;
  co_return parse_reply(buf);
}

// A server with the viewer's Host and management guards; routes are added by the test.
class ServerFixture : public ::testing::Test {
 protected:
  void start_server() {
    web::HttpServer::Options o;
    o.read_timeout = std::chrono::seconds(2);
    o.idle_timeout = std::chrono::seconds(2);
    o.write_timeout = std::chrono::seconds(2);
    server_ = std::make_unique<web::HttpServer>(io_.get_executor(), o);
    auto r = server_->listen();
    ASSERT_TRUE(r.has_value()) << r.error().message;
    port_ = server_->port();
    auto hosts = web::loopback_hosts(port_);
    std::vector<std::string> origins;
    for (const auto& h : hosts) origins.push_back("http://" + h);
    server_->add_guard(web::host_allow_list_guard(hosts));
    server_->add_guard(management_guard(token_, port_, origins));
  }
  void TearDown() override {
    if (server_) run_coro(io_, server_->async_stop(std::chrono::seconds(2)));
  }

  // The raw request a viewer page sends (with its token) or, with `as_page` false, one without
  // Origin, cookie or token header.
  std::string raw(const std::string& method, const std::string& path, const std::string& body = {},
                  const std::string& content_type = "application/json", bool as_page = true,
                  const std::string& extra = {}) const {
    std::string h = fmt::format("{} {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n", method, path, port_);
    if (as_page) {
      h += fmt::format("Origin: http://127.0.0.1:{}\r\nCookie: {}={}\r\n{}: {}\r\n", port_, token_cookie_name(port_), token_,
                       kTokenHeader, token_);
    }
    if (!body.empty()) h += fmt::format("Content-Type: {}\r\nContent-Length: {}\r\n", content_type, body.size());
    return h + extra + "\r\n" + body;
  }
  Reply call(const std::string& method, const std::string& path, const std::string& body = {},
             const std::string& content_type = "application/json", bool as_page = true, const std::string& extra = {}) {
    return run_coro(io_, fetch(port_, raw(method, path, body, content_type, as_page, extra)));
  }

  asio::io_context io_;
  std::unique_ptr<web::HttpServer> server_;
  std::uint16_t port_ = 0;
  std::string token_ = new_session_token();
};

}  // namespace goop::viewer::testkit
