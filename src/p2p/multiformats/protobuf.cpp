#include "p2p/multiformats/protobuf.hpp"

#include "p2p/errors.hpp"
#include "p2p/multiformats/varint.hpp"

namespace goop::p2p::pb {

Result<std::optional<Field>> Reader::next() {
  if (in_.empty()) return std::optional<Field>{};
  GOOP_TRY(auto tag, decode_uvarint(in_));
  in_ = in_.subspan(tag.size);
  Field f;
  const std::uint64_t number = tag.value >> 3;
  if (number == 0 || number > 0x1fffffff) return make_error_code(Errc::kInvalidEncoding);
  f.number = static_cast<std::uint32_t>(number);
  switch (tag.value & 7) {
    case 0: {
      f.type = WireType::kVarint;
      auto v = decode_uvarint(in_);
      if (!v) return v.error();
      f.value = v->value;
      in_ = in_.subspan(v->size);
      break;
    }
    case 1:
    case 5: {
      const std::size_t n = (tag.value & 7) == 1 ? 8 : 4;
      f.type = n == 8 ? WireType::kFixed64 : WireType::kFixed32;
      if (in_.size() < n) return make_error_code(Errc::kTruncated);
      for (std::size_t i = 0; i < n; ++i) f.value |= static_cast<std::uint64_t>(in_[i]) << (8 * i);
      in_ = in_.subspan(n);
      break;
    }
    case 2: {
      f.type = WireType::kLen;
      GOOP_TRY(auto len, decode_uvarint(in_));
      in_ = in_.subspan(len.size);
      if (len.value > in_.size()) return make_error_code(Errc::kTruncated);
      f.bytes = in_.first(static_cast<std::size_t>(len.value));
      in_ = in_.subspan(static_cast<std::size_t>(len.value));
      break;
    }
    default:
      return make_error_code(Errc::kInvalidEncoding);
  }
  return std::optional<Field>(f);
}

void Writer::tag(std::uint32_t field, WireType t) {
  append_uvarint(out_, (static_cast<std::uint64_t>(field) << 3) | static_cast<std::uint8_t>(t));
}

void Writer::varint(std::uint32_t field, std::uint64_t v) {
  tag(field, WireType::kVarint);
  append_uvarint(out_, v);
}

void Writer::bytes(std::uint32_t field, BytesView b) {
  tag(field, WireType::kLen);
  append_uvarint(out_, b.size());
  out_.insert(out_.end(), b.begin(), b.end());
}

void Writer::len_header(std::uint32_t field, std::size_t len) {
  tag(field, WireType::kLen);
  append_uvarint(out_, len);
}

void Writer::fixed64(std::uint32_t field, std::uint64_t v) {
  tag(field, WireType::kFixed64);
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

}  // namespace goop::p2p::pb
