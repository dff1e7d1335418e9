#include "p2p/errors.hpp"

#include <string>

// error_category has a protected non-virtual destructor by design (Boost.System).
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"

namespace goop::p2p {
namespace {

class P2pCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "p2p"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::kProtocolViolation:
        return "protocol violation";
      case Errc::kStreamReset:
        return "stream reset";
      case Errc::kConnectionClosed:
        return "connection closed";
      case Errc::kNegotiationFailed:
        return "no common protocol";
      case Errc::kPeerIdMismatch:
        return "remote peer ID differs from the one dialled";
      case Errc::kResourceLimit:
        return "resource limit reached";
      case Errc::kInvalidEncoding:
        return "malformed encoding";
      case Errc::kUnsupportedKeyType:
        return "unsupported key type (only Ed25519 is accepted)";
      case Errc::kInvalidKey:
        return "invalid key bytes";
      case Errc::kInvalidSignature:
        return "signature does not verify";
      case Errc::kTruncated:
        return "input ends in the middle of a value";
      case Errc::kUnknownProtocolCode:
        return "unknown protocol code";
      case Errc::kEndOfStream:
        return "end of stream";
    }
    return "unknown p2p error";
  }
};

}  // namespace

const boost::system::error_category& p2p_category() noexcept {
  static const P2pCategory cat;
  return cat;
}

}  // namespace goop::p2p
