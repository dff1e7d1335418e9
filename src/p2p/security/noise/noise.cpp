#include "p2p/security/noise/noise.hpp"

#include "base/log.hpp"
#include "base/timeout.hpp"
#include "p2p/errors.hpp"
#include "p2p/io/framing.hpp"
#include "p2p/security/noise/handshake_state.hpp"
#include "p2p/security/noise/payload.hpp"

#include <array>

// GCC 12 at -O2 reports -Wmismatched-new-delete for asio's coroutine frame allocator in
// run_initiator (GCC PR 109224, a false positive for coroutines with custom operator new/delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace goop::p2p::noise {
namespace asio = boost::asio;

namespace {

log::Logger lg("p2p.noise");

asio::awaitable<Result<void>> write_frame(ByteStream& s, BytesView msg) {
  Bytes frame;
  frame.reserve(kLengthPrefixSize + msg.size());
  frame.push_back(static_cast<std::uint8_t>(msg.size() >> 8));
  frame.push_back(static_cast<std::uint8_t>(msg.size()));
  frame.insert(frame.end(), msg.begin(), msg.end());
  co_return co_await s.write(frame);
}

// Reads exactly one frame (never more, so no transport bytes are consumed).
asio::awaitable<Result<Bytes>> read_frame(ByteStream& s) {
  std::array<std::uint8_t, kLengthPrefixSize> prefix{};
  GOOP_CO_TRY_VOID(co_await read_exact(s, prefix));
  Bytes msg(static_cast<std::size_t>(prefix[0]) << 8 | prefix[1]);
  if (!msg.empty()) GOOP_CO_TRY_VOID(co_await read_exact(s, msg));
  co_return msg;
}

// Resets the raw stream when the handshake ends in any way but success (error, timeout,
// cancellation), so the remote sees the failure at once.
class ResetUnlessReleased {
 public:
  explicit ResetUnlessReleased(ByteStream& s) : s_(&s) {}
  ResetUnlessReleased(const ResetUnlessReleased&) = delete;
  ResetUnlessReleased& operator=(const ResetUnlessReleased&) = delete;
  ~ResetUnlessReleased() {
    if (s_ != nullptr) s_->reset();
  }
  void release() noexcept { s_ = nullptr; }

