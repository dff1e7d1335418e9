#include "process.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace goop::testing {

Process::Process(std::vector<std::string> argv, std::string cwd, bool pipe_stdin) {
  int out[2], err[2], in[2] = {-1, -1};
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  // A socket rather than a pipe, so write_stdin() can use MSG_NOSIGNAL.
  if (pipe_stdin && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0) {
    throw std::runtime_error(std::string("socketpair: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (pipe_stdin) posix_spawn_file_actions_adddup2(&fa, in[1], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const int rc = ::posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  ::close(err[1]);
  if (pipe_stdin) {
    ::close(in[1]);
    in_fd_ = in[0];
  }
  out_fd_ = out[0];
  err_fd_ = err[0];
  if (rc == 0) pid_fd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (rc != 0) {
    ::close(out_fd_);
    ::close(err_fd_);
    if (in_fd_ >= 0) ::close(in_fd_);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
}

Process::~Process() {
  if (!status_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int st;
    ::waitpid(pid_, &st, 0);
  }
  close_stdin();
  if (out_fd_ >= 0) ::close(out_fd_);
  if (err_fd_ >= 0) ::close(err_fd_);
  if (pid_fd_ >= 0) ::close(pid_fd_);
}

bool Process::write_stdin(std::string_view text) {
  while (!text.empty() && in_fd_ >= 0) {
    const ssize_t n = ::send(in_fd_, text.data(), text.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return text.empty();
}

void Process::close_stdin() {
  if (in_fd_ >= 0) ::close(in_fd_);
  in_fd_ = -1;
}

bool Process::pump(Clock::time_point until) {
  pollfd fds[3] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}, {status_ ? -1 : pid_fd_, POLLIN, 0}};
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
  const int n = ::poll(fds, 3, static_cast<int>(std::max<long>(0, left.count())));
  if (n <= 0) return out_fd_ >= 0 || err_fd_ >= 0;
  std::string* sinks[2] = {&out_, &err_};
  int* fdp[2] = {&out_fd_, &err_fd_};
  for (int i = 0; i < 2; ++i) {
    if (*fdp[i] < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char buf[4096];
    const ssize_t r = ::read(*fdp[i], buf, sizeof buf);
    if (r > 0) {
      sinks[i]->append(buf, static_cast<size_t>(r));
    } else if (r == 0 || errno != EINTR) {
      ::close(*fdp[i]);
      *fdp[i] = -1;
    }
  }
  if (fds[2].fd >= 0 && (fds[2].revents & POLLIN)) reap(false);
  return out_fd_ >= 0 || err_fd_ >= 0;
}

void Process::reap(bool block) {
  int st;
  if (::waitpid(pid_, &st, block ? 0 : WNOHANG) == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
}

bool Process::wait_stdout(const std::function<bool(const std::string&)>& pred,
                          Clock::duration timeout) {
  const auto until = Clock::now() + timeout;
  while (!pred(out_)) {
    if (Clock::now() >= until || out_fd_ < 0) return pred(out_);
    pump(until);
  }
  return true;
}

void Process::signal(int signo) {
  if (!status_) ::kill(pid_, signo);
}

std::optional<int> Process::wait_exit(Clock::duration timeout) {
  const auto until = Clock::now() + timeout;
  // Keep draining the pipes so a child blocked on a full pipe can exit; then collect the rest
  // of its output (up to the deadline).
  while (!status_ && Clock::now() < until) pump(until);
  while (status_ && (out_fd_ >= 0 || err_fd_ >= 0) && Clock::now() < until) pump(until);
  return status_;
}

Completed run(std::vector<std::string> argv, Process::Clock::duration timeout) {
  Process p(std::move(argv));
  auto code = p.wait_exit(timeout);
  if (!code) throw std::runtime_error("process did not exit in time");
  return {*code, p.out(), p.err()};
}

std::string goop2_binary() {
  const char* bin = std::getenv("GOOP2_BIN");  // lets a test run against another build
  return bin && *bin ? bin : GOOP2_BIN;
}

std::string interop_dir() { return std::string(GOOP_SOURCE_DIR) + "/tests/interop"; }

std::vector<std::string> js_command(std::string script, std::vector<std::string> args) {
  std::vector<std::string> cmd = {"/usr/bin/env", "node", "--import", "./polyfill.mjs",
                                  std::move(script)};
  cmd.insert(cmd.end(), std::make_move_iterator(args.begin()), std::make_move_iterator(args.end()));
  return cmd;
}

}  // namespace goop::testing
