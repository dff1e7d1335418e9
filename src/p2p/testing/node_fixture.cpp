#include "p2p/testing/node_fixture.hpp"

#include "testing/run_coro.hpp"

#include <stdexcept>

namespace goop::p2p::testing {
namespace asio = boost::asio;
using namespace std::chrono_literals;

HostConfig memory_host_config() {
  HostConfig c;
  c.listen = {"/memory/0"};
  return c;
}

std::unique_ptr<Host> make_memory_host(asio::any_io_executor ex, memory::MemoryNetwork& network,
                                       Ed25519PrivateKey key, HostConfig config) {
  auto transport = memory::make_transport(ex, network);
  return std::make_unique<Host>(ex, std::move(key), std::move(config),
                                transports(std::move(transport)));
}

NodeFixture::~NodeFixture() { stop_all(); }

Host& NodeFixture::new_ephemeral(HostConfig config) {
  return new_ephemeral(Ed25519PrivateKey::generate(), std::move(config));
}

Host& NodeFixture::new_ephemeral(Ed25519PrivateKey key, HostConfig config) {
  config.listen = {"/memory/0"};
  auto host = make_memory_host(io_.get_executor(), network_, std::move(key), std::move(config));
  if (auto started = host->start(); !started) {
    throw std::runtime_error("test host cannot start: " + started.error().message);
  }
  hosts_.push_back(std::move(host));
  return *hosts_.back();
}

bool NodeFixture::connect(Host& a, Host& b, std::chrono::steady_clock::duration timeout) {
  // Counted from now on, so an identification from an earlier connection does not count.
  auto a_knows_b = std::make_shared<bool>(false);
  auto b_knows_a = std::make_shared<bool>(false);
  a.on_identified([flag = a_knows_b, id = b.id()](const PeerId& p) {
    if (p == id) *flag = true;
  });
  b.on_identified([flag = b_knows_a, id = a.id()](const PeerId& p) {
    if (p == id) *flag = true;
  });
  auto dialled = goop::testing::run_coro(io_, a.connect(b.id(), b.listen_addrs()), timeout);
  if (!dialled) return false;
  return wait_for(
      [&] { return *a_knows_b && *b_knows_a && a.is_connected(b.id()) && b.is_connected(a.id()); },
      timeout);
}

void NodeFixture::stop_all() {
  for (auto it = hosts_.rbegin(); it != hosts_.rend(); ++it) {
    goop::testing::run_coro(io_, (*it)->async_stop(5s), 10s);
  }
  hosts_.clear();
}

}  // namespace goop::p2p::testing
