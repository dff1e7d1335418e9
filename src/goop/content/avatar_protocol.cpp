#include "goop/content/avatar_protocol.hpp"

#include "base/errors.hpp"
#include "base/file_io.hpp"
#include "base/log.hpp"
#include "base/timeout.hpp"
#include "goop/content/codec.hpp"
#include "goop/content/detail/stream_reader.hpp"
#include "p2p/errors.hpp"
#include "p2p/host/host.hpp"

#include <fmt/core.h>
#include <sodium.h>

#include <algorithm>

namespace goop::content {
namespace asio = boost::asio;
namespace {

using Clock = std::chrono::steady_clock;

log::Logger lg("goop.content.avatar");

// The answer for our avatar file: "OK <len>\n<bytes>", or "NONE\n".
std::string avatar_answer(const std::filesystem::path& file) {
  auto data = read_file(file, kMaxServedAvatarSize);
  if (!data) {
    if (data.error().code == make_error_code(Errc::kTooLarge)) {
      GOOP_LOG_WARN(lg, "not serving the avatar: {}", data.error().message);
    } else if (data.error().code != make_error_code(Errc::kNotFound)) {
      GOOP_LOG_DEBUG(lg, "not serving the avatar: {}", data.error().message);
    }
    return "NONE\n";
  }
  return fmt::format("OK {}\n", data->size()) + *data;
}

asio::awaitable<void> answer(std::unique_ptr<p2p::MuxedStream> s, std::string bytes) {
  if (auto w = co_await with_timeout(s->write(as_bytes(bytes)), kAvatarWriteTimeout); !w) {
    s->reset();
    co_return;
  }
  (void)co_await with_timeout(s->close_write(), kAvatarWriteTimeout);
}

std::string why(const error_code& e, Clock::duration limit) {
  if (e == make_error_code(Errc::kTimeout)) {
    return fmt::format("no complete answer within {} ms",
                       std::chrono::duration_cast<std::chrono::milliseconds>(limit).count());
  }
  if (e == make_error_code(p2p::Errc::kNegotiationFailed))
    return "the peer does not serve /goop/avatar/1.0.0";
  if (e == make_error_code(p2p::Errc::kEndOfStream)) return "the stream ended early";
  if (e == make_error_code(Errc::kTooLarge)) {
    return fmt::format("its header line is longer than {} bytes", kMaxAvatarHeaderLine);
  }
  return e.message();
}

Error avatar_error(const p2p::PeerId& peer, error_code e, std::string_view reason) {
  GOOP_LOG_DEBUG(lg, "peer={} avatar fetch failed: {}", peer.short_string(), reason);
  return Error{e, fmt::format("cannot fetch the avatar of peer {}: {}", peer.to_base58(), reason)};
}

}  // namespace

void serve_avatar(p2p::Host& host, std::filesystem::path avatar_file) {
  // Not a coroutine lambda: the answer is built now, the Host may drop the handler meanwhile.
  host.set_stream_handler(
      std::string(kAvatarProtocol),
      [file = std::move(avatar_file)](std::unique_ptr<p2p::MuxedStream> s, p2p::PeerId) {
        return answer(std::move(s), avatar_answer(file));
      });
}

asio::awaitable<Expected<std::optional<Bytes>>> fetch_avatar(p2p::Host& host, p2p::PeerId peer,
                                                             Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  std::vector<std::string> protocols(
      1, std::string(kAvatarProtocol));  // no braced list in co_await (GCC 12)
  auto opened = co_await with_timeout(host.new_stream(peer, std::move(protocols)), timeout);
  if (!opened) co_return avatar_error(peer, opened.error(), why(opened.error(), timeout));
  std::unique_ptr<p2p::MuxedStream> s = std::move(*opened);
  // We send nothing; half-closing at once lets the (lazy) negotiation complete.
  auto closed = co_await with_timeout(s->close_write(), time_left(deadline));
  if (!closed) co_return avatar_error(peer, closed.error(), why(closed.error(), timeout));

  detail::StreamReader reader(*s, timeout);
  auto line = co_await with_timeout(reader.read_line(kMaxAvatarHeaderLine), time_left(deadline));
  if (!line) {
    s->reset();
    co_return avatar_error(peer, line.error(), why(line.error(), timeout));
  }
  auto head = parse_avatar_head(*line);
  if (!head) {
    s->reset();
    co_return avatar_error(peer, head.error().code, head.error().message);
  }
  if (!*head) co_return std::optional<Bytes>();
  Bytes body(static_cast<std::size_t>(**head));
  std::size_t got = 0;
  while (got < body.size()) {
    auto n =
        co_await with_timeout(reader.read_some(std::span(body).subspan(got)), time_left(deadline));
    if (!n) {
      s->reset();
      const std::string reason =
          fmt::format("{} (after {} of {} bytes)", why(n.error(), timeout), got, body.size());
      co_return avatar_error(peer, n.error(), reason);
    }
    got += *n;
  }
  co_return std::optional<Bytes>(std::move(body));
}

std::string avatar_hash(BytesView bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, bytes.data(), bytes.size());
  return to_hex(BytesView(digest, 8));
}

}  // namespace goop::content
