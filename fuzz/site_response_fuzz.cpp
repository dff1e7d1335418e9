// Response header lines of /goop/site/1.0.0 and /goop/avatar/1.0.0 come from any peer: the
// parsers must refuse bad lines cleanly, accept only sizes within the caps and MIME types that
// are safe to pass on as an HTTP header, and what they accept must re-format and re-parse to the
// same value. Error messages must carry no raw control characters.
#include "goop/content/codec.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace goop::content;

namespace {

void check_message(const std::string& m) {
  for (char c : m) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);

  auto head = parse_site_response_head(line);
  if (head) {
    if (head->size > kMaxSiteFileSize || head->mime.empty()) std::abort();
    for (char c : head->mime) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f) std::abort();
    }
    if (head->mime.front() == ' ' || head->mime.back() == ' ') std::abort();
    const std::string again = "OK " + head->mime + " " + std::to_string(head->size);
    auto reparsed = parse_site_response_head(again);
    if (!reparsed || reparsed->mime != head->mime || reparsed->size != head->size) std::abort();
  } else {
    check_message(head.error().message);
  }

  auto avatar = parse_avatar_head(line);
  if (avatar) {
    if (*avatar && **avatar > kMaxFetchedAvatarSize) std::abort();
  } else {
    check_message(avatar.error().message);
  }
  return 0;
}
