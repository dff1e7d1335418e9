#pragma once
// Test support for the presence tests: a started libp2p Host on 127.0.0.1 (port 0) that is
// stopped when it goes, and a TCP listener that accepts and then never says a word (a dial to it
// hangs until a timeout or a cancellation). The one place these tests build a Host.

#include "p2p/host/host.hpp"
#include "testing/run_coro.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace goop::presence::testing {

class TestHost {
 public:
  explicit TestHost(boost::asio::io_context& io)
      : io_(io),
        host_(std::make_unique<p2p::Host>(io.get_executor(), p2p::Ed25519PrivateKey::generate(),
                                          p2p::HostConfig{})) {
    auto started = host_->start();
    EXPECT_TRUE(started.has_value()) << started.error().message;
  }
  ~TestHost() { goop::testing::run_coro(io_, host_->async_stop(std::chrono::seconds(2))); }
  TestHost(const TestHost&) = delete;
  TestHost& operator=(const TestHost&) = delete;

  p2p::Host& operator*() { return *host_; }
  p2p::Host* operator->() { return host_.get(); }

 private:
  boost::asio::io_context& io_;
  std::unique_ptr<p2p::Host> host_;
};

class SilentListener {
 public:
  explicit SilentListener(boost::asio::io_context& io)
      : acceptor_(io, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
  }
  p2p::Multiaddr addr() const {
    return *p2p::Multiaddr::parse(
        fmt::format("/ip4/127.0.0.1/tcp/{}", acceptor_.local_endpoint().port()));
  }
  std::size_t accepted() const { return held_.size(); }

 private:
  void accept() {
    acceptor_.async_accept(
        [this](const boost::system::error_code& ec, boost::asio::ip::tcp::socket s) {
          if (ec) return;  // closed: `this` may be gone
          held_.push_back(std::move(s));
          accept();
        });
  }
  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<boost::asio::ip::tcp::socket> held_;
};

}  // namespace goop::presence::testing
