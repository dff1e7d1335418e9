// Session public API and the session-wide state transitions (streams table, shutdown). The
// read loop is in read_loop.cpp, the writer and keep-alive in writer.cpp.
#include "p2p/muxer/yamux/session.hpp"

#include "base/check.hpp"
#include "base/log.hpp"
#include "base/timeout.hpp"
#include "p2p/errors.hpp"
#include "p2p/muxer/yamux/session_core.hpp"
#include "p2p/muxer/yamux/stream.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace goop::p2p::yamux {
namespace asio = boost::asio;
namespace {
log::Logger lg("p2p.yamux");

// Runs one of the session's tasks and keeps the core alive until the TaskGroup has seen the task
// finish (the group's completion handler runs after the coroutine frame is gone, and the group
// lives inside the core).
asio::awaitable<void> run_task(std::shared_ptr<detail::SessionCore> core,
                               asio::awaitable<void> (detail::SessionCore::*fn)()) {
  struct Keep {
    std::shared_ptr<detail::SessionCore> p;
    ~Keep() {
      auto ex = p->ex;
      asio::post(ex, [q = std::move(p)] {});
    }
  } keep{core};
  co_await (core.get()->*fn)();
}
}  // namespace

namespace detail {

SessionCore::SessionCore(std::unique_ptr<ByteStream> c, Role r, Config cf)
    : ex(c->get_executor()),
      conn(std::move(c)),
      role(r),
      cfg(cf),
      tasks(ex, "yamux"),
      next_id(r == Role::kClient ? 1 : 2),
      backlog_event(ex),
      writer_wake(ex),
      queue_space(ex),
      ping_event(ex),
      keepalive_timer(ex),
      done_event(ex) {
  cfg.initial_window = std::max(cfg.initial_window, kInitialWindow);
  cfg.max_window = std::max(cfg.max_window, cfg.initial_window);
  cfg.max_frame_payload = std::clamp<std::uint32_t>(cfg.max_frame_payload, 1024, kMaxWindow);
  batch.reserve(cfg.write_batch_bytes + cfg.max_frame_payload + kHeaderSize);
}

void SessionCore::push(OutFrame f) {
  out.push_back(f);
  if (out.size() == 1) writer_wake.notify();
}

void SessionCore::purge_frames(StreamState& s) {
  if (s.queued_frames == 0) return;
  std::erase_if(out, [&](const OutFrame& f) { return f.owner == &s; });
  s.queued_frames = 0;
}

std::uint16_t SessionCore::take_open_flags(StreamState& s) {
  std::uint16_t f = 0;
  if (s.syn_pending) f |= Flag::kSyn;
  if (s.ack_pending) f |= Flag::kAck;
  s.syn_pending = s.ack_pending = false;
  return f;
}

std::shared_ptr<StreamState> SessionCore::new_stream(std::uint32_t id, bool outbound) {
  auto s = std::make_shared<StreamState>(ex, id, outbound, cfg.initial_window);
  (outbound ? s->syn_pending : s->ack_pending) = true;
  // The SYN/ACK frame advertises any window above the default 256 KiB.
  const std::uint32_t delta = cfg.initial_window - kInitialWindow;
  enqueue({FrameType::kWindowUpdate, take_open_flags(*s), id, delta});
  s->recv_credit = cfg.initial_window;
  streams.emplace(id, s);
  if (outbound) {
    ++ack_backlog;
  } else {
    ++inbound_count;
  }
  return s;
}

void SessionCore::forget(StreamState& s) {
  if (s.removed || !s.fully_closed()) return;
  s.removed = true;
  if (s.outbound && !s.acked) {
    s.acked = true;
    --ack_backlog;
    backlog_event.notify();
  }
  if (!s.outbound) --inbound_count;
  streams.erase(s.id);  // may drop the last reference but one: callers hold their own
}

void SessionCore::reset_stream(StreamState& s) {
  if (s.reset) return;
  const bool send_rst = !closed && !s.removed;
  s.reset = true;
  purge_frames(s);
  if (send_rst) enqueue({FrameType::kWindowUpdate, Flag::kRst, s.id, 0});
  s.event.notify();
  forget(s);
}

void SessionCore::on_consumed(StreamState& s) {
  if (closed || s.reset || s.remote_fin || s.removed) return;
  const std::uint64_t used = s.recv_credit + s.buffered();
  if (used >= s.recv_window || s.recv_window - used < s.recv_window / 2) return;
  const auto now = Clock::now();
  // Auto-tuning (as go-yamux and js): half a window consumed within 4 RTTs means the window,
  // not the reader, limits throughput.
  if (cfg.auto_tune_window && rtt.count() > 0 && now - s.epoch < 4 * rtt &&
      s.recv_window < cfg.max_window) {
    s.recv_window = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(std::uint64_t{s.recv_window} * 2, cfg.max_window));
    GOOP_LOG_TRACE(lg, "stream={} receive window grows to {}", s.id, s.recv_window);
  }
  s.epoch = now;
  const auto delta = static_cast<std::uint32_t>(s.recv_window - used);
  s.recv_credit += delta;
  enqueue({FrameType::kWindowUpdate, take_open_flags(s), s.id, delta});
}

