// The sealed frames of /goop/site/1.0.0 and /goop/avatar/1.0.0 (src/goop/crypto/sealed_frames.*)
// come from any peer: "ENC:<b64>" request lines reach the responder, "EOK ..." heads reach the
// client. The parsers must refuse bad lines cleanly, accept only sizes within the caps that a
// sealed body can have, and what they accept must re-format and re-parse to the same value.
// Error messages must carry no raw control characters.
#include "goop/crypto/sealed_frames.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace goop::crypto;

namespace {

void check_message(const std::string& m) {
  for (char c : m) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) std::abort();
  }
}

void check_sealed_size(std::uint64_t size, std::uint64_t max) {
  if (size > max || size < kMinSealedBody || size % 4 != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);

  auto b64 = parse_sealed_request_line(line);
  if (b64) {
    if (!is_sealed_request_line(line) || b64->empty()) std::abort();
    if (b64->size() + kSealedRequestPrefix.size() > kMaxSealedRequestLine) std::abort();
    // A view into the input.
    if (b64->data() < line.data() || b64->data() + b64->size() > line.data() + line.size()) {
      std::abort();
    }
    const std::string again = format_sealed_request_line(*b64);
    auto reparsed = parse_sealed_request_line(again);
    if (!reparsed || *reparsed != *b64) std::abort();
  } else {
    check_message(b64.error().message);
  }

  auto head = parse_sealed_site_head(line);
  if (head) {
    check_sealed_size(head->size, kMaxSealedSiteBody);
    if (head->mime.empty() || head->mime.front() == ' ' || head->mime.back() == ' ') std::abort();
    for (char c : head->mime) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f) std::abort();
    }
    const std::string body(head->size, 'A');
    const std::string frame = format_sealed_site_response(head->mime, body);
    auto reparsed = parse_sealed_site_head(std::string_view(frame).substr(0, frame.find('\n')));
    if (!reparsed || reparsed->mime != head->mime || reparsed->size != head->size) std::abort();
  } else {
    check_message(head.error().message);
  }

  auto avatar = parse_sealed_avatar_head(line);
  if (avatar) {
    check_sealed_size(*avatar, kMaxSealedAvatarBody);
    const std::string frame = format_sealed_avatar_response(std::string(*avatar, 'A'));
    auto reparsed = parse_sealed_avatar_head(std::string_view(frame).substr(0, frame.find('\n')));
    if (!reparsed || *reparsed != *avatar) std::abort();
  } else {
    check_message(avatar.error().message);
  }
  return 0;
}
