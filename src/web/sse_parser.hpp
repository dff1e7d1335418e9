#pragma once
// SseParser: the client side of the WHATWG HTML "Server-sent events" stream format
// ("Interpreting an event stream"), reduced to what Goop2 needs: the data of each event.
// Pure (no I/O), so it is tested byte by byte; used by read_event_stream (client_http.cpp).
//
// Rules kept from the spec: lines end in CRLF, LF or CR (a CRLF split across two feed() calls
// counts once); a leading UTF-8 BOM is skipped; "data" lines (one space after the colon
// stripped) accumulate, joined with '\n'; an empty line dispatches the event if it has data;
// lines starting with ':' are comments; other fields (event, id, retry) are ignored.
//
// Invariants:
//  1. The pending line and the pending event data are each at most kMaxLine / kMaxEvent
//     bytes; feeding more is an error (Errc::kTooLarge) and the parser must not be used again.
//
// Executor rule: none; not thread-safe.

#include "base/result.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace goop::web {

class SseParser {
 public:
  static constexpr std::size_t kMaxLine = 64 * 1024;
  static constexpr std::size_t kMaxEvent = 64 * 1024;
  using DataFn = std::function<void(std::string_view data)>;

  // Parses `bytes` (any split of the stream) and calls `on_data` for every complete event, in
  // order. Errors (Errc::kTooLarge, message without a URL): a line or an event over its cap.
  Expected<void> feed(std::string_view bytes, const DataFn& on_data);

 private:
  Expected<void> end_line(const DataFn& on_data);

  std::string line_;
  std::string data_;  // "data" values, each followed by '\n'
  bool after_cr_ = false;
  bool started_ = false;  // past the optional BOM
};

}  // namespace goop::web
