#pragma once
// "host:port" as goop.json and our addresses write it (viewer.http_addr, a bind address with its
// port, the authority of an http:// URL): one parser and one formatter for every user, so an IPv6
// host is bracketed, and unbracketed, the same way everywhere.

#include "base/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace goop {

struct HostPort {
  std::string host;  // without brackets; "" when the text was ":<port>"
  std::uint16_t port = 0;
};

// Parses "host:port", "[ipv6]:port" or ":port". The port is decimal, 0..65535 (0 asks for any
// free port). The host is checked for its form only, never resolved: an IPv6 address must be in
// brackets (in "::1:80" the port cannot be told apart), and brackets must hold an IPv6 address.
// Errors: Errc::kInvalidArgument, with a message that quotes the text and says what is wrong.
Expected<HostPort> parse_host_port(std::string_view text);

// "host:port" with an IPv6 host in brackets ("[::1]:8080"); parse_host_port reads it back.
std::string format_host_port(std::string_view host, std::uint16_t port);

// A host as a URL or "host:port" writes it: an IPv6 address (any host with a ':') in brackets,
// others unchanged; an already bracketed host is kept.
std::string bracket_host(std::string_view host);
// "[::1]" -> "::1"; other hosts unchanged.
std::string_view unbracket_host(std::string_view host);

}  // namespace goop
