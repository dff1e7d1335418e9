#include "viewer/site_origin.hpp"

#include "base/ascii.hpp"

#include <fmt/core.h>

namespace goop::viewer {
namespace {

bool is_label_char(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

std::string site_label(const p2p::PeerId& peer) { return peer.to_cid_base36(); }

std::optional<p2p::PeerId> peer_from_site_label(std::string_view label) {
  if (label.size() < 2 || label.size() > kMaxDnsLabel) return std::nullopt;
  const std::string lowered = ascii::lower(label);
  for (const char c : lowered) {
    if (!is_label_char(c)) return std::nullopt;
  }
  if (lowered.front() != 'k') return std::nullopt;
  auto id = p2p::PeerId::parse(lowered);
  // One peer, one label: refuse other spellings of the same bytes (leading zeros and the like).
  if (!id || site_label(*id) != lowered) return std::nullopt;
  return std::move(*id);
}

std::string site_origin(const p2p::PeerId& peer, std::uint16_t port) {
  return fmt::format("http://{}.localhost:{}", site_label(peer), port);
}

namespace {

// Letters (either case) and digits: the characters of a label.
constexpr bool kLabelChar[256] = {
#define GOOP_R16(b) b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b
    GOOP_R16(false),
    GOOP_R16(false),
    GOOP_R16(false),
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,  // '0'..'9'
    false,
    false,
    false,
    false,
    false,
    false,
    false,  // ':'..'@'
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,  // 'A'..'M'
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,  // 'N'..'Z'
    false,
    false,
    false,
    false,
    false,
    false,  // '['..'`'
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,  // 'a'..'m'
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    true,  // 'n'..'z'
    false,
    false,
    false,
    false,
    false,  // '{'..DEL
    GOOP_R16(false),
    GOOP_R16(false),
    GOOP_R16(false),
    GOOP_R16(false),
    GOOP_R16(false),
    GOOP_R16(false),
    GOOP_R16(false),
    GOOP_R16(false)
#undef GOOP_R16
};
constexpr bool label_char(char c) { return kLabelChar[static_cast<unsigned char>(c)]; }
static_assert(label_char('0') && label_char('9') && label_char('A') && label_char('Z') &&
              label_char('a') && label_char('z') && !label_char('.') && !label_char('-') &&
              !label_char('@') && !label_char('[') && !label_char('`') && !label_char('{') &&
              !label_char(':') && !label_char('/'));

// The label part of a site host, still in the case it was sent in, or nullopt. On the path of
// every request to the viewer (the virtual-host matcher), so a single pass over the label.
std::optional<std::string_view> label_part(std::string_view host, std::uint16_t port) {
  constexpr std::string_view kSuffix = ".localhost:";
  std::size_t dot = 0;
  while (dot < host.size() && dot <= kMaxDnsLabel &&
         kLabelChar[static_cast<unsigned char>(host[dot])]) {
    ++dot;
  }
  if (dot == 0 || dot >= host.size() || dot > kMaxDnsLabel || host[dot] != '.') return std::nullopt;
  const std::string_view rest = host.substr(dot);
  if (rest.size() <= kSuffix.size()) return std::nullopt;
  if (!ascii::starts_with_ci(rest, kSuffix)) return std::nullopt;
  const std::string_view port_text = rest.substr(kSuffix.size());
  if (port_text.size() > 5 || port_text.front() == '0') return std::nullopt;
  unsigned value = 0;
  for (const char c : port_text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value != port) return std::nullopt;
  return host.substr(0, dot);
}

}  // namespace

std::optional<std::string> site_label_of_host(std::string_view host, std::uint16_t port) {
  const auto part = label_part(host, port);
  if (!part) return std::nullopt;
  return ascii::lower(*part);
}

bool is_site_host(std::string_view host, std::uint16_t port) {
  return label_part(host, port).has_value();
}

}  // namespace goop::viewer
