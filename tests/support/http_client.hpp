#pragma once
// A minimal blocking HTTP/1.1 client for end-to-end tests: one request per connection to a
// loopback viewer, every step bounded by the deadline.

#include <chrono>
#include <string>

namespace goop::testing {

struct HttpReply {
  int status = 0;  // 0: no answer (connection refused, timeout, malformed)
  std::string body;
  std::string error;  // why status is 0
};

// `base` is "http://127.0.0.1:<port>". Sends Host: 127.0.0.1:<port>.
HttpReply http_request(const std::string& base, const std::string& method, const std::string& path,
                       const std::string& body = {},
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
inline HttpReply http_get(const std::string& base, const std::string& path) {
  return http_request(base, "GET", path);
}

}  // namespace goop::testing
