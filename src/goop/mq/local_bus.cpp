#include "goop/mq/local_bus.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>
#include <sodium.h>

#include <array>

namespace goop::mq {
namespace json = boost::json;

std::string random_uuid() {
  std::array<unsigned char, 16> b{};
  randombytes_buf(b.data(), b.size());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  std::string hex;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) hex += '-';
    hex += fmt::format("{:02x}", b[i]);
  }
  return hex;
}

std::string to_event_json(const BusEvent& e) {
  boost::system::error_code ec;
  json::value payload = json::parse(e.payload_json, ec);
  if (ec) payload = nullptr;  // publishers pass valid JSON; never emit a broken frame
  json::object msg{{"type", "msg"},
                   {"id", e.id},
                   {"seq", e.seq},
                   {"topic", e.topic},
                   {"payload", std::move(payload)}};
  json::object out{{"type", "message"}, {"msg", std::move(msg)}, {"from", e.from}};
  return json::serialize(out);
}

void LocalBus::subscribe(Listener listener) { listeners_.push_back(std::move(listener)); }

BusEvent LocalBus::publish_local(std::string topic, std::string payload_json) {
  BusEvent e{random_uuid(), ++seq_, std::move(topic), std::move(payload_json), {}};
  std::erase_if(listeners_, [&](Listener& l) { return !l(e); });
  return e;
}

}  // namespace goop::mq
