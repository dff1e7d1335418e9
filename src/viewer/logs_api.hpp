#pragma once
// The viewer's log routes (spec/viewer.md §2.5, §4.3), over a LogBuffer:
//   GET /api/logs            -> [{"seq","ts","level","logger","msg"}, ...] (the kept lines)
//   GET /api/logs/stream     -> Server-Sent Events, each new line as `event: message` with the
//                               same object. With ?after=<seq>, the kept lines after <seq> are
//                               sent first, so a page that took the snapshot loses nothing in
//                               between (the Go viewer's gap). A page that cannot keep up is
//                               dropped (SseStream capacity; EventSource reconnects with the
//                               last seq it saw).
//
// Lines reach the streams on `ex` only: the buffer's listener, which runs on whatever thread
// logged, just posts one delivery at a time to `ex`.
//
// Executor rule: construct, use and destroy on `ex`, the HttpServer's executor. Lifetime: the
// LogBuffer must outlive this object; stop() (or the destructor) detaches from it.

#include "viewer/log_buffer.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>

namespace goop::web {
class HttpServer;
}

namespace goop::viewer {

class LogsApi {
 public:
  LogsApi(web::HttpServer& server, LogBuffer& buffer, boost::asio::any_io_executor ex);
  LogsApi(const LogsApi&) = delete;
  LogsApi& operator=(const LogsApi&) = delete;
  ~LogsApi();

  // Detaches from the buffer and ends every open stream. Idempotent.
  void stop();

  // Open streams (for tests).
  std::size_t stream_count() const;

  struct Hub;

 private:
  std::shared_ptr<Hub> hub_;
};

}  // namespace goop::viewer
