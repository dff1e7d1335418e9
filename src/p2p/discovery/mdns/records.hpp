#pragma once
// What libp2p mDNS discovery puts in DNS messages and reads back out of them. Pure functions,
// no I/O. Two service names are served with the same record shape:
//
//  * the libp2p standard (specs: discovery/mdns.md) "_p2p._udp.local", which js-libp2p
//    (@libp2p/mdns) and rust use; js reads the PTR from the answers and the TXT "dnsaddr="
//    strings from answers or additionals, and takes the peer ID from the first address;
//  * the go-libp2p/zeroconf form with a custom service name: Goop2's Go peers use the tag
//    "goop-mdns", so the DNS-SD type is "goop-mdns.local" (spec net.md §3.5). zeroconf only
//    reports an instance once it has its PTR, SRV, TXT and an A or AAAA record for the SRV
//    target, so responses carry all of them.
//
// A response for service S from a peer with instance label N is
//   answer:      S PTR N.S
//   additionals: N.S TXT "dnsaddr=<addr>/p2p/<id>"...,  N.S SRV 0 0 4001 N.local,
//                N.local A <first ip4>, N.local AAAA <first ip6>
// (A/AAAA only when the listen addresses have such an IP).

#include "base/result.hpp"
#include "p2p/crypto/peer_id.hpp"
#include "p2p/discovery/mdns/dns_message.hpp"
#include "p2p/multiformats/multiaddr.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace goop::p2p::mdns {

inline constexpr std::string_view kStandardServiceName = "_p2p._udp.local";
inline constexpr std::string_view kDnsAddrPrefix = "dnsaddr=";
inline constexpr std::string_view kDomain = "local";
// zeroconf's SRV port: go-libp2p registers a dummy 4001; nobody reads it.
inline constexpr std::uint16_t kDummyPort = 4001;
// TTL of our records (js uses 120 s; zeroconf 3200 s). A TTL of 0 is a goodbye.
inline constexpr std::uint32_t kRecordTtl = 120;
// Responses stay below this so a multicast datagram is never refused for size.
inline constexpr std::size_t kMaxResponseSize = 8 * 1024;

// The DNS-SD service name for a go-libp2p service tag: "goop-mdns" → "goop-mdns.local".
std::string service_name_for_tag(std::string_view tag);

// A random lower-case alphanumeric label of 32 to 63 characters (specs: peer-name).
std::string random_peer_name();

// A multicast query (id 0, no flags) with one PTR question for `service_name`.
Message make_query(std::string_view service_name);

// Our response for `service_name`: instance label `peer_name`, peer `self`, and one TXT
// string per address in `addrs` (a trailing /p2p is replaced by ours; /p2p-circuit addresses
// and strings over 255 bytes are left out, and addresses are dropped from the end until the
// message fits kMaxResponseSize). `ttl` 0 makes a goodbye. Never fails: a name that does not
// encode is a caller bug caught by encode().
Message make_response(std::string_view service_name, std::string_view peer_name, const PeerId& self,
                      const std::vector<Multiaddr>& addrs, std::uint32_t ttl = kRecordTtl);

// True if `query` is a query (not a response) that asks about `service_name` (PTR or ANY), or
// about our instance "<peer_name>.<service_name>" (TXT, SRV or ANY).
bool asks_for(const Message& query, std::string_view service_name, std::string_view peer_name);

struct DiscoveredPeer {
  PeerId id;
  std::vector<Multiaddr> addrs;  // without the /p2p suffix, in the order received
  friend bool operator==(const DiscoveredPeer&, const DiscoveredPeer&) = default;
};

// The peers a response advertises for `service_name`: each PTR "<service_name> → instance"
// with a non-zero TTL, joined with the TXT records named `instance` in any section. Each
// "dnsaddr=" string must parse as a multiaddr ending in /p2p/<id>; others are skipped. Peers
// equal to `self` are left out. Records for other names are ignored.
std::vector<DiscoveredPeer> peers_in_response(const Message& response,
                                              std::string_view service_name, const PeerId& self);

}  // namespace goop::p2p::mdns
