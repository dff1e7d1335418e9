#include "viewer/logs_api.hpp"

#include "web/http_server.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>

namespace goop::viewer {
namespace asio = boost::asio;

struct LogsApi::Hub : std::enable_shared_from_this<Hub> {
  Hub(LogBuffer& b, asio::any_io_executor e) : buffer(b), ex(std::move(e)) {}

  struct Subscriber {
    std::weak_ptr<web::SseStream> stream;
    std::uint64_t sent = 0;  // the last seq this stream has been given
  };

  LogBuffer& buffer;
  asio::any_io_executor ex;
  std::vector<Subscriber> subscribers;  // touched on `ex` only
  std::atomic<bool> delivery_posted{false};
  std::atomic<bool> listening{false};  // some stream is open: only then are lines posted
  bool stopped = false;

  // On any thread (the buffer's listener): at most one delivery is queued at a time.
  void line_added() {
    if (!listening.load() || delivery_posted.exchange(true)) return;
    asio::post(ex, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->deliver();
    });
  }

  // On `ex`: every subscriber gets the lines after the last one it was sent.
  void deliver() {
    delivery_posted = false;  // lines appended from here on post a new delivery
    if (stopped || subscribers.empty()) {
      listening = false;
      return;
    }
    std::uint64_t oldest = subscribers.front().sent;
    for (const auto& s : subscribers) oldest = std::min(oldest, s.sent);
    const auto lines = buffer.lines_after(oldest);
    std::vector<std::string> frames;
    frames.reserve(lines.size());
    for (const auto& l : lines) frames.push_back(to_json(l));
    std::erase_if(subscribers, [&](Subscriber& s) {
      auto stream = s.stream.lock();
      if (!stream || stream->closed()) return true;
      for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].seq <= s.sent) continue;
        if (!stream->send("message", frames[i])) return true;  // too slow: dropped
        s.sent = lines[i].seq;
      }
      return false;
    });
    listening = !subscribers.empty();
  }

  web::Response snapshot() const {
    std::string body = "[";
    for (const auto& l : buffer.lines_after(0)) {
      if (body.size() > 1) body += ",";
      body += to_json(l);
    }
    body += "]";
    return web::Response::json(200, std::move(body));
  }

  web::Response open_stream(const web::Request& req) {
    std::uint64_t after = 0;
    bool replay = false;
    if (auto p = req.param("after")) {
      const auto [end, ec] = std::from_chars(p->data(), p->data() + p->size(), after);
      if (p->empty() || ec != std::errc() || end != p->data() + p->size()) {
        return web::Response::error(
            400, "after must be the seq number of the last log line the page has");
      }
      replay = true;
    }
    std::vector<LogLine> lines;
    std::uint64_t sent = buffer.last_seq();
    if (replay) {
      if (after > sent) after = 0;  // a seq of an earlier run of this peer: give it all we kept
      lines = buffer.lines_after(after);
      if (!lines.empty()) sent = lines.back().seq;
    }
    auto stream = std::make_shared<web::SseStream>(lines.size() + web::SseStream::kDefaultCapacity);
    for (const auto& l : lines) stream->send("message", to_json(l));
    if (!stopped) {
      subscribers.push_back(Subscriber{stream, sent});
      listening = true;
      // A line stored after `sent` whose listener call saw no stream yet is picked up here.
      if (buffer.last_seq() > sent) line_added();
    } else {
      stream->close();
    }
    return web::Response::sse(std::move(stream));
  }
};

LogsApi::LogsApi(web::HttpServer& server, LogBuffer& buffer, asio::any_io_executor ex)
    : hub_(std::make_shared<Hub>(buffer, std::move(ex))) {
  server.route("GET", "/api/logs",
               web::SyncHandler([hub = hub_](const web::Request&) { return hub->snapshot(); }));
  server.route("GET", "/api/logs/stream", web::SyncHandler([hub = hub_](const web::Request& req) {
                 return hub->open_stream(req);
               }));
  buffer.set_listener([weak = std::weak_ptr<Hub>(hub_)] {
    if (auto hub = weak.lock()) hub->line_added();
  });
}

LogsApi::~LogsApi() { stop(); }

void LogsApi::stop() {
  if (hub_->stopped) return;
  hub_->stopped = true;
  hub_->buffer.set_listener(nullptr);
  for (auto& s : hub_->subscribers) {
    if (auto stream = s.stream.lock()) stream->close();
  }
  hub_->subscribers.clear();
  hub_->listening = false;
}

std::size_t LogsApi::stream_count() const {
  std::size_t n = 0;
  for (const auto& s : hub_->subscribers) {
    if (auto stream = s.stream.lock(); stream && !stream->closed()) ++n;
  }
  return n;
}

}  // namespace goop::viewer
