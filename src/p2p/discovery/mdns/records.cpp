#include "p2p/discovery/mdns/records.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <optional>

namespace goop::p2p::mdns {
namespace {

std::string join(std::string_view a, std::string_view b) {
  std::string s(a);
  s.push_back('.');
  s.append(b);
  return s;
}

bool is_service_question(std::uint16_t t) { return t == rr_type::kPtr || t == rr_type::kAny; }
bool is_instance_question(std::uint16_t t) {
  return t == rr_type::kTxt || t == rr_type::kSrv || t == rr_type::kAny;
}

// The dnsaddr TXT strings for `addrs`, within the size budget.
std::vector<std::string> txt_strings(const PeerId& self, const std::vector<Multiaddr>& addrs,
                                     std::size_t budget) {
  std::vector<std::string> out;
  std::size_t used = 0;
  for (const auto& a : addrs) {
    if (a.first(ma::kP2pCircuit)) continue;
    auto full = a.without_peer_id().with_peer_id(self);
    if (!full) continue;
    std::string s(kDnsAddrPrefix);
    s += full->to_string();
    if (s.size() > kMaxTxtStringLength) continue;
    if (used + 1 + s.size() > budget) break;
    used += 1 + s.size();
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

std::string service_name_for_tag(std::string_view tag) { return join(tag, kDomain); }

std::string random_peer_name() {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const std::size_t len = 32 + randombytes_uniform(32);  // 32..63
  std::string s(len, 'a');
  for (auto& c : s) {
    c = kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))];
  }
  return s;
}

Message make_query(std::string_view service_name) {
  Message m;
  Question q;
  q.name = std::string(service_name);
  q.type = rr_type::kPtr;
  m.questions.push_back(std::move(q));
  return m;
}

Message make_response(std::string_view service_name, std::string_view peer_name, const PeerId& self,
                      const std::vector<Multiaddr>& addrs, std::uint32_t ttl) {
  const std::string instance = join(peer_name, service_name);
  const std::string host = join(peer_name, kDomain);
  Message m;
  m.flags = kFlagResponse | kFlagAuthoritative;

  ResourceRecord ptr;
  ptr.name = std::string(service_name);
  ptr.type = rr_type::kPtr;
  ptr.ttl = ttl;
  ptr.ptr = instance;
  m.answers.push_back(std::move(ptr));

  // Room for the header and the PTR, SRV, A and AAAA records at their largest.
  const std::size_t fixed = 12 + 4 * (2 * kMaxNameWireLength + 40);
  const std::size_t budget = kMaxResponseSize > fixed ? kMaxResponseSize - fixed : 0;
  auto strings = txt_strings(self, addrs, budget);
  if (!strings.empty()) {
    ResourceRecord txt;
    txt.name = instance;
    txt.type = rr_type::kTxt;
    txt.cache_flush = true;
    txt.ttl = ttl;
    txt.txt = std::move(strings);
    m.additionals.push_back(std::move(txt));
  }

  ResourceRecord srv;
  srv.name = instance;
  srv.type = rr_type::kSrv;
  srv.cache_flush = true;
  srv.ttl = ttl;
  srv.srv.port = kDummyPort;
  srv.srv.target = host;
  m.additionals.push_back(std::move(srv));

  std::optional<boost::asio::ip::address_v4> v4;
  std::optional<boost::asio::ip::address_v6> v6;
  for (const auto& a : addrs) {
    if (a.first(ma::kP2pCircuit)) continue;
    if (auto c = a.first(ma::kIp4); c && !v4 && c->value.size() == 4) {
      boost::asio::ip::address_v4::bytes_type b;
      std::copy(c->value.begin(), c->value.end(), b.begin());
      if (!boost::asio::ip::address_v4(b).is_unspecified()) v4.emplace(b);
    }
    if (auto c = a.first(ma::kIp6); c && !v6 && c->value.size() == 16) {
      boost::asio::ip::address_v6::bytes_type b;
      std::copy(c->value.begin(), c->value.end(), b.begin());
      if (!boost::asio::ip::address_v6(b).is_unspecified()) v6.emplace(b);
    }
  }
  if (v4) {
    ResourceRecord r;
    r.name = host;
    r.type = rr_type::kA;
    r.cache_flush = true;
    r.ttl = ttl;
    r.a = v4->to_bytes();
    m.additionals.push_back(std::move(r));
  }
  if (v6) {
    ResourceRecord r;
    r.name = host;
    r.type = rr_type::kAaaa;
    r.cache_flush = true;
    r.ttl = ttl;
    r.aaaa = v6->to_bytes();
    m.additionals.push_back(std::move(r));
  }
  return m;
}

bool asks_for(const Message& query, std::string_view service_name, std::string_view peer_name) {
  if (query.is_response()) return false;
  const std::string instance = join(peer_name, service_name);
  return std::any_of(query.questions.begin(), query.questions.end(), [&](const Question& q) {
    return (is_service_question(q.type) && names_equal(q.name, service_name)) ||
           (is_instance_question(q.type) && names_equal(q.name, instance));
  });
}

std::vector<DiscoveredPeer> peers_in_response(const Message& response,
                                              std::string_view service_name, const PeerId& self) {
  std::vector<DiscoveredPeer> out;
  if (!response.is_response()) return out;
  const std::vector<ResourceRecord>* sections[] = {&response.answers, &response.authorities,
                                                   &response.additionals};
  for (const auto* ptr_section : sections) {
    for (const auto& ptr : *ptr_section) {
      if (ptr.type != rr_type::kPtr || ptr.ttl == 0 || !names_equal(ptr.name, service_name)) {
        continue;
      }
      for (const auto* section : sections) {
        for (const auto& txt : *section) {
          if (txt.type != rr_type::kTxt || !names_equal(txt.name, ptr.ptr)) continue;
          for (const auto& s : txt.txt) {
            if (!std::string_view(s).starts_with(kDnsAddrPrefix)) continue;
            auto addr = Multiaddr::parse(std::string_view(s).substr(kDnsAddrPrefix.size()));
            if (!addr) continue;
            auto id = addr->peer_id();
            if (!id || *id == self) continue;
            auto bare = addr->without_peer_id();
            auto it = std::find_if(out.begin(), out.end(),
                                   [&](const DiscoveredPeer& p) { return p.id == *id; });
            if (it == out.end()) {
              out.push_back(DiscoveredPeer{*id, {}});
              it = std::prev(out.end());
            }
            if (std::find(it->addrs.begin(), it->addrs.end(), bare) == it->addrs.end()) {
              it->addrs.push_back(std::move(bare));
            }
          }
        }
      }
    }
  }
  return out;
}

}  // namespace goop::p2p::mdns
