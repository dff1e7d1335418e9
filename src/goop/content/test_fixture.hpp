#pragma once
// Test-only fixture for the content protocol tests: two Hosts on the memory transport (a server
// and a client, connected), a temporary peer folder, and raw-stream helpers for exact
// wire bytes and scripted (misbehaving) peers. Included only by *_test.cpp files.

#include "base/timeout.hpp"
#include "p2p/errors.hpp"
#include "p2p/host/host.hpp"
#include "p2p/transport/memory/memory_transport.hpp"
#include "testing/run_coro.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdlib.h>
#include <string>
#include <vector>

namespace goop::content::testkit {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Opens `protocol` on `peer`, writes `request` (nothing if empty), half-closes, and reads until
// the stream ends (or a read fails), at most `max` bytes. The result is what arrived; `error` is
// set if the stream did not end cleanly.
struct RawReply {
  std::string bytes;
  error_code error;
};

inline asio::awaitable<RawReply> raw_exchange(p2p::Host& host, p2p::PeerId peer,
                                              std::string protocol, std::string request,
                                              bool close_after_request = true,
                                              std::size_t max = 8u << 20) {
  RawReply out;
  std::vector<std::string> protocols(1, std::move(protocol));
  auto opened = co_await host.new_stream(peer, std::move(protocols));
  if (!opened) {
    out.error = opened.error();
    co_return out;
  }
  auto& s = **opened;
  if (!request.empty()) {
    if (auto w = co_await s.write(as_bytes(request)); !w) {
      out.error = w.error();
      co_return out;
    }
  }
  if (close_after_request) (void)co_await s.close_write();
  Bytes buf(64 * 1024);
  while (out.bytes.size() < max) {
    auto n = co_await with_timeout(s.read_some(buf), std::chrono::seconds(5));
    if (!n) {
      if (n.error() != make_error_code(p2p::Errc::kEndOfStream)) out.error = n.error();
      break;
    }
    out.bytes.append(reinterpret_cast<const char*>(buf.data()), *n);
  }
  co_return out;
}

// A scripted responder: reads the request line (if `read_request`), writes `reply`, then either
// half-closes or stalls until cancelled (host shutdown) without closing.
inline asio::awaitable<void> scripted_answer(std::unique_ptr<p2p::MuxedStream> s, std::string reply,
                                             bool read_request, bool stall) {
  if (read_request) {
    std::string line;
    Bytes buf(256);
    while (line.find('\n') == std::string::npos) {
      auto n = co_await with_timeout(s->read_some(buf), std::chrono::seconds(5));
      if (!n) co_return;
      line.append(reinterpret_cast<const char*>(buf.data()), *n);
    }
  }
  if (!reply.empty()) {
    if (auto w = co_await s->write(as_bytes(reply)); !w) co_return;
  }
  if (stall) {
    asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::seconds(60));
    (void)co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return;
  }
  (void)co_await s->close_write();
}

class ContentHostTest : public ::testing::Test {
 protected:
  ContentHostTest()
      : server_(io_.get_executor(), p2p::Ed25519PrivateKey::generate(), memory_config(),
                p2p::transports(p2p::memory::make_transport(io_.get_executor(), net_))),
        client_(io_.get_executor(), p2p::Ed25519PrivateKey::generate(), memory_config(),
                p2p::transports(p2p::memory::make_transport(io_.get_executor(), net_))) {}
  static p2p::HostConfig memory_config() {
    p2p::HostConfig c;
    c.listen = {"/memory/0"};
    return c;
  }

  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "goop-content-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    site_ = dir_ / "site";
    std::filesystem::create_directories(site_);
    ASSERT_TRUE(server_.start().has_value());
    ASSERT_TRUE(client_.start().has_value());
    auto c = run(client_.connect(server_.id(), server_.listen_addrs()));
    ASSERT_TRUE(c.has_value()) << c.error().message();
  }
  void TearDown() override {
    run(client_.async_stop(2s));
    run(server_.async_stop(2s));
    std::filesystem::remove_all(dir_);
  }

  template <class T>
  T run(asio::awaitable<T> task, std::chrono::steady_clock::duration timeout = 15s) {
    return goop::testing::run_coro(io_, std::move(task), timeout);
  }
  void run(asio::awaitable<void> task, std::chrono::steady_clock::duration timeout = 15s) {
    goop::testing::run_coro(io_, std::move(task), timeout);
  }

  // Writes `content` to `path` (relative to the peer folder), creating directories.
  void write(const std::filesystem::path& rel, std::string_view content) {
    const auto p = dir_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(content.data(), static_cast<std::streamsize>(content.size()));
    ASSERT_TRUE(f.good()) << p;
  }

  RawReply raw(std::string protocol, std::string request, bool close_after_request = true) {
    return run(raw_exchange(client_, server_.id(), std::move(protocol), std::move(request),
                            close_after_request));
  }

  // Makes the server answer `protocol` with a scripted reply.
  void script(std::string protocol, std::string reply, bool read_request, bool stall) {
    server_.set_stream_handler(
        std::move(protocol),
        [reply, read_request, stall](std::unique_ptr<p2p::MuxedStream> s, p2p::PeerId) {
          return scripted_answer(std::move(s), reply, read_request, stall);
        });
  }

  asio::io_context io_;
  p2p::memory::MemoryNetwork net_;
  p2p::Host server_;
  p2p::Host client_;
  std::filesystem::path dir_, site_;
};

}  // namespace goop::content::testkit
