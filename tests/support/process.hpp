#pragma once
// A child process for end-to-end tests: started with posix_spawn, stdout and stderr captured
// through pipes, killed (SIGKILL) if still running when the object is destroyed. Every wait
// takes a deadline; nothing sleeps.

#include "testing/temp_dir.hpp"  // TempDir, for the tests that start processes in one

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace goop::testing {

class Process {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts argv[0] (a path) with the given arguments in `cwd` (empty: the current directory).
  // With `pipe_stdin` the child's stdin is a socket the test writes with write_stdin() (closed
  // by close_stdin() or destruction); otherwise it inherits ours.
  // Throws std::runtime_error if it cannot be started.
  explicit Process(std::vector<std::string> argv, std::string cwd = {}, bool pipe_stdin = false);
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process();

  // Reads output until `pred(stdout_text)` holds or the deadline passes. Returns whether it held.
  bool wait_stdout(const std::function<bool(const std::string&)>& pred, Clock::duration timeout);
  bool wait_stdout_contains(const std::string& needle, Clock::duration timeout) {
    return wait_stdout([&](const std::string& s) { return s.find(needle) != std::string::npos; },
                       timeout);
  }

  // Writes all of `text` to the child's stdin (blocking; never raises SIGPIPE). Returns false if
  // stdin was not piped, is closed, or the child stopped reading.
  bool write_stdin(std::string_view text);
  void close_stdin();

  void signal(int signo);
  // Waits for exit; returns the exit code (128+signal if killed), or nullopt on timeout.
  std::optional<int> wait_exit(Clock::duration timeout);

  // The child's stdout pipe (-1 once it ended), for an event loop to wait on; read_available()
  // then appends what the pipes hold to out() and err() without blocking.
  int stdout_fd() const { return out_fd_; }
  void read_available() { pump(Clock::now()); }

  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }
  pid_t pid() const { return pid_; }

 private:
  // Drains whatever the pipes have, waiting at most until `until`. Returns false at EOF on both.
  bool pump(Clock::time_point until);
  void reap(bool block);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  int in_fd_ = -1;
  int pid_fd_ = -1;  // pidfd: readable when the child exits
  std::string out_;
  std::string err_;
  std::optional<int> status_;
};

// Runs to completion (with a deadline) and returns {exit code, stdout, stderr}.
struct Completed {
  int code;
  std::string out;
  std::string err;
};
Completed run(std::vector<std::string> argv,
              Process::Clock::duration timeout = std::chrono::seconds(30));

// Path of the goop2 binary under test: $GOOP2_BIN if set, else the one this build made.
std::string goop2_binary();

// tests/interop: the js-libp2p test peers and their node_modules (installed by scripts/setup).
std::string interop_dir();
// The command that runs `script` from tests/interop with Node 20's polyfill, plus `args`; start
// it with Process(js_command(...), interop_dir()) so the packages resolve.
std::vector<std::string> js_command(std::string script, std::vector<std::string> args);

}  // namespace goop::testing
