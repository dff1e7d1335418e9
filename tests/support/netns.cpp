#include "netns.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <string>

namespace goop::testing {

bool in_multicast_netns() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return false;
  bool only_lo = true;
  bool lo_ok = false;
  for (auto* i = list; i != nullptr; i = i->ifa_next) {
    if (std::string(i->ifa_name) != "lo") {
      only_lo = false;
    } else if ((i->ifa_flags & IFF_UP) && (i->ifa_flags & IFF_MULTICAST)) {
      lo_ok = true;
    }
  }
  freeifaddrs(list);
  return only_lo && lo_ok;
}

}  // namespace goop::testing
