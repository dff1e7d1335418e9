#pragma once
// The origin a peer's site is served on in the browser (ARCHITECTURE.md "Security model" rule 2):
// http://<label>.localhost:<viewer port>/, where <label> is the peer ID as a CIDv1 with the
// libp2p-key multicodec (0x72) in multibase base36, lower case ("k51qzi5uqu5d..."), the form
// IPFS subdomain gateways use. An Ed25519 peer's label is 62 characters: one DNS label (<= 63).
// Browsers treat every *.localhost name as loopback, so each peer gets its own origin (its own
// cookies, storage and CORS boundary) without any DNS set-up.
//
// Pure functions; thread-safe.

#include "p2p/crypto/peer_id.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace goop::viewer {

// The longest DNS label (RFC 1035 §2.3.4).
inline constexpr std::size_t kMaxDnsLabel = 63;

// The DNS label of `peer`: its base36 CIDv1, lower case.
std::string site_label(const p2p::PeerId& peer);

// The peer a label names, or nullopt: `label` must be at most kMaxDnsLabel characters, start
// with 'k' (either case: DNS names are case-insensitive and browsers lower-case them anyway),
// and decode to a CIDv1 with the libp2p-key codec over a valid identity or sha2-256 multihash.
// Other forms PeerId::parse() accepts (base58, base32 CIDs), and any label that is not exactly
// site_label() of the peer it decodes to, are refused: a site has one origin.
std::optional<p2p::PeerId> peer_from_site_label(std::string_view label);

// "http://<label>.localhost:<port>" (no trailing slash).
std::string site_origin(const p2p::PeerId& peer, std::uint16_t port);

// If `host` (a Host header value) is "<label>.localhost:<port>" for exactly `port` (ASCII case
// ignored), the label, lower-cased, without checking that it names a peer; else nullopt.
std::optional<std::string> site_label_of_host(std::string_view host, std::uint16_t port);
// site_label_of_host(host, port).has_value(), without allocating (it runs for every request).
bool is_site_host(std::string_view host, std::uint16_t port);

}  // namespace goop::viewer
