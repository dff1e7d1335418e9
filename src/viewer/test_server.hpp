#pragma once
// Test-only: a real HttpServer on 127.0.0.1:0 with the viewer's guards, and a small raw HTTP
// client, all run on the test thread's io_context. Included only by *_test.cpp files.

#include "testing/run_coro.hpp"
#include "viewer/management_guard.hpp"
#include "web/http_server.hpp"
#include "web/testkit.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

namespace goop::viewer::testkit {
namespace asio = boost::asio;
using asio::ip::tcp;

using web::testkit::fetch;
using web::testkit::Reply;

// Runs `task` on `io` to completion; throws if its deadline passes first.
using goop::testing::run_coro;

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
    std::string h = fmt::format("{} {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n",
                                method, path, port_);
    if (as_page) {
      h += fmt::format("Origin: http://127.0.0.1:{}\r\nCookie: {}={}\r\n{}: {}\r\n", port_,
                       token_cookie_name(port_), token_, kTokenHeader, token_);
    }
    if (!body.empty())
      h += fmt::format("Content-Type: {}\r\nContent-Length: {}\r\n", content_type, body.size());
    return h + extra + "\r\n" + body;
  }
  Reply call(const std::string& method, const std::string& path, const std::string& body = {},
             const std::string& content_type = "application/json", bool as_page = true,
             const std::string& extra = {}) {
    return run_coro(io_, fetch(port_, raw(method, path, body, content_type, as_page, extra)));
  }

  asio::io_context io_;
  std::unique_ptr<web::HttpServer> server_;
  std::uint16_t port_ = 0;
  std::string token_ = new_session_token();
};

}  // namespace goop::viewer::testkit
