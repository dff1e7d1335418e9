#include "p2p/protocol/identify/codec.hpp"

#include "p2p/errors.hpp"
#include "p2p/multiformats/protobuf.hpp"

namespace goop::p2p::identify {

Bytes encode(const Message& m) {
  pb::Writer w;
  if (m.public_key) w.bytes(1, *m.public_key);
  for (const auto& a : m.listen_addrs) w.bytes(2, a);
  for (const auto& p : m.protocols) w.string(3, p);
  if (m.observed_addr) w.bytes(4, *m.observed_addr);
  if (m.protocol_version) w.string(5, *m.protocol_version);
  if (m.agent_version) w.string(6, *m.agent_version);
  if (m.signed_peer_record) w.bytes(8, *m.signed_peer_record);
  return w.take();
}

Result<Message> decode(BytesView in) {
  if (in.size() > kMaxMessageSize) return make_error_code(Errc::kTooLarge);
  Message m;
  pb::Reader r(in);
  for (;;) {
    GOOP_TRY(auto f, r.next());
    if (!f) break;
    const bool len = f->type == pb::WireType::kLen;
    auto bytes = [&] { return Bytes(f->bytes.begin(), f->bytes.end()); };
    switch (f->number) {
      case 1:
        if (len) m.public_key = bytes();
        break;
      case 2:
        if (!len) break;
        if (m.listen_addrs.size() == kMaxAddrs) return make_error_code(Errc::kResourceLimit);
        m.listen_addrs.push_back(bytes());
        break;
      case 3:
        if (!len) break;
        if (m.protocols.size() == kMaxProtocols) return make_error_code(Errc::kResourceLimit);
        m.protocols.emplace_back(f->str());
        break;
      case 4:
        if (len) m.observed_addr = bytes();
        break;
      case 5:
        if (len) m.protocol_version = std::string(f->str());
        break;
      case 6:
        if (len) m.agent_version = std::string(f->str());
        break;
      case 8:
        if (len) m.signed_peer_record = bytes();
        break;
      default:
        break;  // unknown fields are skipped
    }
  }
  return m;
}

}  // namespace goop::p2p::identify
