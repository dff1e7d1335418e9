#pragma once
// Multi-node tests in one process (rust-libp2p swarm-test): hosts on a private MemoryNetwork,
// connected and awaited without sockets, ports or sleeps.
//
//   goop::p2p::testing::NodeFixture net(io);
//   Host& a = net.new_ephemeral();
//   Host& b = net.new_ephemeral();
//   ASSERT_TRUE(net.connect(a, b));            // connected and identified both ways
//   ASSERT_TRUE(net.wait_for([&] { ... }));    // runs io until the condition holds
//
// Domain tests that build their own Host (a member of a larger node struct) use
// make_memory_host() with net.network() and still connect() them here.
//
// Executor rule: everything on `io`, driven by the calling thread (the test body). Hosts made by
// new_ephemeral() are stopped by stop_all() or the destructor; stop the services built on them
// first.

#include "p2p/host/host.hpp"
#include "p2p/transport/memory/memory_transport.hpp"
#include "testing/wait_for.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <vector>

namespace goop::p2p::testing {

// HostConfig listening on a fresh /memory/ number.
HostConfig memory_host_config();

// A Host (not started) whose only transport is the memory transport on `network`.
std::unique_ptr<Host> make_memory_host(boost::asio::any_io_executor ex,
                                       memory::MemoryNetwork& network,
                                       Ed25519PrivateKey key = Ed25519PrivateKey::generate(),
                                       HostConfig config = memory_host_config());

class NodeFixture {
 public:
  explicit NodeFixture(boost::asio::io_context& io) : io_(io) {}
  NodeFixture(const NodeFixture&) = delete;
  NodeFixture& operator=(const NodeFixture&) = delete;
  ~NodeFixture();

  // A started host on this fixture's network (config.listen is replaced by "/memory/0").
  // Owned by the fixture. Throws std::runtime_error if it cannot start.
  Host& new_ephemeral(HostConfig config = memory_host_config());
  Host& new_ephemeral(Ed25519PrivateKey key, HostConfig config = memory_host_config());

  // `a` dials `b` at b's listen addresses; true once both sides hold the connection and each
  // has identified the other (so b's protocols are in a's peerstore and the other way round).
  // Works for any two started hosts on network(), not only those made here; a and b must not be
  // connected yet.
  bool connect(Host& a, Host& b, std::chrono::steady_clock::duration timeout = kWait);

  // Runs the io_context until `pred` holds (true) or `timeout` passes (false).
  template <class Pred>
  bool wait_for(Pred&& pred, std::chrono::steady_clock::duration timeout = kWait) {
    return goop::testing::wait_for(io_, std::forward<Pred>(pred), timeout);
  }

  // Stops (async_stop) every host made by new_ephemeral() that is still running.
  void stop_all();

  memory::MemoryNetwork& network() noexcept { return network_; }
  boost::asio::io_context& io() noexcept { return io_; }

  static constexpr std::chrono::steady_clock::duration kWait = std::chrono::seconds(10);

 private:
  boost::asio::io_context& io_;
  memory::MemoryNetwork network_;
  std::vector<std::unique_ptr<Host>> hosts_;
};

}  // namespace goop::p2p::testing
