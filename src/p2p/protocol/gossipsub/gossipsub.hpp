#pragma once
// GossipSub v1.2 service (libp2p specs: pubsub/gossipsub/gossipsub-v1.1.md, -v1.2.md) on a
// Host. Speaks /meshsub/1.2.0, /meshsub/1.1.0 and /meshsub/1.0.0 with StrictSign signatures
// and the go default message id (from || seqno); IDONTWANT goes only to peers whose stream
// negotiated 1.2.0. Peer scoring and peer exchange are not implemented.
//
// Streams: one long-lived outbound stream per peer carries our RPCs (varint-length-prefixed,
// written by one writer task with a bounded queue); every inbound stream is read by a reader
// task. Inbound RPCs are capped at kMaxRpcSize. Reads on these streams have no deadline: they
// are idle by design, and the connection's yamux keep-alive and the Host notice dead peers.
// Inbound messages are verified by one validator task, one at a time, yielding to the node's
// other work between two (Router "Validation"); readers stop reading while
// Config::max_pending_validations messages wait.
//
// Executor rule: construct, call and destroy on the Host's executor. Lifetime: start(), then
// await async_stop() before destroying; destroy before the Host.
#include "base/bytes.hpp"
#include "base/clock.hpp"
#include "base/result.hpp"
#include "p2p/crypto/keys.hpp"
#include "p2p/crypto/peer_id.hpp"
#include "p2p/protocol/gossipsub/router.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace goop::p2p {
class Host;
}

namespace goop::p2p::gossipsub {

inline constexpr std::string_view kProtocolV12 = "/meshsub/1.2.0";
inline constexpr std::string_view kProtocolV11 = "/meshsub/1.1.0";
inline constexpr std::string_view kProtocolV10 = "/meshsub/1.0.0";

struct Config {
  Params params{};
  std::size_t max_queued_rpcs = 1024;         // per peer; beyond it RPCs to that peer are dropped
  std::size_t max_pending_validations = 256;  // readers wait while this many are queued
};

// Called on the node executor for each verified message on a subscribed topic, once per
// message id. `data` is valid only during the call; `author` is the signer (message `from`).
using MessageHandler =
    std::function<void(BytesView data, const PeerId& author, const MessageId& id)>;

class GossipSub {
 public:
  // `ex` is the Host's executor. `key` must be the Host's identity key (it signs our
  // messages; `from` is host.id()). `host` and `clock` must outlive this object.
  GossipSub(boost::asio::any_io_executor ex, Host& host, Ed25519PrivateKey key, Config config = {},
            Clock& clock = SystemClock::instance());
  GossipSub(const GossipSub&) = delete;
  GossipSub& operator=(const GossipSub&) = delete;
  ~GossipSub();

  // Registers the protocol handlers, watches connections (and opens streams to peers already
  // connected), and starts the heartbeat.
  void start();

  // Joins `topic`; `handler` (replacing any previous one) gets its messages.
  void subscribe(const std::string& topic, MessageHandler handler);
  void unsubscribe(const std::string& topic);

  // Signs and floods `data` to the peers subscribed to `topic`; our own handler is not
  // called. Returns the message id. Errors: goop::Errc::kTooLarge over kMaxRpcSize.
  Result<MessageId> publish(const std::string& topic, Bytes data);

  // Called on the node executor when a connected peer subscribes to a topic we joined (e.g. to
  // greet newcomers). The callback must not publish synchronously; post or defer instead.
  void on_peer_subscribed(std::function<void(const std::string& topic, const PeerId& peer)> fn);

  // Router::resend_latest: our latest message on `topic`, once more, to `peer` alone.
  bool resend_latest(const std::string& topic, const PeerId& peer);

  // Waits until every queued RPC has been written to its stream (e.g. a last message before
  // shutdown), at most `deadline`. Returns false if something was still queued then.
  boost::asio::awaitable<bool> flush(std::chrono::steady_clock::duration deadline);

  // Peers known to be subscribed to `topic`, and our mesh peers for it.
  std::vector<PeerId> peers(const std::string& topic) const;
  std::vector<PeerId> mesh_peers(const std::string& topic) const;

  // Removes the handlers, closes our streams and waits for every task, within `deadline`.
  boost::asio::awaitable<void> async_stop(std::chrono::steady_clock::duration deadline);

  // What the router did with inbound messages so far (duplicates, IDONTWANT).
  const Counters& counters() const;

  // Called on the node executor after each inbound RPC has been handled (tests wait on it).
  void on_rpc_for_testing(std::function<void(const PeerId& from)> fn);
  Router& router_for_testing();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace goop::p2p::gossipsub
