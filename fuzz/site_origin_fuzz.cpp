// Host headers and If-None-Match values come from any web page the browser loads. Whatever
// site_label_of_host() accepts must be one lower-case DNS label of [a-z0-9] that, with
// ".localhost:<port>", spells the host again (ignoring case); is_site_host() must agree with it;
// a label that names a peer must be exactly that peer's site_label() (one origin per site).
#include "base/ascii.hpp"
#include "viewer/site_origin.hpp"
#include "viewer/site_page.hpp"
#include "web/etag.hpp"
#include "web/http.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace goop::viewer;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view host(reinterpret_cast<const char*>(data), size);
  const auto label = site_label_of_host(host, 8080);
  if (label.has_value() != is_site_host(host, 8080)) std::abort();
  if (label) {
    if (label->empty() || label->size() > kMaxDnsLabel) std::abort();
    for (char c : *label) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) std::abort();
    }
    if (goop::ascii::lower(host) != *label + ".localhost:8080") std::abort();
  }
  const std::string_view as_label = label ? std::string_view(*label) : host;
  if (auto peer = peer_from_site_label(as_label)) {
    if (site_label(*peer) != goop::ascii::lower(as_label)) std::abort();
  }
  (void)goop::web::etag_matches(host, "\"0123456789abcdef0123456789abcdef\"");
  return 0;
}
