#include "base/errors.hpp"

#include "base/result.hpp"

#include <stdexcept>

// error_category has a protected non-virtual destructor by design (Boost.System).
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"

namespace goop {
namespace {

class BaseCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "goop"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::kTimeout:
        return "operation timed out";
      case Errc::kInvalidArgument:
        return "invalid argument";
      case Errc::kTooLarge:
        return "input exceeds size limit";
      case Errc::kNotFound:
        return "not found";
      case Errc::kCorrupt:
        return "stored data is corrupt";
      case Errc::kIo:
        return "input/output error";
      case Errc::kClosed:
        return "closed";
    }
    return "unknown goop error";
  }
};

}  // namespace

const boost::system::error_category& base_category() noexcept {
  static const BaseCategory cat;
  return cat;
}

void throw_exception_from_error(const Error& e, const boost::source_location& loc) {
  boost::throw_exception(boost::system::system_error(e.code, e.message), loc);
}

}  // namespace goop
