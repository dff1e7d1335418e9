#include "goop/content/detail/stream_reader.hpp"

#include "base/errors.hpp"
#include "base/timeout.hpp"

#include <algorithm>
#include <cstring>

namespace goop::content::detail {
namespace asio = boost::asio;

asio::awaitable<Result<std::string>> StreamReader::read_line(std::size_t max) {
  std::size_t scanned = 0;  // pending_[0, scanned) holds no LF
  Bytes buf(512);           // not std::array: GCC 12 miscompiles array initialisers in coroutines
  for (;;) {
    const auto begin = pending_.begin() + static_cast<std::ptrdiff_t>(scanned);
    const auto lf = std::find(begin, pending_.end(), std::uint8_t{'\n'});
    if (lf != pending_.end()) {
      const auto len = static_cast<std::size_t>(lf - pending_.begin());
      if (len > max) co_return make_error_code(Errc::kTooLarge);
      std::string line(reinterpret_cast<const char*>(pending_.data()), len);
      pending_.erase(pending_.begin(), lf + 1);
      co_return line;
    }
    scanned = pending_.size();
    if (scanned > max) co_return make_error_code(Errc::kTooLarge);
    auto n = co_await read_stream(buf);
    if (!n) co_return n.error();
    pending_.insert(pending_.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
  }
}

asio::awaitable<Result<std::size_t>> StreamReader::read_some(std::span<std::uint8_t> buf) {
  if (!pending_.empty()) {
    const std::size_t n = std::min(buf.size(), pending_.size());
    std::memcpy(buf.data(), pending_.data(), n);
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
    co_return n;
  }
  co_return co_await read_stream(buf);
}

asio::awaitable<Result<std::size_t>> StreamReader::read_stream(std::span<std::uint8_t> buf) {
  if (!read_timeout_) co_return co_await s_.read_some(buf);
  co_return co_await with_timeout(s_.read_some(buf), *read_timeout_);
}

}  // namespace goop::content::detail
