#pragma once
// A `goop2 rendezvous` process for end-to-end tests, and what the tests need around it: a free
// TCP port for goop.json (presence.rendezvous_port must be 1..65535), the admin credentials,
// and a thread that runs inside another process's network namespace.

#include "process.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <sys/types.h>

namespace goop::testing {

// A TCP port the kernel just handed out for 127.0.0.1 (bound to port 0, read back, closed).
std::uint16_t free_tcp_port();

struct RendezvousSettings {
  std::uint16_t port = 0;  // 0: a free_tcp_port()
  std::string bind = "127.0.0.1";
  std::string admin_password;
  std::string peer_db_path;  // relative to the folder, "" = none
  int ttl_seconds = 20;
  int heartbeat_seconds = 5;
};

class RendezvousProcess {
 public:
  // Writes <dir>/goop.json from `settings` (unless `keep_config`), starts `goop2 rendezvous
  // <dir>` and waits for its banner, which gives the port (port() and settings() tell it).
  // Throws std::runtime_error if it does not start in 20 s.
  RendezvousProcess(std::string dir, RendezvousSettings settings, bool keep_config = false);

  // "http://127.0.0.1:<port>"
  const std::string& base() const { return base_; }
  std::uint16_t port() const { return settings_.port; }
  const RendezvousSettings& settings() const { return settings_; }
  Process& process() { return *proc_; }
  std::string log() const;
  // SIGTERM and wait; returns the exit code (or -1 on timeout).
  int stop();

 private:
  std::string dir_;
  RendezvousSettings settings_;
  std::unique_ptr<Process> proc_;
  std::string base_;
};

// The "Authorization: Basic ..." header line (with CRLF) for user admin and `password`.
std::string admin_auth_header(const std::string& password);

// Runs `fn` on a thread that has joined the network namespace of process `pid` and returns
// what it returned: sockets it opens live in that namespace (setns(2) is per thread).
// Throws std::runtime_error if the namespace cannot be joined.
bool in_netns_of(pid_t pid, const std::function<bool()>& fn);

}  // namespace goop::testing
