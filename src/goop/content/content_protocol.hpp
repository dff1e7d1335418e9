#pragma once
// /goop/content/1.0.0 (spec/net.md §4.1): the responder writes the peer's label and one LF,
// then closes; it reads nothing. Other peers open it to learn the label and, by opening it at
// all, that we are reachable (§5.6).
//
// Executor rule: the Host's executor. The responder runs in the Host's task group.

#include "base/result.hpp"
#include "p2p/crypto/peer_id.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace goop::p2p {
class Host;
}

namespace goop::content {

inline constexpr std::string_view kContentProtocol = "/goop/content/1.0.0";
// A label line longer than this is refused (labels are at most 100 characters).
inline constexpr std::size_t kMaxLabelLine = 4096;

// Serves our label; `label` is asked on every request (an empty label is sent as "hello", as
// the Go peer does).
void serve_content(p2p::Host& host, std::function<std::string()> label);

// Opens the protocol on `peer` (dialling if needed) and reads its label line within `timeout`.
// Errors name the peer and the cause: no route/refused protocol, timeout, a line over
// kMaxLabelLine, or a label with control characters.
boost::asio::awaitable<Expected<std::string>> fetch_label(
    p2p::Host& host, p2p::PeerId peer, std::chrono::steady_clock::duration timeout);

}  // namespace goop::content
