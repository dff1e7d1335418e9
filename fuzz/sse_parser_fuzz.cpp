// Event streams come from a rendezvous over the network (the SSE fallback of the rendezvous
// client): the parser must keep its caps whatever the bytes and however they are split, and
// splitting a stream differently must not change the events it yields.
#include "web/sse_parser.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using goop::web::SseParser;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view all(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t chunk = 1 + data[0] % 17;
  std::vector<std::string> whole, pieces;
  SseParser a;
  const bool ok_whole = a.feed(all, [&](std::string_view d) { whole.emplace_back(d); }).has_value();
  SseParser b;
  bool ok_pieces = true;
  for (std::size_t i = 0; i < all.size() && ok_pieces; i += chunk) {
    ok_pieces = b.feed(all.substr(i, chunk), [&](std::string_view d) {
                   pieces.emplace_back(d);
                 }).has_value();
  }
  for (const auto& e : whole) {
    if (e.size() > SseParser::kMaxEvent) std::abort();
  }
  if (ok_whole && ok_pieces && whole != pieces) std::abort();
  return 0;
}
