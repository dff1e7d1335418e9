#include "rendezvous/publish_check.hpp"

#include "base/errors.hpp"

#include <fmt/core.h>

namespace goop::rendezvous {
namespace {
Error bad(std::string message) {
  return Error{make_error_code(Errc::kInvalidArgument), "presence message: " + std::move(message)};
}
}  // namespace

Expected<presence::PresenceMsg> check_publish(std::string_view body) {
  GOOP_TRY(presence::PresenceMsg m, presence::decode(body));
  if (m.type == presence::MsgType::kPunch) {
    return bad("\"type\" \"punch\" is sent by the rendezvous only (use online, update or offline)");
  }
  if (m.email.size() > kMaxEmailBytes)
    return bad(fmt::format("\"email\" is longer than {} bytes", kMaxEmailBytes));
  for (const auto& a : m.addrs) {
    if (a.size() > kMaxAddrBytes)
      return bad(fmt::format("an address in \"addrs\" is longer than {} bytes", kMaxAddrBytes));
  }
  return m;
}

}  // namespace goop::rendezvous
