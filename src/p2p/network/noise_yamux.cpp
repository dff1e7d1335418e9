#include "p2p/network/noise_yamux.hpp"

#include "base/timeout.hpp"
#include "p2p/errors.hpp"
#include "p2p/negotiation/dialer.hpp"
#include "p2p/negotiation/echo_check_stream.hpp"
#include "p2p/negotiation/listener.hpp"
#include "p2p/security/noise/noise.hpp"

#include <algorithm>

namespace goop::p2p {
namespace asio = boost::asio;
namespace {

constexpr std::string_view kYamux = "/yamux/1.0.0";

bool early_yamux(const std::vector<std::string>& remote_muxers) {
  return std::find(remote_muxers.begin(), remote_muxers.end(), kYamux) != remote_muxers.end();
}

asio::awaitable<Result<Upgraded>> outbound(std::unique_ptr<ByteStream> raw,
                                           Ed25519PrivateKey identity,
                                           std::optional<PeerId> expected, yamux::Config muxer) {
  GOOP_CO_TRY(auto sec, co_await multistream::select_one(
                            *raw, multistream::protocol_list(noise::kProtocolId)));
  (void)sec;
  noise::Options opts;
  opts.muxers = multistream::protocol_list(kYamux);
  GOOP_CO_TRY(auto conn, co_await noise::secure_outbound(std::move(raw), identity, expected, opts));
  if (!early_yamux(conn.remote_muxers)) {
    GOOP_CO_TRY(auto mux,
                co_await multistream::select_one(*conn.stream, multistream::protocol_list(kYamux)));
    (void)mux;
  }
  co_return Upgraded{
      std::make_unique<yamux::Session>(std::move(conn.stream), yamux::Role::kClient, muxer),
      conn.remote_peer};
}

asio::awaitable<Result<Upgraded>> inbound(std::unique_ptr<ByteStream> raw,
                                          Ed25519PrivateKey identity, yamux::Config muxer) {
  GOOP_CO_TRY(auto sec,
              co_await multistream::handle(*raw, multistream::protocol_list(noise::kProtocolId)));
  (void)sec;
  noise::Options opts;
  opts.muxers = multistream::protocol_list(kYamux);
  GOOP_CO_TRY(auto conn, co_await noise::secure_inbound(std::move(raw), identity, opts));
  if (!early_yamux(conn.remote_muxers)) {
    GOOP_CO_TRY(auto mux,
                co_await multistream::handle(*conn.stream, multistream::protocol_list(kYamux)));
    (void)mux;
  }
  co_return Upgraded{
      std::make_unique<yamux::Session>(std::move(conn.stream), yamux::Role::kServer, muxer),
      conn.remote_peer};
}

// yamux::Session as the Host's MuxedConnection.
class YamuxConnection final : public MuxedConnection {
 public:
  explicit YamuxConnection(std::unique_ptr<yamux::Session> s) : session_(std::move(s)) {}
  void set_stream_handler(StreamHandler h) override { session_->set_stream_handler(std::move(h)); }
  void set_on_closed(ClosedHandler h) override { session_->set_on_closed(std::move(h)); }
  void start() override { session_->start(); }
  asio::awaitable<Result<std::unique_ptr<MuxedStream>>> open_stream() override {
    return session_->open_stream();
  }
  asio::awaitable<void> close(std::chrono::steady_clock::duration deadline) override {
    return session_->close(deadline);
  }
  bool is_closed() const noexcept override { return session_->is_closed(); }

 private:
  std::unique_ptr<yamux::Session> session_;
};

Result<UpgradedConnection> as_connection(Result<Upgraded> up) {
  if (!up) return up.error();
  return UpgradedConnection{std::make_unique<YamuxConnection>(std::move(up->session)),
                            std::move(up->remote)};
}

}  // namespace

asio::awaitable<Result<UpgradedConnection>> NoiseYamuxUpgrader::upgrade_outbound(
    std::unique_ptr<ByteStream> raw, Ed25519PrivateKey identity, std::optional<PeerId> expected) {
  auto up = co_await p2p::upgrade_outbound(std::move(raw), std::move(identity), std::move(expected),
                                           muxer_);
  co_return as_connection(std::move(up));
}

asio::awaitable<Result<UpgradedConnection>> NoiseYamuxUpgrader::upgrade_inbound(
    std::unique_ptr<ByteStream> raw, Ed25519PrivateKey identity) {
  auto up = co_await p2p::upgrade_inbound(std::move(raw), std::move(identity), muxer_);
  co_return as_connection(std::move(up));
}

asio::awaitable<Result<Upgraded>> upgrade_outbound(std::unique_ptr<ByteStream> raw,
                                                   Ed25519PrivateKey identity,
                                                   std::optional<PeerId> expected,
                                                   yamux::Config muxer) {
  co_return co_await with_timeout(
      outbound(std::move(raw), std::move(identity), std::move(expected), muxer), kUpgradeTimeout);
}

asio::awaitable<Result<Upgraded>> upgrade_inbound(std::unique_ptr<ByteStream> raw,
                                                  Ed25519PrivateKey identity, yamux::Config muxer) {
  co_return co_await with_timeout(inbound(std::move(raw), std::move(identity), muxer),
                                  kUpgradeTimeout);
}

}  // namespace goop::p2p
