// IdentifyService: the identify and identify-push protocols on a Host (see identify.hpp).

#include "p2p/protocol/identify/identify.hpp"

#include "base/log.hpp"
#include "base/task_group.hpp"
#include "p2p/crypto/keys.hpp"
#include "p2p/errors.hpp"
#include "p2p/host/host.hpp"

#include <set>

namespace goop::p2p::identify {
namespace asio = boost::asio;
namespace {

log::Logger& lg() {
  static log::Logger l("p2p.identify");
  return l;
}

}  // namespace

struct IdentifyService::Impl {
  Impl(Host& h, Config c, asio::any_io_executor ex)
      : host(h), config(std::move(c)), tasks(std::move(ex), "p2p.identify") {}

  Host& host;
  Config config;
  TaskGroup tasks;
  std::vector<std::function<void(const PeerId&)>> identified_cbs;
  std::vector<std::function<void(const PeerId&, error_code)>> failed_cbs;

  Message message_for(const std::optional<Multiaddr>& observed) const {
    Message m;
    m.public_key = marshal_public_key(host.public_key());
    for (const auto& a : host.listen_addrs()) m.listen_addrs.push_back(a.bytes());
    m.protocols = host.protocols();
    if (observed) m.observed_addr = observed->bytes();
    m.protocol_version = config.protocol_version;
    m.agent_version = config.agent_version;
    return m;
  }

  void failed(const PeerId& peer, error_code ec) {
    auto cbs = failed_cbs;  // a callback may register more
    for (auto& cb : cbs) cb(peer, ec);
  }

  // Takes what `peer` told us into the peerstore. A push may leave fields out: only the fields
  // present replace what we knew.
  void consume(const PeerId& peer, Message msg, bool push) {
    if (msg.public_key) {
      // The key must be the one the connection proved (Noise); otherwise ignore the message.
      auto key = unmarshal_public_key(*msg.public_key);
      if (!key || PeerId::from_public_key(*key) != peer) {
        GOOP_LOG_WARN(lg(), "peer={} sent an identify key that is not its own; ignored",
                      peer.short_string());
        failed(peer, make_error_code(Errc::kPeerIdMismatch));
        return;
      }
    }
    auto& info = host.peerstore().get(peer);
    if (!push || !msg.protocols.empty()) info.protocols = std::move(msg.protocols);
    if (msg.agent_version || !push) info.agent_version = msg.agent_version.value_or("");
    if (msg.protocol_version || !push) info.protocol_version = msg.protocol_version.value_or("");
    std::vector<Multiaddr> addrs;
    for (const auto& raw : msg.listen_addrs) {
      if (auto a = Multiaddr::from_bytes(raw)) addrs.push_back(std::move(*a));
    }
    host.peerstore().add_addrs(peer, addrs);
    if (msg.observed_addr) {
      if (auto a = Multiaddr::from_bytes(*msg.observed_addr)) info.observed_addr = std::move(*a);
    }
    GOOP_LOG_DEBUG(lg(), "peer={} identified{}: {} ({} protocols)", peer.short_string(),
                   push ? " (push)" : "", info.agent_version, info.protocols.size());
    auto cbs = identified_cbs;
    for (auto& cb : cbs) cb(peer);
  }

  // Asks the peer at the other end of `conn` who it is.
  asio::awaitable<void> identify_connection(ConnectionInfo conn) {
    auto s = co_await host.new_stream_on(conn.id, multistream::protocol_list(kProtocolId));
    if (!s) {
      GOOP_LOG_DEBUG(lg(), "peer={} cannot open identify: {}", conn.remote.short_string(),
                     s.error().message());
      co_return;
    }
    auto msg = co_await receive(**s);
    if (!msg) {
      GOOP_LOG_DEBUG(lg(), "peer={} identify failed: {}", conn.remote.short_string(),
                     msg.error().message());
      failed(conn.remote, msg.error());
      co_return;
    }
    consume(conn.remote, std::move(*msg), false);
  }

  asio::awaitable<void> push_to(ConnectionInfo conn) {
    auto s = co_await host.new_stream_on(conn.id, multistream::protocol_list(kPushProtocolId));
    if (!s) co_return;
    (void)co_await send(**s, message_for(conn.remote_addr));
  }

  // Pushes our current message to every connected peer (on one connection each).
  void push_all() {
    if (tasks.closed()) return;
    std::set<PeerId> done;
    for (auto& c : host.connections()) {
      if (!done.insert(c.remote).second) continue;
      tasks.spawn(push_to(std::move(c)), "identify push");
    }
  }
};

IdentifyService::IdentifyService(Host& host, Config config)
    : impl_(std::make_unique<Impl>(host, std::move(config), host.get_executor())) {}

IdentifyService::~IdentifyService() = default;

void IdentifyService::start() {
  Impl* m = impl_.get();
  m->host.set_stream_handler(
      std::string(kProtocolId),
      [m](std::unique_ptr<MuxedStream> s, PeerId peer) -> asio::awaitable<void> {
        (void)co_await send(*s, m->message_for(m->host.connection_addr(peer)));
      });
  m->host.set_stream_handler(
      std::string(kPushProtocolId),
      [m](std::unique_ptr<MuxedStream> s, PeerId peer) -> asio::awaitable<void> {
        auto msg = co_await receive(*s);
        if (!msg) {
          m->failed(peer, msg.error());
          co_return;
        }
        m->consume(peer, std::move(*msg), true);
      });
  m->host.on_connection_opened(
      [m](const ConnectionInfo& c) { m->tasks.spawn(m->identify_connection(c), "identify"); });
  m->host.on_protocols_changed([m] { m->push_all(); });
  for (auto& c : m->host.connections()) m->tasks.spawn(m->identify_connection(c), "identify");
}

void IdentifyService::close() noexcept { impl_->tasks.close(); }

asio::awaitable<void> IdentifyService::async_stop(std::chrono::steady_clock::duration deadline) {
  co_await impl_->tasks.async_stop(deadline);
}

void IdentifyService::on_identified(std::function<void(const PeerId&)> cb) {
  impl_->identified_cbs.push_back(std::move(cb));
}

void IdentifyService::on_identification_failed(std::function<void(const PeerId&, error_code)> cb) {
  impl_->failed_cbs.push_back(std::move(cb));
}

Message IdentifyService::message_for(const std::optional<Multiaddr>& observed) const {
  return impl_->message_for(observed);
}

}  // namespace goop::p2p::identify
