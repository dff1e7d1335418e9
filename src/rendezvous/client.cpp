#include "rendezvous/client.hpp"

#include "base/async_event.hpp"
#include "base/errors.hpp"
#include "base/log.hpp"
#include "base/task_group.hpp"
#include "base/timeout.hpp"
#include "rendezvous/client_policy.hpp"
#include "web/client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <fmt/core.h>

#include <deque>
#include <optional>

namespace goop::rendezvous {
namespace asio = boost::asio;
namespace {

log::Logger lg("rendezvous-client");

using ms = std::chrono::milliseconds;

// An unreachable rendezvous is worth a warning once it stayed so this long.
constexpr auto kWarnAfter = std::chrono::seconds(1);

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<ms>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Waits `d`; false if cancelled.
asio::awaitable<bool> sleep_for(ms d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return !ec;
}

// {"type":"error","error":"..."}: what our rendezvous answers a frame it refused; "" otherwise.
std::string error_frame_reason(std::string_view text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  const auto& o = v.as_object();
  const auto* type = o.if_contains("type");
  if (!type || !type->is_string() || type->as_string() != "error") return {};
  const auto* err = o.if_contains("error");
  return err && err->is_string() ? std::string(err->as_string()) : std::string("(no reason given)");
}

// One WebSocket connection and what waits to be written on it.
struct Session {
  explicit Session(std::unique_ptr<web::WebSocketClient> w, asio::any_io_executor ex)
      : ws(std::move(w)), wake(ex) {}
  std::unique_ptr<web::WebSocketClient> ws;
  std::deque<std::string> queue;
  AsyncEvent wake;       // something queued, or closing
  bool closing = false;  // async_stop: write what is queued, then close
  bool writing = false;
};

}  // namespace

struct RendezvousClient::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor e, ClientOptions opts, PresenceFn fn)
      : ex(e),
        o(std::move(opts)),
        on_presence(std::move(fn)),
        tasks(e, "rendezvous-client"),
        progress(e),
        ws_url(rendezvous::ws_url(o.base_url, o.peer_id)),
        probe_url(ws_probe_url(o.base_url)),
        sse_url(events_url(o.base_url, o.peer_id)),
        post_url(publish_url(o.base_url)) {}

  asio::any_io_executor ex;
  ClientOptions o;
  PresenceFn on_presence;
  TaskGroup tasks;
  AsyncEvent progress;  // a write or POST finished, or the session ended
  std::string ws_url, probe_url, sse_url, post_url;

  std::optional<presence::PresenceMsg> latest;  // the newest presence we published
  std::shared_ptr<Session> session;             // set while the WebSocket is up
  Mode mode = Mode::kConnecting;
  std::optional<std::string> pending_post;  // invariant 2
  bool posting = false;
  int post_failures = 0;  // in a row; the second one warns (once per outage)
  std::optional<std::chrono::steady_clock::time_point> unreachable_since;
  bool unreachable_logged = false;  // one warning per outage
  std::chrono::steady_clock::time_point last_too_early_post{};
  std::size_t attempts = 0;
  bool started = false;
  bool stopping = false;

  bool cancelled_or_stopping(const asio::cancellation_state& cs) const {
    return stopping || cs.cancelled() != asio::cancellation_type::none;
  }

  void note_reachable() {
    if (unreachable_logged) GOOP_LOG_INFO(lg, "{} is reachable again", o.base_url);
    unreachable_logged = false;
    unreachable_since.reset();
  }

  bool flushed() const {
    return (!session || (session->queue.empty() && !session->writing)) && !posting && !pending_post;
  }

  // ---- receiving ----

  void deliver(std::string_view text) {
    auto m = presence::decode(text);
    if (!m) {
      if (std::string reason = error_frame_reason(text); !reason.empty()) {
        GOOP_LOG_DEBUG(lg, "{} refused what we sent: {}", o.base_url, reason);
      } else {
        GOOP_LOG_DEBUG(lg, "{}: ignored a message: {}", o.base_url, m.error().message);
      }
      return;
    }
    if (m->peer_id == o.peer_id || stopping) return;  // invariant 3
    if (on_presence) on_presence(*m);
  }

  // ---- publishing ----

  void send(presence::PresenceMsg msg) {
    if (msg.ts == 0) msg.ts = now_unix_ms();
    std::string text = presence::encode(msg);
    latest = std::move(msg);
    if (!started) return;
    if (session && !session->closing) {
      if (session->queue.size() >= o.send_queue) session->queue.pop_front();  // invariant 1
      session->queue.push_back(std::move(text));
      session->wake.notify();
      return;
    }
    post(std::move(text));
  }

  void post(std::string text) {
    pending_post = std::move(text);
    if (posting) return;
    posting = true;
    if (!tasks.spawn(post_loop(shared_from_this()), "publish")) {
      posting = false;
      pending_post.reset();
    }
  }

  void post_latest() {
    if (latest) post(presence::encode(*latest));
  }

  static asio::awaitable<void> post_loop(std::shared_ptr<Impl> self) {
    while (self->pending_post) {
      web::ClientRequest req;
      req.method = "POST";
      req.url = self->post_url;
      req.headers.emplace("Content-Type", "application/json");
      req.body = std::move(*self->pending_post);
      req.timeout = self->o.publish_timeout;
      req.body_limit = 64 * 1024;
      self->pending_post.reset();
      auto r = co_await web::fetch(self->ex, std::move(req));
      std::string failure;
      if (!r) {
        failure = r.error().message;
      } else if (r->status < 200 || r->status > 299) {
        failure = fmt::format("{}/publish answered {} {}", self->o.base_url, r->status,
                              r->body.substr(0, 200));
      }
      // A single failure (a rendezvous starting next to us) is not worth a warning.
      if (failure.empty()) {
        if (self->post_failures >= 2)
          GOOP_LOG_INFO(lg, "publishing our presence to {} works again", self->o.base_url);
        self->post_failures = 0;
      } else if (++self->post_failures == 2) {
        GOOP_LOG_WARN(lg, "cannot publish our presence to {}: {} (retried with every heartbeat)",
                      self->o.base_url, failure);
      } else {
        GOOP_LOG_DEBUG(lg, "publish failed: {}", failure);
      }
    }
    self->posting = false;
    self->progress.notify();
  }

  // ---- the WebSocket ----

  static asio::awaitable<void> read_loop(std::shared_ptr<Impl> self, std::shared_ptr<Session> s) {
    for (;;) {
      auto text = co_await s->ws->read();
      if (!text) {
        GOOP_LOG_DEBUG(lg, "{}: WebSocket ended: {} (close code {})", self->o.base_url,
                       text.error().message, s->ws->close_code());
        co_return;
      }
      self->deliver(*text);
    }
  }

  static asio::awaitable<void> write_loop(std::shared_ptr<Impl> self, std::shared_ptr<Session> s) {
    for (;;) {
      while (s->queue.empty() && !s->closing) {
        if (!co_await s->wake.wait()) co_return;  // cancelled: the read side ended
      }
      if (s->queue.empty()) break;  // closing, all written
      std::string text = std::move(s->queue.front());
      s->queue.pop_front();
      s->writing = true;
      auto w = co_await s->ws->write(std::move(text));
      s->writing = false;
      self->progress.notify();
      if (!w) {
        GOOP_LOG_DEBUG(lg, "{}: WebSocket write failed: {}", self->o.base_url, w.error().message);
        break;
      }
    }
    // Ends the read side too: the server answers the close frame (or the connection is gone).
    co_await s->ws->close(1000, "");
  }

  // Runs one connected WebSocket until either side ends it.
  static asio::awaitable<void> ws_session(std::shared_ptr<Impl> self,
                                          std::unique_ptr<web::WebSocketClient> ws) {
    auto s = std::make_shared<Session>(std::move(ws), self->ex);
    self->session = s;
    self->mode = Mode::kWebSocket;
    if (self->latest) s->queue.push_back(presence::encode(*self->latest));  // learn us at once
    auto [order, read_ex, write_ex] =
        co_await asio::experimental::make_parallel_group(
            asio::co_spawn(self->ex, read_loop(self, s), asio::deferred),
            asio::co_spawn(self->ex, write_loop(self, s), asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    (void)order;
    (void)read_ex;
    (void)write_ex;
    self->session.reset();
    self->mode = Mode::kConnecting;
    self->progress.notify();
    // Whatever was still queued goes by POST (the newest presence is what matters).
    if (!s->queue.empty() && !self->stopping) self->post(std::move(s->queue.back()));
  }

  // ---- SSE + POST fallback ----

  static asio::awaitable<void> sse_loop(std::shared_ptr<Impl> self) {
    Backoff backoff(self->o.backoff_initial, self->o.backoff_max);
    for (;;) {
      web::ClientRequest req;
      req.url = self->sse_url;
      req.headers.emplace("Accept", "text/event-stream");
      req.timeout = self->o.handshake_timeout;
      int status = 0;
      const auto began = std::chrono::steady_clock::now();
      std::weak_ptr<Impl> weak = self;
      std::function<void(std::string_view)> on_data = [weak](std::string_view data) {
        if (auto me = weak.lock()) me->deliver(data);
      };
      auto r = co_await web::read_event_stream(self->ex, std::move(req), std::move(on_data),
                                               self->o.sse_idle_timeout, &status);
      auto cs = co_await asio::this_coro::cancellation_state;
      if (self->cancelled_or_stopping(cs)) co_return;
      std::string why = "closed by the server";
      if (!r) why = r.error().message;
      GOOP_LOG_DEBUG(lg, "{}: event stream ended: {}", self->o.base_url, why);
      if (status == 403) self->post_latest();  // it does not know us (yet): tell it
      if (std::chrono::steady_clock::now() - began > self->o.backoff_reset_after) backoff.reset();
      if (!co_await sleep_for(backoff.next())) co_return;
    }
  }

  // Returns when a WebSocket probe passes (or on cancellation).
  static asio::awaitable<void> probe_loop(std::shared_ptr<Impl> self) {
    ms delay = self->o.probe_first;
    for (;;) {
      const bool slept = co_await sleep_for(delay);
      if (!slept || self->stopping) co_return;
      delay = self->o.probe_every;
      web::WsConnectOptions opts;
      opts.handshake_timeout = self->o.probe_timeout;
      opts.idle_timeout = self->o.probe_timeout;
      auto ws = co_await web::WebSocketClient::connect(self->ex, self->probe_url, std::move(opts));
      if (ws) {
        co_await (*ws)->close(1000, "");
        GOOP_LOG_INFO(lg, "{} accepts WebSockets again: switching back from the event stream",
                      self->o.base_url);
        co_return;
      }
      GOOP_LOG_DEBUG(lg, "{}: WebSocket probe failed: {}", self->o.base_url,
                     ws.error().error.message);
    }
  }

  static asio::awaitable<void> fallback(std::shared_ptr<Impl> self) {
    self->mode = Mode::kEventStream;
    self->post_latest();  // the event stream serves only peers the rendezvous knows
    co_await asio::experimental::make_parallel_group(
        asio::co_spawn(self->ex, sse_loop(self), asio::deferred),
        asio::co_spawn(self->ex, probe_loop(self), asio::deferred))
        .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    self->mode = Mode::kConnecting;
  }

  // ---- the connect loop ----

  static asio::awaitable<void> run(std::shared_ptr<Impl> self) {
    Backoff backoff(self->o.backoff_initial, self->o.backoff_max);
    for (;;) {
      auto cs = co_await asio::this_coro::cancellation_state;
      if (self->cancelled_or_stopping(cs)) co_return;
      web::WsConnectOptions opts;
      opts.handshake_timeout = self->o.handshake_timeout;
      opts.idle_timeout = self->o.ws_idle_timeout;
      opts.max_message = presence::kMaxMessageBytes;
      ++self->attempts;
      auto ws = co_await web::WebSocketClient::connect(self->ex, self->ws_url, std::move(opts));
      if (self->stopping) co_return;
      if (ws || ws.error().http_status != 0) self->note_reachable();
      if (ws) {
        GOOP_LOG_DEBUG(lg, "{}: WebSocket connected", self->o.base_url);
        const auto began = std::chrono::steady_clock::now();
        co_await ws_session(self, std::move(*ws));
        if (self->stopping) co_return;
        if (std::chrono::steady_clock::now() - began > self->o.backoff_reset_after) backoff.reset();
        if (!co_await sleep_for(backoff.next())) co_return;
        continue;
      }
      const web::WsConnectError& err = ws.error();
      switch (classify_refusal(err.http_status)) {
        case WsRefusal::kTooEarly: {
          // It does not know us yet (an older rendezvous): publish now rather than at the next
          // heartbeat, at most once a second.
          const auto now = std::chrono::steady_clock::now();
          if (now - self->last_too_early_post > std::chrono::seconds(1)) {
            self->last_too_early_post = now;
            self->post_latest();
          }
          if (!co_await sleep_for(self->o.too_early_retry)) co_return;
          break;
        }
        case WsRefusal::kUnsupported:
          GOOP_LOG_INFO(
              lg, "{} refused a WebSocket (HTTP {}): using its event stream and POST /publish",
              self->o.base_url, err.http_status);
          co_await fallback(self);
          backoff.reset();
          break;
        case WsRefusal::kTransport: {
          const ms delay = backoff.next();
          const auto now = std::chrono::steady_clock::now();
          if (!self->unreachable_since) self->unreachable_since = now;
          // Warn once per outage, and not for the first second (a rendezvous starting with us).
          if (!self->unreachable_logged && now - *self->unreachable_since >= kWarnAfter) {
            self->unreachable_logged = true;
            GOOP_LOG_WARN(lg, "cannot reach the rendezvous: {}; retrying until it answers",
                          err.error.message);
          } else {
            GOOP_LOG_DEBUG(lg, "{} still unreachable ({}); next try in {} ms", self->o.base_url,
                           err.error.message, delay.count());
          }
          if (!co_await sleep_for(delay)) co_return;
          break;
        }
      }
    }
  }

  // (Written with one co_return of a named result: GCC 12 miscompiled the variant with two.)
  static asio::awaitable<Result<void>> wait_flushed(std::shared_ptr<Impl> self) {
    Result<void> r;
    while (!self->flushed()) {
      const bool woken = co_await self->progress.wait();
      if (!woken) {
        r = make_error_code(asio::error::operation_aborted);
        break;
      }
    }
    co_return r;
  }

  static asio::awaitable<Result<void>> wait_session_ended(std::shared_ptr<Impl> self) {
    Result<void> r;
    while (self->session) {
      const bool woken = co_await self->progress.wait();
      if (!woken) {
        r = make_error_code(asio::error::operation_aborted);
        break;
      }
    }
    co_return r;
  }
};

RendezvousClient::RendezvousClient(asio::any_io_executor ex, ClientOptions options,
                                   PresenceFn on_presence)
    : impl_(std::make_shared<Impl>(std::move(ex), std::move(options), std::move(on_presence))) {}

RendezvousClient::~RendezvousClient() { impl_->stopping = true; }

void RendezvousClient::start() {
  Impl& s = *impl_;
  if (s.started || s.stopping) return;
  s.started = true;
  if (s.ws_url.empty()) {
    GOOP_LOG_WARN(lg, "rendezvous \"{}\" is not an http:// or https:// URL: not used",
                  s.o.base_url);
    return;
  }
  s.tasks.spawn(Impl::run(impl_), "connect");
}

void RendezvousClient::publish(presence::PresenceMsg msg) {
  if (impl_->stopping) return;
  impl_->send(std::move(msg));
}

bool RendezvousClient::connected() const noexcept { return impl_->session != nullptr; }

RendezvousClient::Mode RendezvousClient::mode() const noexcept { return impl_->mode; }

const std::string& RendezvousClient::base_url() const noexcept { return impl_->o.base_url; }

std::size_t RendezvousClient::connect_attempts() const noexcept { return impl_->attempts; }

asio::awaitable<void> RendezvousClient::async_stop(std::chrono::steady_clock::duration deadline) {
  auto self = impl_;
  if (!self->stopping) {
    const auto flush =
        std::min<std::chrono::steady_clock::duration>(self->o.stop_flush, deadline / 4);
    if (self->started && self->latest && self->latest->type != presence::MsgType::kOffline) {
      presence::PresenceMsg off = *self->latest;
      off.type = presence::MsgType::kOffline;
      off.ts = 0;
      self->send(std::move(off));
    }
    self->stopping = true;
    if (self->started) {
      Result<void> sent = co_await with_timeout(Impl::wait_flushed(self), flush);
      if (!sent)
        GOOP_LOG_DEBUG(lg, "{}: our offline presence may not have been sent", self->o.base_url);
      if (auto s = self->session) {  // close the WebSocket after what is queued
        s->closing = true;
        s->wake.notify();
        Result<void> closed = co_await with_timeout(Impl::wait_session_ended(self), flush);
        if (!closed)
          GOOP_LOG_DEBUG(lg, "{}: the WebSocket did not close in time", self->o.base_url);
      }
    }
  }
  co_await self->tasks.async_stop(deadline / 2);
}

}  // namespace goop::rendezvous
