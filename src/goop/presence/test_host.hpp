#pragma once
// Test support for the presence tests, on the memory transport (p2p/testing/node_fixture.hpp
// makes and connects the hosts): a listener that accepts connections and then never says a word,
// so a dial to it hangs in the handshake until a timeout or a cancellation ends it.

#include "base/task_group.hpp"
#include "p2p/transport/memory/memory_transport.hpp"
#include "testing/run_coro.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <vector>

namespace goop::presence::testing {

class SilentListener {
 public:
  SilentListener(boost::asio::io_context& io, p2p::memory::MemoryNetwork& network)
      : io_(io), transport_(io.get_executor(), network), tasks_(io.get_executor(), "silent") {
    auto listening = transport_.listen(p2p::memory::memory_addr(0));
    EXPECT_TRUE(listening.has_value());
    listener_ = std::move(*listening);
    tasks_.spawn(accept_loop(listener_.get(), &held_), "accept");
  }
  ~SilentListener() {
    listener_->close();
    goop::testing::run_coro(io_, tasks_.async_stop(std::chrono::seconds(1)));
  }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;

  const p2p::Multiaddr& addr() const { return listener_->local_addr(); }
  std::size_t accepted() const { return held_.size(); }

 private:
  static boost::asio::awaitable<void> accept_loop(p2p::Listener* listener,
                                                  std::vector<p2p::RawConnection>* held) {
    for (;;) {
      auto c = co_await listener->accept();
      if (!c) co_return;
      held->push_back(std::move(*c));
    }
  }

  boost::asio::io_context& io_;
  p2p::memory::MemoryTransport transport_;
  std::unique_ptr<p2p::Listener> listener_;
  std::vector<p2p::RawConnection> held_;
  TaskGroup tasks_;
};

}  // namespace goop::presence::testing
