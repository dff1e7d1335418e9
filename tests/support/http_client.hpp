#pragma once
// A minimal blocking HTTP/1.1 client for end-to-end tests: one request per connection to a
// loopback viewer, every step bounded by the deadline.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace goop::testing {

struct HttpReply {
  int status = 0;    // 0: no answer (connection refused, timeout, malformed)
  std::string head;  // the status line and header lines
  std::string body;
  std::string error;  // why status is 0

  // The value of header `name` (case-insensitive), or "" if absent.
  std::string header(std::string_view name) const;
};

// `base` is "http://127.0.0.1:<port>". Sends Host: 127.0.0.1:<port> unless `headers` has a
// Host line of its own (a site origin, say).
// `headers`: extra raw header lines, each ending in "\r\n".
HttpReply http_request(const std::string& base, const std::string& method, const std::string& path,
                       const std::string& body = {}, const std::string& headers = {},
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

// The viewer's management token from its start page (<meta name="goop-token">), and the
// header lines a request from the viewer's own page carries: Origin, the token cookie and
// header, Content-Type: application/json.
std::string viewer_token(const std::string& base);
// The name of the viewer token cookie for the viewer at `base` ("goop_token_<port>").
std::string token_cookie_for(const std::string& base);
std::string viewer_page_headers(const std::string& base, const std::string& token);
// Opens a streaming GET (e.g. Server-Sent Events) and reads until `done(text so far)` holds
// or `timeout` passes; returns whether it held. `text` receives everything read, headers too.
class HttpStream {
 public:
  HttpStream(const std::string& base, const std::string& path);
  ~HttpStream();
  HttpStream(const HttpStream&) = delete;
  HttpStream& operator=(const HttpStream&) = delete;
  bool read_until(const std::function<bool(const std::string&)>& done,
                  std::chrono::milliseconds timeout);
  bool read_until_contains(const std::string& needle, std::chrono::milliseconds timeout) {
    return read_until([&](const std::string& t) { return t.find(needle) != std::string::npos; },
                      timeout);
  }
  const std::string& text() const { return text_; }

  // Waits until any of `streams` has data (read into its text()) or `until` passes; returns
  // false on the deadline, or when every stream has ended.
  static bool wait_any(const std::vector<HttpStream*>& streams,
                       std::chrono::steady_clock::time_point until);

 private:
  int fd_ = -1;
  std::string text_;
};

inline HttpReply http_get(const std::string& base, const std::string& path) {
  return http_request(base, "GET", path);
}

}  // namespace goop::testing
