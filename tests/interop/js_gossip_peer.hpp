#pragma once
// JsGossipPeer: one js-libp2p GossipSub node (tests/interop/gossip.mjs node <topic>) in a child
// process, driven over its stdin/stdout JSON lines. Used by one thread at a time; every wait
// has a deadline and wakes on js's output (it is a goop::testing::wait_for event source).

#include "../support/process.hpp"
#include "base/bytes.hpp"
#include "p2p/crypto/peer_id.hpp"
#include "p2p/multiformats/multiaddr.hpp"
#include "testing/wait_for.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace goop::testing {

class JsGossipPeer {
 public:
  struct Received {
    std::string from;
    std::string topic;
    Bytes data;
  };

  explicit JsGossipPeer(const std::string& topic)
      : proc_(js_command("gossip.mjs", {"node", topic}), interop_dir(), /*pipe_stdin=*/true),
        hello_(take_hello()),
        id(p2p::PeerId::parse(std::string(hello_.at("peerId").as_string())).value()),
        addr(p2p::Multiaddr::parse(std::string(hello_.at("addrs").as_array().at(0).as_string()))
                 .value()) {}
  // With GOOP_JS_STDERR set (e.g. together with DEBUG='libp2p:gossipsub*'), echoes js's log.
  ~JsGossipPeer() {
    if (std::getenv("GOOP_JS_STDERR"))
      std::fprintf(stderr, "--- js %s stderr:\n%s\n", id.to_base58().c_str(), err().c_str());
  }

  // Sends `cmd` with a fresh id and returns the reply (which has "error" on failure); throws
  // if none arrives within `timeout`.
  boost::json::object call(boost::json::object cmd,
                           Process::Clock::duration timeout = std::chrono::seconds(20)) {
    const std::int64_t n = next_id_++;
    cmd["id"] = n;
    if (!proc_.write_stdin(boost::json::serialize(cmd) + "\n"))
      throw std::runtime_error("js stdin closed");
    auto reply = take_line(
        [n](const boost::json::object& o) {
          return o.contains("id") && o.at("id").as_int64() == n;
        },
        timeout);
    if (!reply)
      throw std::runtime_error("no reply to " + boost::json::serialize(cmd) + "\njs stderr:\n" +
                               err());
    return *reply;
  }

  boost::json::object dial(const p2p::Multiaddr& to, const p2p::PeerId& peer) {
    return call(
        {{"dial", to.peer_id() ? to.to_string() : to.to_string() + "/p2p/" + peer.to_base58()}});
  }
  boost::json::object publish(BytesView data) { return call({{"publish", to_hex(data)}}); }
  // Waits (in js, up to 15 s) until `want` holds: {"meshMin":n, "subscribers":[...],
  // "meshPeers":[...], "notSubscribers":[...], "scoreBelow":{peer:x}}; the reply has "ok".
  boost::json::object wait_for(boost::json::object want) {
    return call({{"waitFor", std::move(want)}, {"timeoutMs", 15000}}, std::chrono::seconds(20));
  }

  // Waits until `pred(messages)` holds or the deadline passes; returns the messages so far.
  std::vector<Received> messages_when(const std::function<bool(const std::vector<Received>&)>& pred,
                                      Process::Clock::duration timeout = std::chrono::seconds(20)) {
    pump_until([&] { return pred(messages_); }, timeout);
    return messages_;
  }
  const std::vector<Received>& messages() const { return messages_; }
  std::string err() const { return proc_.err(); }

  // The event source for goop::testing::wait_for: waits until js writes more output (or
  // `deadline`), then files its complete lines. False at the deadline or once js's stdout is
  // closed.
  bool next_event(Deadline deadline) {
    const std::size_t seen = proc_.out().size();
    const auto left = std::max(deadline - Process::Clock::now(), Process::Clock::duration::zero());
    const bool more =
        proc_.wait_stdout([seen](const std::string& text) { return text.size() > seen; }, left);
    file_lines();
    return more;
  }

 private:
  // Reads js's output until `done()` holds or `timeout` passes.
  bool pump_until(const std::function<bool()>& done, Process::Clock::duration timeout) {
    file_lines();
    return goop::testing::wait_for(*this, done, timeout);
  }
  // Files the complete lines of stdout not seen yet: message lines go to messages_, the others
  // to replies_.
  void file_lines() {
    const std::string& text = proc_.out();
    for (std::size_t nl; (nl = text.find('\n', parsed_)) != std::string::npos; parsed_ = nl + 1) {
      boost::json::error_code ec;
      auto v = boost::json::parse(std::string_view(text).substr(parsed_, nl - parsed_), ec);
      if (ec || !v.is_object()) continue;
      auto& o = v.as_object();
      if (auto* m = o.if_contains("message")) {
        auto& mo = m->as_object();
        messages_.push_back({std::string(mo.at("from").as_string()),
                             std::string(mo.at("topic").as_string()),
                             from_hex(mo.at("data").as_string()).value_or(Bytes{})});
      } else {
        replies_.push_back(std::move(o));
      }
    }
  }
  // Removes and returns the first reply line for which `pred` holds, waiting up to `timeout`.
  std::optional<boost::json::object> take_line(
      const std::function<bool(const boost::json::object&)>& pred,
      Process::Clock::duration timeout) {
    auto match = [&] { return std::find_if(replies_.begin(), replies_.end(), pred); };
    if (!pump_until([&] { return match() != replies_.end(); }, timeout)) return std::nullopt;
    auto it = match();
    boost::json::object o = std::move(*it);
    replies_.erase(it);
    return o;
  }

  boost::json::object take_hello() {
    auto hello = take_line([](const boost::json::object& o) { return o.contains("peerId"); },
                           std::chrono::seconds(30));
    if (!hello) throw std::runtime_error("js gossip peer did not start: " + proc_.err());
    return *hello;
  }

  Process proc_;
  std::size_t parsed_ = 0;
  std::int64_t next_id_ = 1;
  std::vector<boost::json::object> replies_;
  std::vector<Received> messages_;
  boost::json::object hello_;

 public:
  const p2p::PeerId id;
  const p2p::Multiaddr addr;
};

}  // namespace goop::testing
