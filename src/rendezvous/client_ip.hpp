#pragma once
// Who is asking: the client IP the rendezvous keys its rate limits and per-IP caps on
// (issue-6 brief, "Server behaviour"; spec/rendezvous.md §17.7).
//
// The client IP is the TCP peer address, except for a request from a loopback address that
// carries X-Forwarded-For: then it is the LAST address of that header (the one our trusted local
// reverse proxy appended; earlier entries are whatever the client claimed). A loopback request
// without X-Forwarded-For is "local" (the hosting peer's own client, local tools): it is neither
// rate-limited nor held to per-IP caps.
//
// Pure functions; thread-safe.

#include <string>
#include <string_view>

namespace goop::web {
struct Request;
}

namespace goop::rendezvous {

struct ClientAddr {
  std::string ip;      // the key for rate limits and caps (at most 64 bytes)
  bool local = false;  // loopback peer without X-Forwarded-For: exempt from limits
};

// Whether `ip` is a loopback address (127.0.0.0/8, ::1, or ::ffff:127.x.y.z).
bool is_loopback(std::string_view ip);

// The client of `remote_address` with header X-Forwarded-For `forwarded_for` ("" if absent).
// An empty or malformed last entry of X-Forwarded-For is kept as text (a proxy bug must not
// make a remote client look local).
ClientAddr client_addr(std::string_view remote_address, std::string_view forwarded_for);
ClientAddr client_addr(const web::Request& req);

}  // namespace goop::rendezvous
