#pragma once
// Tunables of a yamux session, with the defaults Goop2 uses. Every limit here bounds memory or
// work a remote peer can make us spend.

#include "p2p/muxer/yamux/frame.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace goop::p2p::yamux {

inline constexpr std::uint32_t kMaxWindow = 16 * 1024 * 1024;  // js, go, rust default ceiling
inline constexpr std::chrono::seconds kKeepAliveInterval{5};   // Goop2's Go reference (timings.go)
inline constexpr std::chrono::seconds kPingTimeout{15};
inline constexpr std::size_t kMaxInboundStreams = 512;
inline constexpr std::size_t kMaxAckBacklog = 256;  // yamux spec: ACK backlog & backpressure
// Largest Data payload we put in one frame. js caps its own frames at 64 KiB; 64 KiB also matches
// the Noise record size below us, so a bigger yamux frame would only be cut again there, while
// the 12-byte header per 64 KiB is 0.02 % overhead. The window always caps it further.
inline constexpr std::uint32_t kMaxFramePayload = 64 * 1024;
// The writer copies queued frames into one buffer of about this size per underlying write.
inline constexpr std::size_t kWriteBatchBytes = 256 * 1024;
// The read loop stops reading while this many frames wait for the writer (a peer that floods
// pings or opens streams without reading our answers gets backpressure, not memory growth).
inline constexpr std::size_t kMaxQueuedFrames = 1024;
// After our GoAway has been sent, how long we keep draining the connection for the peer's EOF.
inline constexpr std::chrono::seconds kCloseLinger{2};

struct Config {
  // Receive window we grant each new stream (>= 256 KiB; more is advertised on SYN/ACK).
  std::uint32_t initial_window = kInitialWindow;
  // Auto-tuning (go-yamux/js/rust-yamux): when half the window is consumed within 4 RTTs of the
  // previous update, the window we grant doubles, up to max_window. RTT comes from pings.
  std::uint32_t max_window = kMaxWindow;
  bool auto_tune_window = true;
  // Ping every keepalive_interval (0 disables keep-alive and the initial RTT ping); a ping that
  // gets no answer within ping_timeout closes the session with goop::Errc::kTimeout.
  std::chrono::steady_clock::duration keepalive_interval = kKeepAliveInterval;
  std::chrono::steady_clock::duration ping_timeout = kPingTimeout;
  // Inbound SYNs beyond this many open inbound streams are answered with RST.
  std::size_t max_inbound_streams = kMaxInboundStreams;
  // open_stream() waits while this many of our streams are not yet acknowledged.
  std::size_t max_ack_backlog = kMaxAckBacklog;
  std::uint32_t max_frame_payload = kMaxFramePayload;
  std::size_t write_batch_bytes = kWriteBatchBytes;
  std::size_t max_queued_frames = kMaxQueuedFrames;
  std::chrono::steady_clock::duration close_linger = kCloseLinger;
};

}  // namespace goop::p2p::yamux
