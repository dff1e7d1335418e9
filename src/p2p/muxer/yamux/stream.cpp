#include "p2p/muxer/yamux/stream.hpp"

#include "p2p/errors.hpp"
#include "p2p/muxer/yamux/session_core.hpp"

#include <algorithm>
#include <cstring>

namespace goop::p2p::yamux {
namespace asio = boost::asio;
using detail::OutFrame;

Stream::Stream(std::shared_ptr<detail::SessionCore> core, std::shared_ptr<detail::StreamState> st)
    : core_(std::move(core)), st_(std::move(st)) {}

Stream::~Stream() {
  auto& s = *st_;
  if (s.fully_closed()) {
    core_->forget(s);
  } else if (s.local_fin && s.buffered() == 0 && !core_->closed && !s.removed) {
    // The common "reply, close_write, return" of a handler: our half ended cleanly and nothing
    // unread is lost, so let the remote end its half instead of resetting under it.
    s.abandoned = true;
  } else {
    reset();
  }
}

std::uint32_t Stream::id() const noexcept { return st_->id; }

asio::any_io_executor Stream::get_executor() { return core_->ex; }

asio::awaitable<Result<std::size_t>> Stream::read_some(std::span<std::uint8_t> buf) {
  auto& s = *st_;
  for (;;) {
    if (s.reset) co_return make_error_code(Errc::kStreamReset);
    if (s.buffered() > 0) {
      const std::size_t n = std::min(buf.size(), s.buffered());
      std::memcpy(buf.data(), s.rbuf.data() + s.rhead, n);
      s.rhead += n;
      if (s.rhead == s.rbuf.size()) {
        s.rbuf.clear();
        s.rhead = 0;
      } else if (s.rhead >= s.buffered()) {
        // Keep the buffer's size bounded by about twice what is buffered.
        s.rbuf.erase(s.rbuf.begin(), s.rbuf.begin() + static_cast<std::ptrdiff_t>(s.rhead));
        s.rhead = 0;
      }
      core_->on_consumed(s);
      co_return n;
    }
    if (s.remote_fin) co_return make_error_code(Errc::kEndOfStream);
    if (core_->closed || s.removed) co_return make_error_code(Errc::kConnectionClosed);
    if (!co_await s.event.wait()) co_return make_error_code(asio::error::operation_aborted);
  }
}

asio::awaitable<Result<void>> Stream::write(BytesView data) {
  auto& s = *st_;
  auto& c = *core_;
  // On failure our queued frames (pointing into `data`) must go before we return.
  auto failure = [&]() -> error_code {
    c.purge_frames(s);
    if (s.reset) return make_error_code(Errc::kStreamReset);
    if (c.closed || s.removed) return make_error_code(Errc::kConnectionClosed);
    if (s.local_fin) return make_error_code(Errc::kEndOfStream);
    return {};
  };
  auto broken = [&] { return s.reset || c.closed || s.removed || s.local_fin; };
  if (broken()) co_return failure();
  while (!data.empty()) {
    if (s.send_credit == 0) {
      if (!co_await s.event.wait()) {
        c.purge_frames(s);
        co_return make_error_code(asio::error::operation_aborted);
      }
      if (broken()) co_return failure();
      continue;
    }
    const auto n = static_cast<std::uint32_t>(
        std::min<std::uint64_t>({s.send_credit, data.size(), c.cfg.max_frame_payload}));
    const Header h{FrameType::kData, c.take_open_flags(s), s.id, n};
    c.push(OutFrame{encode_header(h), data.data(), n, &s});
    ++s.queued_frames;
    s.send_credit -= n;
    data = data.subspan(n);
  }
  // Our frames point into `data`: wait until the writer has copied them.
  while (s.queued_frames > 0) {
    if (!co_await s.event.wait()) {
      c.purge_frames(s);
      co_return make_error_code(asio::error::operation_aborted);
    }
    if (broken()) co_return failure();
  }
  co_return Result<void>{};
}

asio::awaitable<Result<void>> Stream::close_write() {
  auto& s = *st_;
  auto& c = *core_;
  if (s.reset) co_return make_error_code(Errc::kStreamReset);
  if (s.local_fin) co_return Result<void>{};
  if (c.closed || s.removed) co_return make_error_code(Errc::kConnectionClosed);
  s.local_fin = true;
  const auto flags = static_cast<std::uint16_t>(c.take_open_flags(s) | Flag::kFin);
  c.enqueue({FrameType::kWindowUpdate, flags, s.id, 0});
  c.forget(s);
  co_return Result<void>{};
}

void Stream::reset() {
  if (st_->reset || (st_->removed && st_->fully_closed())) return;
  core_->reset_stream(*st_);
}

}  // namespace goop::p2p::yamux
