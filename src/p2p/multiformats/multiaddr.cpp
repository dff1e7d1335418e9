#include "p2p/multiformats/multiaddr.hpp"

#include "p2p/errors.hpp"
#include "p2p/multiformats/detail/multiaddr_values.hpp"
#include "p2p/multiformats/varint.hpp"

#include <algorithm>
#include <array>

namespace goop::p2p {
namespace {

constexpr int kVar = MultiaddrProtocol::kVariableSize;

constexpr std::array kProtocols{
    MultiaddrProtocol{ma::kIp4, "ip4", 4},
    MultiaddrProtocol{ma::kTcp, "tcp", 2},
    MultiaddrProtocol{ma::kDccp, "dccp", 2},
    MultiaddrProtocol{ma::kIp6, "ip6", 16},
    MultiaddrProtocol{ma::kIp6Zone, "ip6zone", kVar},
    MultiaddrProtocol{ma::kDns, "dns", kVar},
    MultiaddrProtocol{ma::kDns4, "dns4", kVar},
    MultiaddrProtocol{ma::kDns6, "dns6", kVar},
    MultiaddrProtocol{ma::kDnsAddr, "dnsaddr", kVar},
    MultiaddrProtocol{ma::kSctp, "sctp", 2},
    MultiaddrProtocol{ma::kUdp, "udp", 2},
    MultiaddrProtocol{ma::kWebRtcDirect, "webrtc-direct", 0},
    MultiaddrProtocol{ma::kWebRtc, "webrtc", 0},
    MultiaddrProtocol{ma::kP2pCircuit, "p2p-circuit", 0},
    MultiaddrProtocol{ma::kUnix, "unix", kVar, true},
    MultiaddrProtocol{ma::kP2p, "p2p", kVar},
    MultiaddrProtocol{ma::kHttps, "https", 0},
    MultiaddrProtocol{ma::kTls, "tls", 0},
    MultiaddrProtocol{ma::kSni, "sni", kVar},
    MultiaddrProtocol{ma::kNoise, "noise", 0},
    MultiaddrProtocol{ma::kQuic, "quic", 0},
    MultiaddrProtocol{ma::kQuicV1, "quic-v1", 0},
    MultiaddrProtocol{ma::kWebTransport, "webtransport", 0},
    MultiaddrProtocol{ma::kCertHash, "certhash", kVar},
    MultiaddrProtocol{ma::kWs, "ws", 0},
    MultiaddrProtocol{ma::kWss, "wss", 0},
    MultiaddrProtocol{ma::kHttp, "http", 0},
    MultiaddrProtocol{ma::kMemory, "memory", 8},
};

error_code invalid() { return make_error_code(Errc::kInvalidEncoding); }

}  // namespace

const MultiaddrProtocol* find_multiaddr_protocol(std::uint64_t code) noexcept {
  for (const auto& p : kProtocols) {
    if (p.code == code) return &p;
  }
  return nullptr;
}

const MultiaddrProtocol* find_multiaddr_protocol(std::string_view name) noexcept {
  if (name == "ipfs") name = "p2p";
  for (const auto& p : kProtocols) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string_view MultiaddrComponent::name() const {
  const auto* p = find_multiaddr_protocol(code);
  return p ? p->name : std::string_view();
}

std::string MultiaddrComponent::value_string() const {
  const auto* p = find_multiaddr_protocol(code);
  if (!p) return {};
  auto text = detail::value_to_text(*p, value);
  return text ? std::move(*text) : std::string();
}

void Multiaddr::push(MultiaddrComponent c) {
  const auto* p = find_multiaddr_protocol(c.code);
  append_uvarint(bytes_, c.code);
  if (p && p->size == kVar) append_uvarint(bytes_, c.value.size());
  bytes_.insert(bytes_.end(), c.value.begin(), c.value.end());
  components_.push_back(std::move(c));
}

Result<Multiaddr> Multiaddr::parse(std::string_view text) {
  if (text.size() > kMaxMultiaddrText) return make_error_code(Errc::kTooLarge);
  if (text.empty() || text[0] != '/') return invalid();
  Multiaddr m;
  std::string_view rest = text.substr(1);
  // Splits off the next '/'-separated token; `had_slash` says whether a '/' followed it.
  auto next_token = [&rest](bool& had_slash) {
    const auto slash = rest.find('/');
    const auto token = rest.substr(0, slash);
    had_slash = slash != std::string_view::npos;
    rest = had_slash ? rest.substr(slash + 1) : std::string_view();
    return token;
  };
  while (!rest.empty()) {
    bool had_slash = false;
    const auto name = next_token(had_slash);
    if (name.empty()) return invalid();
    const auto* p = find_multiaddr_protocol(name);
    if (!p) return make_error_code(Errc::kUnknownProtocolCode);
    MultiaddrComponent c{p->code, {}};
    if (p->path) {
      if (!had_slash) return invalid();
      std::string value = "/";
      value.append(rest);
      rest = {};
      GOOP_TRY(c.value, detail::value_from_text(*p, value));
    } else if (p->size != 0) {
      if (!had_slash) return invalid();
      const auto value = next_token(had_slash);
      GOOP_TRY(c.value, detail::value_from_text(*p, value));
    }
    m.push(std::move(c));
  }
  if (m.bytes_.size() > kMaxMultiaddrBytes) return make_error_code(Errc::kTooLarge);
  return m;
}

Result<Multiaddr> Multiaddr::from_bytes(BytesView in) {
  if (in.size() > kMaxMultiaddrBytes) return make_error_code(Errc::kTooLarge);
  Multiaddr m;
  while (!in.empty()) {
    auto code = decode_uvarint(in);
    if (!code) return invalid();
    in = in.subspan(code->size);
    const auto* p = find_multiaddr_protocol(code->value);
    if (!p) return make_error_code(Errc::kUnknownProtocolCode);
    if (m.ends_in_path()) return invalid();  // its text would swallow what follows
    std::size_t size = static_cast<std::size_t>(p->size);
    if (p->size == kVar) {
      auto len = decode_uvarint(in);
      if (!len) return invalid();
      in = in.subspan(len->size);
      if (len->value > in.size()) return invalid();
      size = static_cast<std::size_t>(len->value);
    }
    if (size > in.size()) return invalid();
    const auto value = in.first(size);
    if (!detail::value_to_text(*p, value)) return invalid();
    m.push(MultiaddrComponent{p->code, Bytes(value.begin(), value.end())});
    in = in.subspan(size);
  }
  return m;
}

std::string Multiaddr::to_string() const {
  if (components_.empty()) return "/";
  std::string out;
  for (const auto& c : components_) {
    const auto* p = find_multiaddr_protocol(c.code);
    out += '/';
    out += p->name;
    if (p->size == 0) continue;
    // Path values start with '/' already ("/unix" + "/tmp/x.sock").
    if (!p->path) out += '/';
    out += c.value_string();
  }
  return out;
}

bool Multiaddr::ends_in_path() const noexcept {
  if (components_.empty()) return false;
  const auto* p = find_multiaddr_protocol(components_.back().code);
  return p && p->path;
}

std::optional<MultiaddrComponent> Multiaddr::first(std::uint32_t code) const {
  for (const auto& c : components_) {
    if (c.code == code) return c;
  }
  return std::nullopt;
}

Result<Multiaddr> Multiaddr::encapsulate(const Multiaddr& other) const {
  if (bytes_.size() + other.bytes_.size() > kMaxMultiaddrBytes) {
    return make_error_code(Errc::kTooLarge);
  }
  if (ends_in_path() && !other.empty()) return invalid();
  Multiaddr m = *this;
  for (const auto& c : other.components_) m.push(c);
  return m;
}

Multiaddr Multiaddr::decapsulate(const Multiaddr& suffix) const {
  const auto& s = suffix.components_;
  if (s.empty() || s.size() > components_.size()) return *this;
  for (std::size_t i = components_.size() - s.size() + 1; i-- > 0;) {
    if (std::equal(s.begin(), s.end(), components_.begin() + static_cast<std::ptrdiff_t>(i))) {
      Multiaddr m;
      for (std::size_t k = 0; k < i; ++k) m.push(components_[k]);
      return m;
    }
  }
  return *this;
}

Multiaddr Multiaddr::decapsulate_code(std::uint32_t code) const {
  for (std::size_t i = components_.size(); i-- > 0;) {
    if (components_[i].code == code) {
      Multiaddr m;
      for (std::size_t k = 0; k < i; ++k) m.push(components_[k]);
      return m;
    }
  }
  return *this;
}

std::optional<PeerId> Multiaddr::peer_id() const {
  if (components_.empty() || components_.back().code != ma::kP2p) return std::nullopt;
  auto id = PeerId::from_bytes(components_.back().value);
  if (!id) return std::nullopt;
  return std::move(*id);
}

Result<Multiaddr> Multiaddr::with_peer_id(const PeerId& id) const {
  Multiaddr m = without_peer_id();
  Multiaddr tail;
  tail.push({ma::kP2p, id.bytes()});
  return m.encapsulate(tail);
}

Multiaddr Multiaddr::without_peer_id() const {
  if (components_.empty() || components_.back().code != ma::kP2p) return *this;
  Multiaddr m;
  for (std::size_t k = 0; k + 1 < components_.size(); ++k) m.push(components_[k]);
  return m;
}

}  // namespace goop::p2p
