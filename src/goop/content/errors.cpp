#include "goop/content/errors.hpp"

#include <string>

// error_category has a protected non-virtual destructor by design (Boost.System).
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"

namespace goop::content {
namespace {

class ContentCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "goop.content"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::kForbidden:
        return "forbidden";
      case Errc::kBadRequest:
        return "bad request";
      case Errc::kRefused:
        return "refused by the peer";
      case Errc::kBadResponse:
        return "bad response";
      case Errc::kEncryptedUnsupported:
        return "encrypted responses are not supported yet";
    }
    return "unknown content error";
  }
};

}  // namespace

const boost::system::error_category& content_category() noexcept {
  static const ContentCategory cat;
  return cat;
}

}  // namespace goop::content
