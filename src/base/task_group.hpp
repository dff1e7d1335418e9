#pragma once
// TaskGroup: structured ownership of coroutines (STYLE.md §7; Beast's task_group plus seastar's
// gate). Every long-lived component owns one; nothing is ever co_spawn'ed detached.
//
// Executor rule: all members must be called on the group's executor (the node thread); the
// spawned tasks run there too. Not thread-safe.
//
// Invariants:
//  1. Each running task has exactly one entry (and cancellation signal) in the group.
//  2. After close(), spawn() refuses new tasks.
//  3. The group must be empty (async_stop completed) before it is destroyed.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <list>
#include <optional>
#include <string>

namespace goop {

class TaskGroup {
 public:
  TaskGroup(boost::asio::any_io_executor ex, std::string name);
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;
  ~TaskGroup();

  // Starts `task` on the group's executor with a cancellation slot the group controls. An
  // exception that escapes the task is logged (debug for cancellation, warn otherwise) and
  // does not propagate. Returns false, and drops the task unstarted, if the group is closed.
  bool spawn(boost::asio::awaitable<void> task, std::string what = {});

  // Refuses new tasks from now on. Running tasks go on.
  void close() noexcept { closed_ = true; }

  // Closes the group, then asks every task to stop with total cancellation, waits until half
  // of `deadline` has passed or all are done, then emits terminal cancellation and waits for
  // the rest of the deadline. Returns true if every task finished. Never throws.
  boost::asio::awaitable<bool> async_stop(std::chrono::steady_clock::duration deadline);

  std::size_t size() const noexcept { return tasks_.size(); }
  bool closed() const noexcept { return closed_; }

 private:
  struct Task {
    boost::asio::cancellation_signal signal;
    std::string what;
  };
  void emit(boost::asio::cancellation_type type);
  boost::asio::awaitable<void> wait_empty_until(std::chrono::steady_clock::time_point t);

  boost::asio::any_io_executor ex_;
  std::string name_;
  std::list<Task> tasks_;
  std::optional<boost::asio::steady_timer> idle_;  // woken when tasks_ becomes empty
  bool closed_ = false;
};

}  // namespace goop
