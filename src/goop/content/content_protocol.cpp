#include "goop/content/content_protocol.hpp"

#include "base/errors.hpp"
#include "base/log.hpp"
#include "base/remote_text.hpp"
#include "base/timeout.hpp"
#include "goop/content/detail/stream_reader.hpp"
#include "p2p/errors.hpp"
#include "p2p/host/host.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace goop::content {
namespace asio = boost::asio;
namespace {

log::Logger lg("goop.content.label");

asio::awaitable<Result<std::string>> read_label(p2p::Host& host, p2p::PeerId peer,
                                                std::chrono::steady_clock::duration timeout) {
  std::vector<std::string> protocols(
      1, std::string(kContentProtocol));  // no braced list in co_await (GCC 12)
  auto opened = co_await host.new_stream(peer, std::move(protocols));
  if (!opened) co_return opened.error();
  detail::StreamReader reader(**opened, timeout);
  auto line = co_await reader.read_line(kMaxLabelLine);
  if (line) (void)co_await (*opened)->close_write();
  co_return line;
}

// Writes the label line and closes; bounded, so a stalled reader cannot hold the task.
asio::awaitable<void> answer(std::unique_ptr<p2p::MuxedStream> s, std::string line) {
  constexpr auto kWriteDeadline = std::chrono::seconds(10);
  if (auto w = co_await with_timeout(s->write(as_bytes(line)), kWriteDeadline); !w) {
    s->reset();
    co_return;
  }
  (void)co_await with_timeout(s->close_write(), kWriteDeadline);
}

}  // namespace

void serve_content(p2p::Host& host, std::function<std::string()> label) {
  // Not a coroutine lambda: the label is taken now, the Host may drop the handler meanwhile.
  host.set_stream_handler(
      std::string(kContentProtocol),
      [label = std::move(label)](std::unique_ptr<p2p::MuxedStream> s, p2p::PeerId) {
        std::string line = label();
        return answer(std::move(s), line.empty() ? "hello\n" : line + '\n');
      });
}

asio::awaitable<Expected<std::string>> fetch_label(p2p::Host& host, p2p::PeerId peer,
                                                   std::chrono::steady_clock::duration timeout) {
  auto r = co_await with_timeout(read_label(host, peer, timeout), timeout);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
  if (!r) {
    const auto& e = r.error();
    std::string why = e == make_error_code(Errc::kTimeout)
                          ? fmt::format("no answer within {} ms", ms)
                      : e == make_error_code(Errc::kTooLarge)
                          ? fmt::format("its label line is longer than {} bytes", kMaxLabelLine)
                          : e.message();
    GOOP_LOG_DEBUG(lg, "peer={} content probe failed: {}", peer.short_string(), why);
    co_return Error{e, fmt::format("cannot read the label of peer {}: {}", peer.to_base58(), why)};
  }
  if (has_control_chars(*r)) {
    co_return Error{make_error_code(p2p::Errc::kInvalidEncoding),
                    fmt::format("peer {} sent a label with control characters", peer.to_base58())};
  }
  co_return std::move(*r);
}

}  // namespace goop::content
