#pragma once
// Test-only (included by *_test.cpp files), header-only: a raw HTTP/1.1 exchange with a server
// on 127.0.0.1, for tests that must see exactly what goes over the wire, and a runner that
// drives a test body against an HttpServer and always stops the server.

#include "testing/wait_for.hpp"
#include "web/http.hpp"
#include "web/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>

namespace goop::web::testkit {

struct Reply {
  int status = 0;  // 0: no answer
  Headers headers;
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

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
      const auto value = line.find_first_not_of(' ', colon + 1);
      r.headers[line.substr(0, colon)] =
          value == std::string::npos ? std::string() : line.substr(value);
    }
    pos = eol + 2;
  }
  r.body = raw.substr(head_end + 4);
  return r;
}

// Sends `raw` (which should carry Connection: close) to 127.0.0.1:`port` and reads the answer
// until the server closes.
inline boost::asio::awaitable<Reply> fetch(std::uint16_t port, std::string raw) {
  namespace asio = boost::asio;
  constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
  asio::ip::tcp::socket s(co_await asio::this_coro::executor);
  auto [ec] = co_await s.async_connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), kTuple);
  if (ec) co_return Reply();
  auto [wec, wn] = co_await asio::async_write(s, asio::buffer(raw), kTuple);
  (void)wn;
  if (wec) co_return Reply();
  std::string buf;
  auto [rec, rn] = co_await asio::async_read(s, asio::dynamic_buffer(buf), kTuple);
  (void)rec;
  (void)rn;
  co_return parse_reply(buf);
}

// Runs `body` on `io` and then stops `server`, handler by handler until both are done
// (testing/wait_for.hpp). A body that throws or does not finish within `limit` fails the test;
// one that is late is cancelled (terminal cancellation), and the server is stopped anyway. The
// body's function object lives as long as its coroutine.
inline void run_then_stop(boost::asio::io_context& io, HttpServer& server,
                          std::function<boost::asio::awaitable<void>()> body,
                          std::chrono::steady_clock::duration limit) {
  namespace asio = boost::asio;
  struct Outcome {
    bool done = false;
    bool ok = false;
    std::exception_ptr error;
  };
  auto fn = std::make_shared<std::function<asio::awaitable<void>()>>(std::move(body));
  auto ran = std::make_shared<Outcome>();
  asio::cancellation_signal cancel;
  asio::co_spawn(io, (*fn)(),
                 asio::bind_cancellation_slot(cancel.slot(), [ran, fn](std::exception_ptr e) {
                   ran->done = true;
                   ran->error = e;
                 }));
  if (!goop::testing::wait_for(
          io, [&] { return ran->done; }, limit)) {
    ADD_FAILURE() << "the test body did not finish in time";
    cancel.emit(asio::cancellation_type::terminal);
  }
  auto stopped = std::make_shared<Outcome>();
  asio::co_spawn(io, server.async_stop(std::chrono::seconds(2)),
                 [stopped](std::exception_ptr e, bool ok) {
                   stopped->done = true;
                   stopped->ok = ok;
                   stopped->error = e;
                 });
  goop::testing::wait_for(
      io, [&] { return ran->done && stopped->done; }, std::chrono::seconds(5));
  EXPECT_TRUE(ran->done) << "the test body did not end, even when cancelled";
  EXPECT_TRUE(stopped->ok) << "the server did not stop in time";
  if (ran->error) {
    try {
      std::rethrow_exception(ran->error);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "the test body threw: " << e.what();
    } catch (...) {
      ADD_FAILURE() << "the test body threw";
    }
  }
}

}  // namespace goop::web::testkit
