#pragma once
// MuxedStream: one stream of a multiplexed connection (after go-libp2p core/network/mux.go).
//
// Semantics, shared by every muxer:
//  * close_write(): half-close. The remote reads kEndOfStream after our data. We can still read.
//  * A stream is fully closed when both sides have half-closed; then it is forgotten.
//  * reset(): abort both directions; the remote's pending and later reads/writes fail with
//    Errc::kStreamReset. Use it on any protocol error.
//  * Reads after the remote's half-close return the buffered bytes, then kEndOfStream.
//  * Destroying a MuxedStream resets it, unless our side was closed cleanly with close_write()
//    and nothing unread is buffered: then the remote may still finish its half (data it sends
//    from then on resets the stream, since nobody will read it).
//  * Deadlines: wrap reads in with_timeout(); a timed-out read consumed nothing and the stream
//    goes on (ByteStream's cancellation rule), a timed-out write leaves it usable only for
//    reset().

#include "p2p/io/byte_stream.hpp"

#include <cstdint>
#include <string>

namespace goop::p2p {

class MuxedStream : public ByteStream {
 public:
  // The muxer's stream ID (yamux: odd = opened by the dialer of the connection).
  virtual std::uint32_t id() const noexcept = 0;
  // The application protocol negotiated on this stream ("/ipfs/ping/1.0.0"), once known.
  const std::string& protocol() const noexcept { return protocol_; }
  void set_protocol(std::string p) { protocol_ = std::move(p); }

 private:
  std::string protocol_;
};

}  // namespace goop::p2p
