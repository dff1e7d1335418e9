#pragma once
// wait_until(pred, timeout): re-checks `pred` every few milliseconds on the calling executor
// until it holds (true) or `timeout` passes (false). For tests that wait on state changed by
// network events they cannot await directly.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>

namespace goop::p2p::testing {

boost::asio::awaitable<bool> wait_until(std::function<bool()> pred,
                                        std::chrono::milliseconds timeout);

}  // namespace goop::p2p::testing
