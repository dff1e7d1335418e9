#include "rendezvous_process.hpp"

#include "rendezvous/admin_auth.hpp"

#include <boost/json.hpp>

#include <arpa/inet.h>
#include <csignal>
#include <exception>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <sched.h>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace goop::testing {
namespace json = boost::json;
using namespace std::chrono_literals;

std::uint16_t free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("free_tcp_port: socket() failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("free_tcp_port: bind to 127.0.0.1:0 failed");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

RendezvousProcess::RendezvousProcess(std::string dir, RendezvousSettings settings, bool keep_config)
    : dir_(std::move(dir)), settings_(std::move(settings)) {
  if (settings_.port == 0) settings_.port = free_tcp_port();
  std::filesystem::create_directories(dir_);
  if (!keep_config) {
    json::object presence{{"rendezvous_host", true},
                          {"rendezvous_only", true},
                          {"rendezvous_port", settings_.port},
                          {"rendezvous_bind", settings_.bind},
                          {"admin_password", settings_.admin_password},
                          {"peer_db_path", settings_.peer_db_path},
                          {"ttl_seconds", settings_.ttl_seconds},
                          {"heartbeat_seconds", settings_.heartbeat_seconds}};
    std::ofstream(std::filesystem::path(dir_) / "goop.json")
        << json::serialize(json::object{{"presence", presence}});
  }
  proc_ = std::make_unique<Process>(std::vector<std::string>{
      "/bin/sh", "-c", "exec \"$0\" rendezvous \"$1\" 2>>\"$1/goop2.log\"", goop2_binary(), dir_});
  if (!proc_->wait_stdout_contains("Press Ctrl+C to stop.", 20s)) {
    throw std::runtime_error("goop2 rendezvous in " + dir_ + " did not start:\n" + proc_->out() +
                             log());
  }
  // The port it really listens on, from the banner ("rendezvous listening on
  // http://<bind>:<port>").
  const std::string& out = proc_->out();
  const auto at = out.find("listening on http://");
  const auto eol = out.find('\n', at);
  if (at == std::string::npos || eol == std::string::npos) {
    throw std::runtime_error("goop2 rendezvous in " + dir_ + " printed no listening address:\n" +
                             out);
  }
  const std::string url = out.substr(at, eol - at);
  settings_.port = static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  base_ = "http://127.0.0.1:" + std::to_string(settings_.port);
}

std::string RendezvousProcess::log() const {
  std::ifstream f(std::filesystem::path(dir_) / "goop2.log");
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

int RendezvousProcess::stop() {
  proc_->signal(SIGTERM);
  return proc_->wait_exit(10s).value_or(-1);
}

std::string admin_auth_header(const std::string& password) {
  return "Authorization: " + rendezvous::basic_authorization("admin:" + password) + "\r\n";
}

bool in_netns_of(pid_t pid, const std::function<bool()>& fn) {
  bool result = false;
  std::exception_ptr error;
  std::thread t([&] {
    try {
      const std::string path = "/proc/" + std::to_string(pid) + "/ns/net";
      const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) throw std::runtime_error("in_netns_of: cannot open " + path);
      const int rc = ::setns(fd, CLONE_NEWNET);
      ::close(fd);
      if (rc != 0) throw std::runtime_error("in_netns_of: setns into " + path + " failed");
      result = fn();
    } catch (...) {
      error = std::current_exception();
    }
  });
  t.join();
  if (error) std::rethrow_exception(error);
  return result;
}

}  // namespace goop::testing
