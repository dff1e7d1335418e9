#include "wrk_runner.hpp"

#include <fmt/core.h>

#include <arpa/inet.h>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace goop::bench {
namespace {

double to_ms(const std::string& v) {
  const double x = std::atof(v.c_str());
  if (v.ends_with("us")) return x / 1000.0;
  if (v.ends_with("ms")) return x;
  if (v.ends_with("s")) return x * 1000.0;
  return x;
}

std::string field_after(const std::string& text, const std::string& label) {
  const auto at = text.find(label);
  if (at == std::string::npos) return {};
  auto start = text.find_first_not_of(' ', at + label.size());
  return text.substr(start, text.find_first_of(" \n", start) - start);
}

}  // namespace

WrkResult wrk(std::uint16_t port, const std::string& path, int seconds, const WrkOptions& o) {
  std::vector<std::string> argv = {"/usr/bin/wrk", o.connections > 1 ? "-t2" : "-t1",
                                   fmt::format("-c{}", o.connections),
                                   fmt::format("-d{}s", seconds), "--latency"};
  if (!o.host.empty()) {
    argv.push_back("-H");
    argv.push_back("Host: " + o.host);
  }
  if (!o.script.empty()) {
    argv.push_back("-s");
    argv.push_back(o.script);
  }
  argv.push_back(fmt::format("http://127.0.0.1:{}{}", port, path));
  WrkResult r;
  const auto done = testing::run(argv, std::chrono::seconds(seconds + 30));
  if (done.code != 0) {
    r.error = fmt::format("wrk exited {}: {}", done.code, done.err);
    return r;
  }
  if (done.out.find("Non-2xx or 3xx responses") != std::string::npos) {
    r.error = "wrk saw error responses:\n" + done.out;
    return r;
  }
  r.rps = std::atof(field_after(done.out, "Requests/sec:").c_str());
  // After the "Latency Distribution" heading: "71.50%" in the thread stats also holds "50%".
  const auto dist = done.out.find("Latency Distribution");
  const std::string percentiles = dist == std::string::npos ? std::string() : done.out.substr(dist);
  r.p50_ms = to_ms(field_after(percentiles, " 50%"));
  r.p99_ms = to_ms(field_after(percentiles, " 99%"));
  return r;
}

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  ::close(fd);
  return ntohs(sa.sin_port);
}

bool wait_listening(std::uint16_t port, std::chrono::steady_clock::duration timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
    ::close(fd);
    if (ok) return true;
    ::poll(nullptr, 0, 10);  // the server is starting: look again shortly
  }
  return false;
}

Nginx::~Nginx() {
  if (process) {
    process->signal(SIGQUIT);
    (void)process->wait_exit(std::chrono::seconds(5));
  }
}

std::optional<Nginx> start_nginx(const std::filesystem::path& prefix,
                                 const std::string& server_block) {
  if (!std::filesystem::exists("/usr/sbin/nginx")) {
    fmt::print("  nginx is not installed: no reference\n");
    return std::nullopt;
  }
  std::filesystem::create_directories(prefix / "logs");
  Nginx n;
  n.port = free_port();
  std::ofstream(prefix / "nginx.conf") << fmt::format(
      "daemon off;\nmaster_process off;\nworker_processes 1;\nerror_log stderr warn;\n"
      "pid {0}/nginx.pid;\nevents {{ worker_connections 1024; }}\n"
      "http {{\n  include /etc/nginx/mime.types;\n  access_log off;\n"
      "  client_body_temp_path {0}/body;\n  proxy_temp_path {0}/proxy;\n"
      "  fastcgi_temp_path {0}/fastcgi;\n  uwsgi_temp_path {0}/uwsgi;\n"
      "  scgi_temp_path {0}/scgi;\n  keepalive_requests 1000000;\n"
      "  server {{\n    listen 127.0.0.1:{1};\n{2}\n  }}\n}}\n",
      prefix.string(), n.port, server_block);
  n.process = std::make_unique<testing::Process>(std::vector<std::string>{
      "/usr/sbin/nginx", "-p", prefix.string(), "-c", (prefix / "nginx.conf").string()});
  if (!wait_listening(n.port, std::chrono::seconds(10))) {
    fmt::print("  nginx did not start: {}\n", n.process->err());
    return std::nullopt;
  }
  return n;
}

}  // namespace goop::bench
