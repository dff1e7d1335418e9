#pragma once
// Minimal protobuf wire-format reader and writer for the small libp2p messages (Noise payload,
// identify, gossipsub RPC, circuit relay, ...). Codecs built on it are pure functions over
// bytes, easy to fuzz, and need no generated code.
//
// Reader rules: unknown fields are skipped (wire types 0, 1, 2, 5); groups (3, 4), field number
// 0, a truncated value or a length beyond the input are Errc::kInvalidEncoding / kTruncated.

#include "base/bytes.hpp"
#include "base/result.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace goop::p2p::pb {

enum class WireType : std::uint8_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

struct Field {
  std::uint32_t number = 0;
  WireType type = WireType::kVarint;
  std::uint64_t value = 0;  // kVarint, kFixed64, kFixed32
  BytesView bytes;          // kLen: view into the reader's input

  std::string_view str() const { return as_chars(bytes); }
};

class Reader {
 public:
  explicit Reader(BytesView in) : in_(in) {}
  // The next field, nullopt at the end of input, or an error.
  Result<std::optional<Field>> next();

 private:
  BytesView in_;
};

class Writer {
 public:
  Writer() = default;
  // Reserves `capacity` bytes up front (a size hint; the output may grow beyond it).
  explicit Writer(std::size_t capacity) { out_.reserve(capacity); }
  void varint(std::uint32_t field, std::uint64_t v);
  void bytes(std::uint32_t field, BytesView b);
  // The tag and length of a length-delimited field whose `len` bytes the caller writes next
  // (a nested message written in place, without a temporary buffer).
  void len_header(std::uint32_t field, std::size_t len);
  void string(std::uint32_t field, std::string_view s) { bytes(field, as_bytes(s)); }
  void fixed64(std::uint32_t field, std::uint64_t v);
  const Bytes& out() const noexcept { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  void tag(std::uint32_t field, WireType t);
  Bytes out_;
};

}  // namespace goop::p2p::pb
