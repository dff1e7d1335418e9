#pragma once
// Test-only helpers for the yamux unit tests (header-only; not part of the library's API): a
// client/server session pair over MemoryStream whose ends signal each inbound stream and the
// session's end, and a raw frame writer/reader for playing a misbehaving peer.

#include "p2p/errors.hpp"
#include "p2p/io/framing.hpp"
#include "p2p/muxer/yamux/session.hpp"
#include "p2p/testing/memory_stream.hpp"
#include "testing/wait_for.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

namespace goop::p2p::yamux::testing {

// One session and what its callbacks reported. Not movable (the callbacks point at it).
struct End {
  explicit End(boost::asio::any_io_executor ex) : events(std::move(ex)) {}
  End(const End&) = delete;
  End& operator=(const End&) = delete;

  std::unique_ptr<Session> session;
  std::deque<std::unique_ptr<MuxedStream>> inbound;
  std::optional<error_code> closed;  // set by on_closed
  goop::testing::Signal events;      // notified on each inbound stream and on_closed

  // Creates the session over `conn`, records its inbound streams and its end, and starts it.
  void start(std::unique_ptr<ByteStream> conn, Role role, Config cfg) {
    session = std::make_unique<Session>(std::move(conn), role, cfg);
    session->set_stream_handler([this](std::unique_ptr<MuxedStream> s) {
      inbound.push_back(std::move(s));
      events.notify();
    });
    session->set_on_closed([this](error_code ec) {
      closed = ec;
      events.notify();
    });
    session->start();
  }

  // Waits until `pred` holds (re-checked on each inbound stream and at the session's end) or
  // `timeout` passes; returns whether it held.
  boost::asio::awaitable<bool> wait_until(
      std::function<bool()> pred,
      std::chrono::steady_clock::duration timeout = goop::testing::kDefaultWait) {
    co_return co_await goop::testing::wait_for(events, std::move(pred), timeout);
  }

  // The next inbound stream; null if the session ends (or the wait times out) first.
  boost::asio::awaitable<std::unique_ptr<MuxedStream>> accept() {
    co_await wait_until([this] { return !inbound.empty() || closed.has_value(); });
    if (inbound.empty()) co_return nullptr;
    auto s = std::move(inbound.front());
    inbound.pop_front();
    co_return s;
  }
};

// A started client/server session pair over MemoryStream (capacity bytes per direction).
struct SessionPair {
  End client, server;
  p2p::testing::MemoryStream* client_conn = nullptr;  // owned by the client session
  p2p::testing::MemoryStream* server_conn = nullptr;

  SessionPair(boost::asio::io_context& io, Config client_cfg = {}, Config server_cfg = {},
              std::size_t capacity = 1 << 20)
      : client(io.get_executor()), server(io.get_executor()) {
    auto [a, b] = p2p::testing::MemoryStream::make_pair(io.get_executor(), capacity);
    client_conn = a.get();
    server_conn = b.get();
    client.start(std::move(a), Role::kClient, client_cfg);
    server.start(std::move(b), Role::kServer, server_cfg);
  }

  boost::asio::awaitable<void> close() {
    client.inbound.clear();
    server.inbound.clear();
    co_await client.session->close(std::chrono::seconds(2));
    co_await server.session->close(std::chrono::seconds(2));
  }
};

// Reads everything until end of stream; returns the bytes or the error that ended the read.
inline boost::asio::awaitable<Result<Bytes>> read_all(ByteStream& s) {
  Bytes out;
  std::uint8_t buf[16384];
  for (;;) {
    auto n = co_await s.read_some(buf);
    if (!n) {
      if (n.error() == make_error_code(Errc::kEndOfStream)) co_return out;
      co_return n.error();
    }
    out.insert(out.end(), buf, buf + *n);
  }
}

inline Bytes pattern(std::size_t n, std::uint32_t seed) {
  Bytes b(n);
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& c : b) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<std::uint8_t>(x);
  }
  return b;
}

// Raw frames for a hand-played peer.
inline Bytes frame(FrameType t, std::uint16_t flags, std::uint32_t id, std::uint32_t len,
                   BytesView payload = {}) {
  const auto h = encode_header({t, flags, id, len});
  Bytes b(h.begin(), h.end());
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// Reads frames from a raw peer's connection until one of type `t` arrives; skips Data payloads.
inline boost::asio::awaitable<Result<Header>> read_until(ByteStream& s, FrameType t) {
  for (;;) {
    Bytes hb(kHeaderSize);
    auto r = co_await read_exact(s, hb);
    if (!r) co_return r.error();
    auto h = decode_header(hb);
    if (!h) co_return h.error();
    if (h->type == FrameType::kData && h->length > 0) {
      Bytes skip(h->length);
      auto p = co_await read_exact(s, skip);
      if (!p) co_return p.error();
    }
    if (h->type == t) co_return *h;
  }
}

}  // namespace goop::p2p::yamux::testing
