#include "p2p/host/upgrader.hpp"

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

}  // namespace

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
