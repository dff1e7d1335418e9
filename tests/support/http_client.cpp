#include "http_client.hpp"

#include "base/ascii.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

namespace goop::testing {
namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point until) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

bool wait_fd(int fd, short events, Clock::time_point until) {
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, ms_left(until)) == 1;
}

}  // namespace

HttpReply http_request(const std::string& base, const std::string& method, const std::string& path,
                       const std::string& body, const std::string& headers,
                       std::chrono::milliseconds timeout) {
  HttpReply reply;
  const auto until = Clock::now() + timeout;
  const std::string hostport = base.substr(base.find("//") + 2);
  const auto colon = hostport.rfind(':');
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(std::stoi(hostport.substr(colon + 1))));
  if (::inet_pton(AF_INET, hostport.substr(0, colon).c_str(), &sa.sin_addr) != 1) {
    reply.error = "not an IPv4 address: " + hostport;
    return reply;
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 && errno != EINPROGRESS) {
    reply.error = std::string("connect: ") + std::strerror(errno);
    return reply;
  }
  if (!wait_fd(fd, POLLOUT, until)) {
    reply.error = "connect timed out";
    return reply;
  }
  int soerr = 0;
  socklen_t len = sizeof soerr;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
  if (soerr != 0) {
    reply.error = std::string("connect: ") + std::strerror(soerr);
    return reply;
  }
  const bool own_host =
      headers.starts_with("Host:") || headers.find("\r\nHost:") != std::string::npos;
  std::string req = method + " " + path + " HTTP/1.1\r\n" +
                    (own_host ? "" : "Host: " + hostport + "\r\n") +
                    "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
                    headers + "\r\n" + body;
  std::size_t sent = 0;
  while (sent < req.size()) {
    if (!wait_fd(fd, POLLOUT, until)) {
      reply.error = "send timed out";
      return reply;
    }
    const auto n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN) {
      reply.error = std::string("send: ") + std::strerror(errno);
      return reply;
    }
    if (n > 0) sent += static_cast<std::size_t>(n);
  }
  std::string raw;
  char buf[4096];
  for (;;) {
    if (!wait_fd(fd, POLLIN, until)) {
      reply.error = "no complete answer before the deadline";
      return reply;
    }
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) break;
    if (n < 0 && errno != EAGAIN) {
      reply.error = std::string("recv: ") + std::strerror(errno);
      return reply;
    }
    if (n > 0) raw.append(buf, static_cast<std::size_t>(n));
  }
  const auto head_end = raw.find("\r\n\r\n");
  if (!raw.starts_with("HTTP/1.1 ") || head_end == std::string::npos) {
    reply.error = "malformed answer: " + raw.substr(0, 200);
    return reply;
  }
  reply.status = std::stoi(raw.substr(9, 3));
  reply.head = raw.substr(0, head_end + 2);
  reply.body = raw.substr(head_end + 4);
  return reply;
}

std::string HttpReply::header(std::string_view name) const {
  std::size_t line = head.find("\r\n");
  while (line != std::string::npos && line + 2 < head.size()) {
    const std::size_t start = line + 2;
    const std::size_t end = head.find("\r\n", start);
    const std::string_view text = std::string_view(head).substr(start, end - start);
    const auto colon = text.find(':');
    if (colon != std::string_view::npos && ascii::iequals(text.substr(0, colon), name)) {
      return std::string(ascii::trim(text.substr(colon + 1)));
    }
    line = end;
  }
  return {};
}

std::string viewer_token(const std::string& base) {
  const HttpReply page = http_get(base, "/peers");  // "/" redirects there
  const std::string marker = "<meta name=\"goop-token\" content=\"";
  const auto at = page.body.find(marker);
  if (at == std::string::npos) return {};
  const auto start = at + marker.size();
  return page.body.substr(start, page.body.find('"', start) - start);
}

std::string token_cookie_for(const std::string& base) {
  return "goop_token_" + base.substr(base.rfind(':') + 1);  // viewer/management_guard.hpp
}

std::string viewer_page_headers(const std::string& base, const std::string& token) {
  return "Origin: " + base + "\r\nCookie: " + token_cookie_for(base) + "=" + token +
         "\r\nX-Goop-Token: " + token + "\r\nContent-Type: application/json\r\n";
}

HttpStream::HttpStream(const std::string& base, const std::string& path) {
  const std::string hostport = base.substr(base.find("//") + 2);
  const auto colon = hostport.rfind(':');
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(std::stoi(hostport.substr(colon + 1))));
  ::inet_pton(AF_INET, hostport.substr(0, colon).c_str(), &sa.sin_addr);
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    throw std::runtime_error("cannot connect to " + base + ": " + std::strerror(errno));
  }
  const std::string req =
      "GET " + path + " HTTP/1.1\r\nHost: " + hostport + "\r\nAccept: text/event-stream\r\n\r\n";
  if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    throw std::runtime_error("cannot send the request to " + base);
  }
}

HttpStream::~HttpStream() {
  if (fd_ >= 0) ::close(fd_);
}

bool HttpStream::read_until(const std::function<bool(const std::string&)>& done,
                            std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  char buf[4096];
  while (!done(text_)) {
    if (fd_ < 0 || !wait_fd(fd_, POLLIN, until)) return done(text_);
    const auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return done(text_);
    text_.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

bool HttpStream::wait_any(const std::vector<HttpStream*>& streams, Clock::time_point until) {
  // An ended stream is closed (fd -1) and left out: poll() ignores negative descriptors, so it
  // cannot wake every later wait at once.
  std::vector<pollfd> fds;
  bool open = false;
  for (auto* s : streams) {
    fds.push_back({s->fd_, POLLIN, 0});
    open = open || s->fd_ >= 0;
  }
  if (!open || ::poll(fds.data(), fds.size(), ms_left(until)) <= 0) return false;
  bool alive = false;
  char buf[4096];
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (fds[i].fd < 0) continue;
    if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
      alive = true;
      continue;
    }
    const auto n = ::recv(fds[i].fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      streams[i]->text_.append(buf, static_cast<std::size_t>(n));
      alive = true;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      alive = true;
    } else {
      ::close(streams[i]->fd_);
      streams[i]->fd_ = -1;
    }
  }
  return alive;
}

}  // namespace goop::testing
