#include "base/task_group.hpp"

#include "base/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

namespace goop {
namespace asio = boost::asio;
namespace {
log::Logger lg("base.tasks");

// Coroutines accept only terminal cancellation by default; a group's first, polite stop
// request is total cancellation, so let it through. A task that needs a goodbye step resets
// its own state (as in Beast's examples).
asio::awaitable<void> with_total_cancellation(asio::awaitable<void> task) {
  co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
  co_await std::move(task);
}
}  // namespace

TaskGroup::TaskGroup(asio::any_io_executor ex, std::string name)
    : ex_(std::move(ex)), name_(std::move(name)) {}

TaskGroup::~TaskGroup() {
  if (!tasks_.empty()) {
    GOOP_LOG_ERROR(lg, "{}: destroyed with {} running tasks (async_stop was not awaited)", name_,
                   tasks_.size());
    emit(asio::cancellation_type::terminal);
  }
}

bool TaskGroup::spawn(asio::awaitable<void> task, std::string what) {
  if (closed_) return false;
  auto it = tasks_.emplace(tasks_.end());
  it->what = std::move(what);
  asio::co_spawn(ex_, with_total_cancellation(std::move(task)),
                 asio::bind_cancellation_slot(it->signal.slot(), [this, it](std::exception_ptr e) {
                   if (e) {
                     try {
                       std::rethrow_exception(e);
                     } catch (const boost::system::system_error& se) {
                       if (se.code() == asio::error::operation_aborted) {
                         GOOP_LOG_DEBUG(lg, "{}: task {} cancelled", name_, it->what);
                       } else {
                         GOOP_LOG_WARN(lg, "{}: task {} ended: {}", name_, it->what, se.what());
                       }
                     } catch (const std::exception& ex) {
                       GOOP_LOG_WARN(lg, "{}: task {} failed: {}", name_, it->what, ex.what());
                     }
                   }
                   tasks_.erase(it);
                   if (tasks_.empty() && idle_) idle_->cancel();
                 }));
  return true;
}

void TaskGroup::emit(asio::cancellation_type type) {
  for (auto it = tasks_.begin(); it != tasks_.end();) {
    auto next = std::next(it);
    it->signal.emit(type);
    it = next;
  }
}

asio::awaitable<void> TaskGroup::wait_empty_until(std::chrono::steady_clock::time_point t) {
  if (tasks_.empty()) co_return;
  idle_.emplace(ex_, t);
  co_await idle_->async_wait(asio::as_tuple(asio::use_awaitable));
  idle_.reset();
}

asio::awaitable<bool> TaskGroup::async_stop(std::chrono::steady_clock::duration deadline) {
  close();
  const auto start = std::chrono::steady_clock::now();
  emit(asio::cancellation_type::total);
  co_await wait_empty_until(start + deadline / 2);
  if (!tasks_.empty()) {
    GOOP_LOG_DEBUG(lg, "{}: {} tasks still running; escalating cancellation", name_, tasks_.size());
    emit(asio::cancellation_type::terminal);
    co_await wait_empty_until(start + deadline);
  }
  if (!tasks_.empty()) {
    GOOP_LOG_WARN(lg, "{}: {} tasks did not stop within the shutdown deadline", name_,
                  tasks_.size());
  }
  co_return tasks_.empty();
}

}  // namespace goop
