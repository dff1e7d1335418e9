// The session's read loop: reads the connection in large chunks, decodes frame headers and
// hands Data payloads to streams (a payload may span several reads; it is never buffered
// whole). Every frame is checked: malformed frames, window overflows and unrequested pings end
// the session with GoAway(1).
#include "base/log.hpp"
#include "p2p/errors.hpp"
#include "p2p/muxer/yamux/session_core.hpp"
#include "p2p/muxer/yamux/stream.hpp"

#include <algorithm>
#include <cstring>

namespace goop::p2p::yamux::detail {
namespace asio = boost::asio;
namespace {
log::Logger lg("p2p.yamux");

// The read buffer starts small (idle connections stay cheap: 1000 of them must fit in 100 MB)
// and doubles, up to the maximum, whenever a read fills it.
constexpr std::size_t kInitialReadBuffer = 4 * 1024;
constexpr std::size_t kMaxReadBuffer = 256 * 1024;

void deliver(StreamState& s, const std::uint8_t* p, std::size_t n) {
  if (s.reset || s.removed) return;
  if (s.rhead > 0 && s.rhead == s.rbuf.size()) {
    s.rbuf.clear();
    s.rhead = 0;
  }
  s.rbuf.insert(s.rbuf.end(), p, p + n);
  s.event.notify();
}

Result<void> violation(std::string_view why, const Header& h) {
  GOOP_LOG_WARN(lg, "protocol violation: {} (type={} flags={:#x} stream={} length={})", why,
                static_cast<int>(h.type), h.flags, h.stream_id, h.length);
  return make_error_code(Errc::kProtocolViolation);
}
}  // namespace

asio::awaitable<void> SessionCore::read_loop() {
  Bytes buf(kInitialReadBuffer);
  std::size_t len = 0;
  for (;;) {
    // Backpressure: do not produce more answers while the writer is behind.
    while (!closed && out.size() >= cfg.max_queued_frames) {
      if (!co_await queue_space.wait()) break;
    }
    auto r = co_await conn->read_some(std::span(buf.data() + len, buf.size() - len));
    if (!r) {
      if (!closed) {
        const bool clean = remote_goaway && r.error() == make_error_code(Errc::kEndOfStream);
        GOOP_LOG_DEBUG(lg, "connection read ended: {}", r.error().message());
        shutdown(clean ? error_code{} : make_error_code(Errc::kConnectionClosed), false,
                 GoAwayCode::kNormal);
      }
      break;
    }
    len += *r;
    if (len == buf.size() && buf.size() < kMaxReadBuffer) buf.resize(buf.size() * 2);
    if (closed) {  // draining until the remote's EOF
      len = 0;
      continue;
    }
    std::size_t pos = 0;
    while (!closed) {
      if (cur_remaining > 0) {
        const std::size_t take = std::min<std::size_t>(cur_remaining, len - pos);
        if (take == 0) break;
        if (cur_stream && cur_stream->abandoned) {
          reset_stream(*cur_stream);  // nobody will read it: tell the remote
        } else if (cur_stream) {
          deliver(*cur_stream, buf.data() + pos, take);
        }
        pos += take;
        cur_remaining -= static_cast<std::uint32_t>(take);
        if (cur_remaining == 0 && cur_stream) {
          auto s = std::move(cur_stream);
          apply_flags(*s, cur_flags);
        }
        continue;
      }
      if (len - pos < kHeaderSize) break;
      auto h = decode_header(BytesView(buf.data() + pos, kHeaderSize));
      pos += kHeaderSize;
      Result<void> ok = h ? handle_header(*h) : Result<void>(h.error());
      if (!h) {
        GOOP_LOG_WARN(lg, "protocol violation: malformed header {}",
                      to_hex(BytesView(buf.data() + pos - kHeaderSize, kHeaderSize)));
      }
      if (!ok) shutdown(ok.error(), true, GoAwayCode::kProtocolError);
    }
    if (closed) {
      len = 0;
      continue;
    }
    std::memmove(buf.data(), buf.data() + pos, len - pos);
    len -= pos;
  }
  reader_done = true;
  done_event.notify();
  keepalive_timer.cancel();
}

Result<void> SessionCore::handle_header(const Header& h) {
  GOOP_LOG_TRACE(lg, "recv type={} flags={:#x} stream={} length={}", static_cast<int>(h.type),
                 h.flags, h.stream_id, h.length);
  switch (h.type) {
    case FrameType::kPing:
      return handle_ping(h);
    case FrameType::kGoAway:
      handle_goaway(h);
      return {};
    case FrameType::kData:
    case FrameType::kWindowUpdate:
      return handle_stream_frame(h);
  }
  return violation("unknown type", h);
}

Result<void> SessionCore::handle_ping(const Header& h) {
  if (h.has(Flag::kSyn)) {
    enqueue({FrameType::kPing, Flag::kAck, 0, h.length});
  } else if (h.has(Flag::kAck)) {
    if (!ping_id || *ping_id != h.length) return violation("unrequested ping response", h);
    rtt = Clock::now() - ping_sent;
    ping_id.reset();
    ping_event.notify();
    keepalive_timer.cancel();
  }
  return {};
}

void SessionCore::handle_goaway(const Header& h) {
  GOOP_LOG_DEBUG(lg, "remote sent GoAway code={}", h.length);
  remote_goaway = true;
  backlog_event.notify();  // pending open_stream() calls fail now
  if (h.length != static_cast<std::uint32_t>(GoAwayCode::kNormal)) {
    shutdown(make_error_code(Errc::kConnectionClosed), false, GoAwayCode::kNormal);
  }
}

Result<void> SessionCore::handle_stream_frame(const Header& h) {
  std::shared_ptr<StreamState> s;
  bool fresh = false;
  if (auto it = streams.find(h.stream_id); it != streams.end()) s = it->second;
  if (h.has(Flag::kSyn)) {
    if (s) return violation("SYN for an open stream", h);
    const bool remote_odd = role == Role::kServer;
    if ((h.stream_id % 2 == 1) != remote_odd) return violation("SYN with our stream id parity", h);
    if (local_goaway || remote_goaway || !on_stream || inbound_count >= cfg.max_inbound_streams) {
      GOOP_LOG_DEBUG(lg, "stream={} refused (inbound={}, goaway={})", h.stream_id, inbound_count,
                     local_goaway);
      enqueue({FrameType::kWindowUpdate, Flag::kRst, h.stream_id, 0});
    } else {
      s = new_stream(h.stream_id, false);
      fresh = true;
    }
  }
  if (h.type == FrameType::kData) {
    if (s) {
      if (h.length > s->recv_credit) return violation("receive window exceeded", h);
      s->recv_credit -= h.length;
    }
    cur_remaining = h.length;
    cur_flags = h.flags;
    cur_stream = s;
    if (s && s->remote_fin && h.length > 0) {
      GOOP_LOG_DEBUG(lg, "stream={} data after FIN dropped", s->id);
      cur_stream.reset();
    }
    if (cur_remaining == 0 && s) {
      cur_stream.reset();
      apply_flags(*s, h.flags);
    }
  } else if (s) {
    s->send_credit += h.length;
    apply_flags(*s, h.flags);
    s->event.notify();
  }
  if (fresh && !closed) {
    GOOP_LOG_TRACE(lg, "stream={} accepted", h.stream_id);
    on_stream(std::make_unique<Stream>(shared_from_this(), s));
  }
  return {};
}

void SessionCore::apply_flags(StreamState& s, std::uint16_t flags) {
  if ((flags & Flag::kAck) && s.outbound && !s.acked) {
    s.acked = true;
    --ack_backlog;
    backlog_event.notify();
  }
  if (flags & Flag::kFin) s.remote_fin = true;
  if (flags & Flag::kRst) {
    s.reset = true;
    purge_frames(s);
  }
  if (flags & (Flag::kFin | Flag::kRst)) {
    s.event.notify();
    forget(s);
  }
}

}  // namespace goop::p2p::yamux::detail
