#include "p2p/multiformats/multibase.hpp"

#include "p2p/errors.hpp"

#include <algorithm>
#include <array>

namespace goop::p2p {
namespace {

constexpr std::string_view kB58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr std::string_view kB36 = "0123456789abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kB32 = "abcdefghijklmnopqrstuvwxyz234567";

// Big-number radix conversion for base58/base36 (leading zero bytes become leading "zero
// digits", as in Bitcoin's base58).
std::string radix_encode(BytesView in, std::string_view alphabet) {
  const unsigned base = static_cast<unsigned>(alphabet.size());
  std::size_t zeros = 0;
  while (zeros < in.size() && in[zeros] == 0) ++zeros;
  std::vector<std::uint8_t> digits;  // little-endian digits in `base`
  digits.reserve(in.size() * 2);
  for (std::size_t i = zeros; i < in.size(); ++i) {
    unsigned carry = in[i];
    for (auto& d : digits) {
      carry += static_cast<unsigned>(d) << 8;
      d = static_cast<std::uint8_t>(carry % base);
      carry /= base;
    }
    while (carry) {
      digits.push_back(static_cast<std::uint8_t>(carry % base));
      carry /= base;
    }
  }
  std::string out(zeros, alphabet[0]);
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(alphabet[*it]);
  return out;
}

Result<Bytes> radix_decode(std::string_view text, std::string_view alphabet, bool fold_case) {
  if (text.size() > kMaxMultibaseText) return make_error_code(goop::Errc::kTooLarge);
  std::array<int, 256> value;
  value.fill(-1);
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    value[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
    if (fold_case && alphabet[i] >= 'a' && alphabet[i] <= 'z') {
      value[static_cast<unsigned char>(alphabet[i] - 'a' + 'A')] = static_cast<int>(i);
    }
  }
  const unsigned base = static_cast<unsigned>(alphabet.size());
  std::size_t zeros = 0;
  while (zeros < text.size() && text[zeros] == alphabet[0]) ++zeros;
  std::vector<std::uint8_t> bytes;  // little-endian
  for (std::size_t i = zeros; i < text.size(); ++i) {
    const int v = value[static_cast<unsigned char>(text[i])];
    if (v < 0) return make_error_code(Errc::kInvalidEncoding);
    unsigned carry = static_cast<unsigned>(v);
    for (auto& b : bytes) {
      carry += static_cast<unsigned>(b) * base;
      b = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry) {
      bytes.push_back(static_cast<std::uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  Bytes out(zeros, 0);
  out.insert(out.end(), bytes.rbegin(), bytes.rend());
  return out;
}

}  // namespace

std::string base58btc_encode(BytesView in) { return radix_encode(in, kB58); }
Result<Bytes> base58btc_decode(std::string_view text) { return radix_decode(text, kB58, false); }
std::string base36_encode(BytesView in) { return radix_encode(in, kB36); }
Result<Bytes> base36_decode(std::string_view text) { return radix_decode(text, kB36, true); }

std::string base32_encode(BytesView in) {
  std::string out;
  out.reserve((in.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t b : in) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kB32[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kB32[(buffer << (5 - bits)) & 31]);
  return out;
}

Result<Bytes> base32_decode(std::string_view text) {
  if (text.size() > kMaxMultibaseText) return make_error_code(goop::Errc::kTooLarge);
  Bytes out;
  out.reserve(text.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'a' && c <= 'z')
      v = c - 'a';
    else if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= '2' && c <= '7')
      v = c - '2' + 26;
    else
      return make_error_code(Errc::kInvalidEncoding);
    buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  // Leftover bits must be zero padding shorter than one character's worth.
  if (bits >= 5 || (buffer & ((1u << bits) - 1)) != 0)
    return make_error_code(Errc::kInvalidEncoding);
  return out;
}

std::string multibase_encode(Multibase base, BytesView in) {
  std::string out(1, static_cast<char>(base));
  switch (base) {
    case Multibase::kBase58Btc:
      out += base58btc_encode(in);
      break;
    case Multibase::kBase32:
      out += base32_encode(in);
      break;
    case Multibase::kBase36:
      out += base36_encode(in);
      break;
  }
  return out;
}

Result<MultibaseDecoded> multibase_decode(std::string_view text) {
  if (text.empty()) return make_error_code(Errc::kInvalidEncoding);
  if (text.size() > kMaxMultibaseText + 1) return make_error_code(goop::Errc::kTooLarge);
  const char prefix = text.front();
  const std::string_view body = text.substr(1);
  Result<Bytes> bytes = make_error_code(Errc::kInvalidEncoding);
  Multibase base;
  switch (prefix) {
    case 'z':
      base = Multibase::kBase58Btc;
      bytes = base58btc_decode(body);
      break;
    case 'b':
    case 'B':
      base = Multibase::kBase32;
      bytes = base32_decode(body);
      break;
    case 'k':
    case 'K':
      base = Multibase::kBase36;
      bytes = base36_decode(body);
      break;
    default:
      return make_error_code(Errc::kInvalidEncoding);
  }
  if (!bytes) return bytes.error();
  return MultibaseDecoded{base, std::move(*bytes)};
}

}  // namespace goop::p2p
