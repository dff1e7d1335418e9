#pragma once
// The URLs the landing page offers peers for presence.rendezvous_wan (spec/rendezvous.md §13.1,
// with §17.18 fixed: LAN addresses are listed only when the server is bound to every interface).
//
// Executor rule: pure functions except local_ipv4_addresses(), which asks the OS (getifaddrs);
// any thread.

#include <string>
#include <string_view>
#include <vector>

namespace goop::rendezvous {

// The IPv4 addresses of the interfaces that are up, not loopback, and not named docker*, veth*,
// br-* or virbr* (container and VM bridges), in the order the OS lists them.
std::vector<std::string> local_ipv4_addresses();

// `external_url` if set; otherwise `endpoint` ("http://<bind>:<port>"), except that a wildcard
// bind (0.0.0.0, ::) is replaced by each of `lan_addresses` (or 127.0.0.1 if there is none).
// An empty endpoint and no external URL give no URL.
std::vector<std::string> connect_urls(std::string_view external_url, std::string_view endpoint,
                                      const std::vector<std::string>& lan_addresses);

}  // namespace goop::rendezvous
