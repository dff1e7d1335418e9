#pragma once
// A `goop2 peer` process for end-to-end tests: writes the folder's goop.json, starts the
// peer, reads its peer ID, listen addresses and viewer URL from the banner, and queries the
// viewer API. Every wait has a deadline.

#include "process.hpp"
#include "testing/wait_for.hpp"  // wait_for, for PeerEvents

#include <boost/json/value.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace goop::testing {

// goop.json for a test peer: the viewer on a free loopback port, presence on `topic` (unique
// per test, so peers of other tests on this machine never mix in), mDNS tag `mdns_tag`.
struct PeerSettings {
  std::string label;
  std::string topic = "goop.presence.test";
  std::string mdns_tag = "goop-test";
  int heartbeat_seconds = 5;
  int ttl_seconds = 20;
  std::string rendezvous_wan;  // presence.rendezvous_wan, "" = none
  // A command prefix the peer runs under (e.g. tests/netns/child_netns.sh <pid> <n>); it must
  // exec the rest of its arguments.
  std::vector<std::string> wrap;
};
std::string peer_config_json(const PeerSettings& s);

// A unique suffix for topics and tags (pid and a counter).
std::string unique_name(const std::string& prefix);

class PeerProcess {
 public:
  // Creates `dir` if needed, writes goop.json from `settings` unless `keep_config`, and starts
  // the peer. Throws std::runtime_error if the banner does not appear within 20 s.
  PeerProcess(std::string dir, const PeerSettings& settings, bool keep_config = false);

  const std::string& dir() const { return dir_; }
  const std::string& id() const { return id_; }
  const std::string& viewer() const { return viewer_; }
  // Listen multiaddrs with /p2p/<id>, as printed.
  const std::vector<std::string>& listen() const { return listen_; }
  Process& process() { return *proc_; }
  // What the peer logged so far (its stderr).
  std::string log() const;

  // GET /api/peers parsed; an empty array if the viewer does not answer.
  boost::json::array peers() const;
  // The /api/peers row for `peer_id`, or null.
  boost::json::value row(const std::string& peer_id) const;

 private:
  std::string dir_;
  std::unique_ptr<Process> proc_;
  std::string id_;
  std::string viewer_;
  std::vector<std::string> listen_;
};

class HttpStream;

// The event streams (/api/mq/events) of some peers, as an event source for
// goop::testing::wait_for (testing/wait_for.hpp):
//   wait_for(PeerEvents({&ann, &ben}), [&] { return ann.row(ben.id()) != nullptr; }, 10s)
// evaluates the predicate now and again each time one of the peers reports a change of its peer
// table, until it holds or the timeout passes. The streams are opened by the constructor, before
// the first check, so no change between a check and the wait is missed. The predicate should
// read only what those peers' viewers show.
class PeerEvents {
 public:
  // Throws std::runtime_error if a peer's viewer does not take the connection.
  explicit PeerEvents(const std::vector<const PeerProcess*>& peers);
  PeerEvents(PeerEvents&&) noexcept;
  ~PeerEvents();

  // Waits until one of the streams has news (true), or `deadline` passes or every stream has
  // ended (false).
  bool next_event(std::chrono::steady_clock::time_point deadline);

 private:
  std::vector<std::unique_ptr<HttpStream>> streams_;
};

}  // namespace goop::testing