void SessionCore::send_ping() {
  ping_id = next_ping_id++;
  ping_sent = Clock::now();
  enqueue({FrameType::kPing, Flag::kSyn, 0, *ping_id});
  keepalive_timer.cancel();  // the keep-alive recomputes its deadline
}

void SessionCore::spawn_tasks() {
  auto self = shared_from_this();
  tasks.spawn(run_task(self, &SessionCore::read_loop), "read loop");
  tasks.spawn(run_task(self, &SessionCore::writer), "writer");
  tasks.spawn(run_task(self, &SessionCore::keepalive), "keep-alive");
}

void SessionCore::shutdown(error_code ec, bool send_goaway, GoAwayCode code) {
  if (closed) return;
  closed = true;
  conn_error = make_error_code(Errc::kConnectionClosed);
  GOOP_LOG_DEBUG(lg, "session ends: {} ({} streams)", ec ? ec.message() : "normal", streams.size());
  // Data frames point into writes that are about to fail; control frames may still go out.
  std::erase_if(out, [](const OutFrame& f) { return f.owner != nullptr; });
  if (send_goaway && !local_goaway) {
    enqueue({FrameType::kGoAway, 0, 0, static_cast<std::uint32_t>(code)});
  }
  local_goaway = true;
  auto all = std::move(streams);
  streams.clear();
  for (auto& [id, s] : all) {
    s->queued_frames = 0;
    s->removed = true;
    s->event.notify();
  }
  cur_stream.reset();
  inbound_count = ack_backlog = 0;
  for (auto* e : {&backlog_event, &writer_wake, &queue_space, &ping_event, &done_event}) {
    e->notify();
  }
  keepalive_timer.cancel();
  if (auto cb = std::move(on_closed)) {
    on_closed = nullptr;
    cb(ec);
  }
}

void SessionCore::abort(error_code ec) {
  shutdown(ec, false, GoAwayCode::kNormal);
  out.clear();
  conn->reset();
}

}  // namespace detail

Session::Session(std::unique_ptr<ByteStream> conn, Role role, Config cfg)
    : core_(std::make_shared<detail::SessionCore>(std::move(conn), role, cfg)) {}

Session::~Session() {
  core_->on_stream = nullptr;
  core_->on_closed = nullptr;
  if (!core_->closed) core_->abort(make_error_code(Errc::kConnectionClosed));
}

void Session::set_stream_handler(StreamHandler h) { core_->on_stream = std::move(h); }
void Session::set_on_closed(ClosedHandler h) { core_->on_closed = std::move(h); }

void Session::start() {
  GOOP_CHECK(!core_->started);
  core_->started = true;
  core_->spawn_tasks();
}

asio::awaitable<Result<std::unique_ptr<MuxedStream>>> Session::open_stream() {
  auto c = core_;
  for (;;) {
    if (c->closed || c->local_goaway || c->remote_goaway) {
      co_return make_error_code(Errc::kConnectionClosed);
    }
    if (c->ack_backlog < c->cfg.max_ack_backlog) break;
    if (!co_await c->backlog_event.wait())
      co_return make_error_code(asio::error::operation_aborted);
  }
  if (c->next_id > 0xFFFFFFF0u) co_return make_error_code(Errc::kResourceLimit);
  const std::uint32_t id = c->next_id;
  c->next_id += 2;
  auto st = c->new_stream(id, true);
  GOOP_LOG_TRACE(lg, "stream={} opened", id);
  co_return std::unique_ptr<MuxedStream>(std::make_unique<Stream>(c, std::move(st)));
}

asio::awaitable<Result<std::chrono::steady_clock::duration>> Session::ping() {
  auto c = core_;
  if (c->closed) co_return make_error_code(Errc::kConnectionClosed);
  if (!c->ping_id) c->send_ping();
  const std::uint32_t id = *c->ping_id;
  while (!c->closed && c->ping_id == id) {
    if (!co_await c->ping_event.wait()) co_return make_error_code(asio::error::operation_aborted);
  }
  if (c->closed) co_return make_error_code(Errc::kConnectionClosed);
  co_return c->rtt;
}

asio::awaitable<void> Session::close(std::chrono::steady_clock::duration deadline) {
  auto c = core_;
  const auto start = detail::Clock::now();
  c->shutdown({}, true, GoAwayCode::kNormal);
  if (!c->started) co_return;
  // Give the writer a chance to flush the GoAway and the reader to see the remote's EOF.
  auto wait_done = [](std::shared_ptr<detail::SessionCore> core) -> asio::awaitable<Result<void>> {
    while (!(core->writer_done && core->reader_done)) {
      if (!co_await core->done_event.wait()) {
        co_return make_error_code(asio::error::operation_aborted);
      }
    }
    co_return Result<void>{};
  };
  (void)co_await with_timeout(wait_done(c), deadline / 2);
  const auto left = deadline - (detail::Clock::now() - start);
  co_await c->tasks.async_stop(std::max<std::chrono::steady_clock::duration>(left, {}));
}

bool Session::is_closed() const noexcept { return core_->closed; }
std::chrono::steady_clock::duration Session::rtt() const noexcept { return core_->rtt; }
std::size_t Session::num_streams() const noexcept { return core_->streams.size(); }

}  // namespace goop::p2p::yamux
