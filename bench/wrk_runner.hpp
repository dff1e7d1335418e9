#pragma once
// Shared by the HTTP benchmarks: run wrk against a loopback port and read its figures, start an
// nginx reference, wait until a port accepts.

#include "../tests/support/process.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace goop::bench {

struct WrkResult {
  double rps = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  std::string error;  // non-empty: wrk failed or saw error responses
};

struct WrkOptions {
  std::string host;    // Host header, "" = wrk's default
  std::string script;  // a wrk Lua script (-s), "" = none
  int connections = 32;
};

// wrk -t2 (-t1 for one connection) -c<connections> -d<seconds>s --latency
// http://127.0.0.1:<port><path>. 2xx and 3xx are successes; any other status makes `error` say so.
WrkResult wrk(std::uint16_t port, const std::string& path, int seconds,
              const WrkOptions& options = {});

// A TCP port the kernel just handed out for 127.0.0.1.
std::uint16_t free_port();
// Waits until something accepts on 127.0.0.1:`port`.
bool wait_listening(std::uint16_t port, std::chrono::steady_clock::duration timeout);

// nginx (1 worker) on a free loopback port with `server_block` inside its server { } (after the
// listen line); nullopt (with the reason printed) if nginx is missing or does not start.
struct Nginx {
  std::unique_ptr<testing::Process> process;
  std::uint16_t port = 0;
  Nginx() = default;
  Nginx(Nginx&&) = default;
  Nginx& operator=(Nginx&&) = default;
  ~Nginx();  // stops it
};
std::optional<Nginx> start_nginx(const std::filesystem::path& prefix,
                                 const std::string& server_block);

}  // namespace goop::bench
