#pragma once
// LocalBus: the peer's local message bus (spec/net.md §6.4; viewer.md §4.1). Components publish
// events for the browser (peer:announce, peer:gone, ...); the viewer's /api/mq/events streams
// them to every open page. The network side of MQ (/goop/mq/1.0.0) will feed it too.
//
// Executor rule: node executor only; not thread-safe. Listeners run synchronously inside
// publish(), in subscription order; a listener returns false to unsubscribe itself and must
// not publish or subscribe from inside the call.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace goop::mq {

struct BusEvent {
  std::string id;            // random UUID v4
  std::int64_t seq = 0;      // increasing per bus
  std::string topic;         // e.g. "peer:announce"
  std::string payload_json;  // any JSON value
  std::string from;          // sender peer ID; empty for local events
};

// The /api/mq/events data line for `e`:
// {"type":"message","msg":{"type":"msg","id":..,"seq":..,"topic":..,"payload":..},"from":".."}
std::string to_event_json(const BusEvent& e);

class LocalBus {
 public:
  using Listener = std::function<bool(const BusEvent&)>;

  void subscribe(Listener listener);
  // Publishes a local event (from = "") to every listener; returns it.
  BusEvent publish_local(std::string topic, std::string payload_json);
  std::size_t listener_count() const noexcept { return listeners_.size(); }

 private:
  std::vector<Listener> listeners_;
  std::int64_t seq_ = 0;
};

// A random RFC 4122 version-4 UUID in lower-case text form.
std::string random_uuid();

}  // namespace goop::mq
