#pragma once
// Network-namespace checks for tests run by tests/netns/run_in_netns.sh.

namespace goop::testing {

// True inside a namespace that has only a loopback interface, up and multicast-capable.
bool in_multicast_netns();

}  // namespace goop::testing