 private:
  ByteStream* s_;
};

struct RemoteIdentity {
  PeerId peer;
  std::vector<std::string> muxers;
};

Result<RemoteIdentity> check_remote(const HandshakeState& hs, BytesView payload_bytes) {
  GOOP_TRY(HandshakePayload payload, decode_payload(payload_bytes));
  GOOP_TRY(PeerId peer, verify_payload(payload, *hs.remote_static()));
  std::vector<std::string> muxers;
  if (payload.extensions) muxers = std::move(payload.extensions->stream_muxers);
  return RemoteIdentity{std::move(peer), std::move(muxers)};
}

// Moves `raw` into the SecureStream only once the keys exist (the guard points at it).
using ConnectionPtr = std::unique_ptr<SecureConnection>;

Result<ConnectionPtr> finish(std::unique_ptr<ByteStream>& raw, const HandshakeState& hs,
                             RemoteIdentity remote, ResetUnlessReleased& guard) {
  GOOP_TRY(auto keys, hs.split());
  guard.release();
  auto stream =
      std::make_unique<SecureStream>(std::move(raw), std::move(keys.send), std::move(keys.recv));
  return std::make_unique<SecureConnection>(
      SecureConnection{std::move(stream), std::move(remote.peer), std::move(remote.muxers)});
}

// The Noise static key belongs to the host, not to one handshake (as in go-libp2p): reusing
// it saves an X25519 key generation and an Ed25519 signature on each side of every
// connection; forward secrecy comes from the ephemeral keys. Cached per thread (each node runs
// on one) for the last few identities.
struct StaticIdentity {
  Ed25519PublicKey owner;
  std::vector<std::string> muxers;
  X25519KeyPair key;
  Bytes payload;  // our encoded handshake payload for this static key and muxer list
};

StaticIdentity static_identity(const Ed25519PrivateKey& identity,
                               const std::vector<std::string>& muxers) {
  thread_local std::vector<StaticIdentity> cache;
  const Ed25519PublicKey owner = identity.public_key();
  for (const auto& c : cache) {
    if (c.owner == owner && c.muxers == muxers) return c;
  }
  if (cache.size() >= 8) cache.erase(cache.begin());
  auto key = X25519KeyPair::generate();
  Bytes payload = encode_payload(make_payload(identity, key.public_key(), muxers));
  cache.push_back(StaticIdentity{owner, muxers, key, std::move(payload)});
  return cache.back();
}

asio::awaitable<Result<ConnectionPtr>> run_initiator(std::unique_ptr<ByteStream> raw,
                                                     Ed25519PrivateKey identity,
                                                     std::optional<PeerId> expected,
                                                     std::vector<std::string> muxers) {
  ResetUnlessReleased guard(*raw);
  const StaticIdentity local = static_identity(identity, muxers);
  HandshakeState hs(Role::kInitiator, local.key);
  GOOP_CO_TRY(Bytes m1, hs.write_message({}));
  GOOP_CO_TRY_VOID(co_await write_frame(*raw, m1));

  GOOP_CO_TRY(Bytes m2, co_await read_frame(*raw));
  GOOP_CO_TRY(Bytes remote_payload, hs.read_message(m2));
  GOOP_CO_TRY(RemoteIdentity remote, check_remote(hs, remote_payload));
  if (expected && *expected != remote.peer) {
    GOOP_LOG_DEBUG(lg, "peer={} handshake: expected {}, got another identity",
                   remote.peer.short_string(), expected->short_string());
    co_return make_error_code(Errc::kPeerIdMismatch);
  }

  GOOP_CO_TRY(Bytes m3, hs.write_message(local.payload));
  GOOP_CO_TRY_VOID(co_await write_frame(*raw, m3));
  co_return finish(raw, hs, std::move(remote), guard);
}

asio::awaitable<Result<ConnectionPtr>> run_responder(std::unique_ptr<ByteStream> raw,
                                                     Ed25519PrivateKey identity,
                                                     std::vector<std::string> muxers) {
  ResetUnlessReleased guard(*raw);
  const StaticIdentity local = static_identity(identity, muxers);
  HandshakeState hs(Role::kResponder, local.key);
  GOOP_CO_TRY(Bytes m1, co_await read_frame(*raw));
  // The initiator must not send a payload in message 1 (nothing is authenticated yet); one
  // that does anyway is ignored, as go-libp2p and js-libp2p do.
  GOOP_CO_TRY(Bytes ignored, hs.read_message(m1));
  (void)ignored;

  GOOP_CO_TRY(Bytes m2, hs.write_message(local.payload));
  GOOP_CO_TRY_VOID(co_await write_frame(*raw, m2));

  GOOP_CO_TRY(Bytes m3, co_await read_frame(*raw));
  GOOP_CO_TRY(Bytes remote_payload, hs.read_message(m3));
  GOOP_CO_TRY(RemoteIdentity remote, check_remote(hs, remote_payload));
  co_return finish(raw, hs, std::move(remote), guard);
}

// Runs one handshake under its deadline and logs the outcome. (The handshake coroutines
// return a pointer because with_timeout needs a default-constructible value type.)
asio::awaitable<Result<SecureConnection>> guarded(asio::awaitable<Result<ConnectionPtr>> op,
                                                  std::chrono::steady_clock::duration timeout,
                                                  std::string_view role) {
  auto r = co_await with_timeout(std::move(op), timeout);
  if (!r) {
    GOOP_LOG_DEBUG(lg, "{} handshake failed: {}", role, r.error().message());
    co_return r.error();
  }
  GOOP_LOG_DEBUG(lg, "peer={} {} handshake done", (*r)->remote_peer.short_string(), role);
  co_return std::move(**r);
}

}  // namespace

asio::awaitable<Result<SecureConnection>> secure_outbound(std::unique_ptr<ByteStream> raw,
                                                          Ed25519PrivateKey identity,
                                                          std::optional<PeerId> expected_remote,
                                                          Options options) {
  co_return co_await guarded(run_initiator(std::move(raw), std::move(identity),
                                           std::move(expected_remote), std::move(options.muxers)),
                             options.timeout, "outbound");
}

asio::awaitable<Result<SecureConnection>> secure_inbound(std::unique_ptr<ByteStream> raw,
                                                         Ed25519PrivateKey identity,
                                                         Options options) {
  co_return co_await guarded(
      run_responder(std::move(raw), std::move(identity), std::move(options.muxers)),
      options.timeout, "inbound");
}

}  // namespace goop::p2p::noise
