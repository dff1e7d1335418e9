#include "p2p/negotiation/codec.hpp"

#include "p2p/errors.hpp"
#include "p2p/multiformats/varint.hpp"

namespace goop::p2p::multistream {

bool is_valid_protocol_name(std::string_view name) noexcept {
  return !name.empty() && name.size() <= kMaxProtocolLength &&
         name.find('\n') == std::string_view::npos && name != kNa && name != kLs &&
         name != kProtocolId;
}

void append_message(Bytes& out, std::string_view text) {
  append_uvarint(out, text.size() + 1);
  const auto b = as_bytes(text);
  out.insert(out.end(), b.begin(), b.end());
  out.push_back('\n');
}

Bytes encode_message(std::string_view text) {
  Bytes out;
  out.reserve(text.size() + 3);
  append_message(out, text);
  return out;
}

Result<std::string> decode_message_payload(BytesView payload) {
  if (payload.empty() || payload.back() != '\n') {
    return make_error_code(Errc::kInvalidEncoding);
  }
  return std::string(as_chars(payload.first(payload.size() - 1)));
}

Result<DecodedMessage> decode_message(BytesView in, std::size_t max_size) {
  GOOP_TRY(const auto len, decode_uvarint(in));
  if (len.value > max_size) return make_error_code(goop::Errc::kTooLarge);
  const auto size = static_cast<std::size_t>(len.value);
  if (in.size() - len.size < size) return make_error_code(Errc::kTruncated);
  GOOP_TRY(auto text, decode_message_payload(in.subspan(len.size, size)));
  return DecodedMessage{std::move(text), len.size + size};
}

Bytes encode_ls_response(const std::vector<std::string>& protocols) {
  Bytes entries;
  for (const auto& p : protocols) append_message(entries, p);
  return encode_message(as_chars(entries));
}

Result<std::vector<std::string>> decode_ls_response(std::string_view text) {
  std::vector<std::string> out;
  BytesView in = as_bytes(text);
  while (!in.empty()) {
    auto msg = decode_message(in, in.size());
    if (!msg) return make_error_code(Errc::kInvalidEncoding);
    out.push_back(std::move(msg->text));
    in = in.subspan(msg->size);
  }
  return out;
}

}  // namespace goop::p2p::multistream
