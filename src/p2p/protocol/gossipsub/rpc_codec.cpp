#include "p2p/errors.hpp"
#include "p2p/multiformats/protobuf.hpp"
#include "p2p/multiformats/varint.hpp"
#include "p2p/protocol/gossipsub/rpc.hpp"

#include <utility>

namespace goop::p2p::gossipsub {
namespace {

// GOOP_TRY_VOID with a per-line name: these calls nest (lambdas inside lambdas) and would
// otherwise shadow each other.
#define GS_TRY_VOID(expr)                                                                        \
  do {                                                                                           \
    auto GOOP_CONCAT(gs_st_, __LINE__) = (expr);                                                 \
    if (GOOP_CONCAT(gs_st_, __LINE__).has_error()) return GOOP_CONCAT(gs_st_, __LINE__).error(); \
  } while (0)

// Field numbers (pubsub/README.md "The RPC", gossipsub-v1.0 "Protobuf").
enum : std::uint32_t { kRpcSubs = 1, kRpcPublish = 2, kRpcControl = 3 };
enum : std::uint32_t { kSubSubscribe = 1, kSubTopic = 2 };
enum : std::uint32_t {
  kMsgFrom = 1,
  kMsgData = 2,
  kMsgSeqno = 3,
  kMsgTopic = 4,
  kMsgSig = 5,
  kMsgKey = 6
};
enum : std::uint32_t {
  kCtlIHave = 1,
  kCtlIWant = 2,
  kCtlGraft = 3,
  kCtlPrune = 4,
  kCtlIDontWant = 5
};

// A length-delimited field (every field number here is below 16: a one-byte tag).
void append_field(Bytes& out, std::uint32_t number, BytesView b) {
  out.push_back(static_cast<std::uint8_t>(number << 3 | 2));
  append_uvarint(out, b.size());
  out.insert(out.end(), b.begin(), b.end());
}

// Signing covers neither `signature` nor `key` (go sign.go, js buildRawMessage).
void append_message(Bytes& out, const Message& m, bool for_signing) {
  if (!m.from.empty()) append_field(out, kMsgFrom, m.from);
  append_field(out, kMsgData, m.data);
  if (!m.seqno.empty()) append_field(out, kMsgSeqno, m.seqno);
  append_field(out, kMsgTopic, as_bytes(m.topic));
  if (for_signing) return;
  if (!m.signature.empty()) append_field(out, kMsgSig, m.signature);
  if (!m.key.empty()) append_field(out, kMsgKey, m.key);
}

Bytes encode_control(const ControlMessage& c) {
  pb::Writer w;
  for (const auto& ih : c.ihave) {
    pb::Writer e;
    e.string(1, ih.topic);
    for (const auto& id : ih.ids) e.string(2, id);
    w.bytes(kCtlIHave, e.out());
  }
  for (const auto& iw : c.iwant) {
    pb::Writer e;
    for (const auto& id : iw.ids) e.string(1, id);
    w.bytes(kCtlIWant, e.out());
  }
  for (const auto& g : c.graft) {
    pb::Writer e;
    e.string(1, g.topic);
    w.bytes(kCtlGraft, e.out());
  }
  for (const auto& p : c.prune) {
    pb::Writer e;
    e.string(1, p.topic);
    for (const auto& pi : p.peers) {
      pb::Writer q;
      if (!pi.peer_id.empty()) q.bytes(1, pi.peer_id);
      if (!pi.signed_peer_record.empty()) q.bytes(2, pi.signed_peer_record);
      e.bytes(2, q.out());
    }
    if (p.backoff_seconds) e.varint(3, *p.backoff_seconds);
    w.bytes(kCtlPrune, e.out());
  }
  for (const auto& d : c.idontwant) {
    pb::Writer e;
    for (const auto& id : d.ids) e.string(1, id);
    w.bytes(kCtlIDontWant, e.out());
  }
  return w.take();
}

Result<void> expect_len(const pb::Field& f) {
  if (f.type != pb::WireType::kLen) return make_error_code(Errc::kInvalidEncoding);
  return {};
}

Result<std::string> topic_of(const pb::Field& f) {
  GS_TRY_VOID(expect_len(f));
  if (f.bytes.size() > kMaxTopicLength) return make_error_code(goop::Errc::kTooLarge);
  return std::string(f.str());
}

// Calls fn(field) for each field of `in`, stopping at the first error.
template <class Fn>
Result<void> for_each_field(BytesView in, Fn&& fn) {
  pb::Reader r(in);
  for (;;) {
    GOOP_TRY(auto f, r.next());
    if (!f) return {};
    GS_TRY_VOID(fn(*f));
  }
}

Result<SubOpts> decode_subopts(BytesView in) {
  SubOpts s;
  GS_TRY_VOID(for_each_field(in, [&](const pb::Field& f) -> Result<void> {
    if (f.number == kSubSubscribe && f.type == pb::WireType::kVarint) s.subscribe = f.value != 0;
    if (f.number == kSubTopic) {
      GOOP_TRY(s.topic, topic_of(f));
    }
    return {};
  }));
  return s;
}

// Message ids counted against the per-RPC caps (over all control fields of one RPC).
struct IdCounts {
  std::size_t gossip = 0;    // IHAVE and IWANT
  std::size_t dontwant = 0;  // IDONTWANT
};

// Appends into `c`, so the caps hold over all control fields of one RPC.
Result<void> decode_control(BytesView in, ControlMessage& c, IdCounts& ids) {
  auto add_id = [&](std::vector<MessageId>& v, const pb::Field& f) -> Result<void> {
    GS_TRY_VOID(expect_len(f));
    if (++ids.gossip > kMaxMessageIdsPerRpc) return make_error_code(goop::Errc::kTooLarge);
    v.emplace_back(f.str());
    return {};
  };
  GS_TRY_VOID(for_each_field(in, [&](const pb::Field& f) -> Result<void> {
    if (f.number < kCtlIHave || f.number > kCtlIDontWant) return {};
    GS_TRY_VOID(expect_len(f));
    switch (f.number) {
      case kCtlIHave: {
        if (c.ihave.size() >= kMaxControlEntriesPerRpc)
          return make_error_code(goop::Errc::kTooLarge);
        ControlIHave ih;
        GS_TRY_VOID(for_each_field(f.bytes, [&](const pb::Field& g) -> Result<void> {
          if (g.number == 1) {
            GOOP_TRY(ih.topic, topic_of(g));
          } else if (g.number == 2) {
            return add_id(ih.ids, g);
          }
          return {};
        }));
        c.ihave.push_back(std::move(ih));
        break;
      }
      case kCtlIWant: {
        if (c.iwant.size() >= kMaxControlEntriesPerRpc)
          return make_error_code(goop::Errc::kTooLarge);
        ControlIWant iw;
        GS_TRY_VOID(for_each_field(f.bytes, [&](const pb::Field& g) -> Result<void> {
          if (g.number == 1) return add_id(iw.ids, g);
          return {};
        }));
        c.iwant.push_back(std::move(iw));
        break;
      }
      case kCtlGraft: {
        if (c.graft.size() >= kMaxControlEntriesPerRpc)
          return make_error_code(goop::Errc::kTooLarge);
        ControlGraft g;
        GS_TRY_VOID(for_each_field(f.bytes, [&](const pb::Field& h) -> Result<void> {
          if (h.number == 1) {
            GOOP_TRY(g.topic, topic_of(h));
          }
          return {};
        }));
        c.graft.push_back(std::move(g));
        break;
      }
      case kCtlPrune: {
        if (c.prune.size() >= kMaxControlEntriesPerRpc)
          return make_error_code(goop::Errc::kTooLarge);
        ControlPrune p;
        GS_TRY_VOID(for_each_field(f.bytes, [&](const pb::Field& h) -> Result<void> {
          if (h.number == 1) {
            GOOP_TRY(p.topic, topic_of(h));
          } else if (h.number == 2) {
            GS_TRY_VOID(expect_len(h));
            if (p.peers.size() >= kMaxPrunePeers) return make_error_code(goop::Errc::kTooLarge);
            PeerInfo pi;
            GS_TRY_VOID(for_each_field(h.bytes, [&](const pb::Field& k) -> Result<void> {
              if (k.type != pb::WireType::kLen) return {};
              if (k.number == 1) pi.peer_id.assign(k.bytes.begin(), k.bytes.end());
              if (k.number == 2) pi.signed_peer_record.assign(k.bytes.begin(), k.bytes.end());
              return {};
            }));
            p.peers.push_back(std::move(pi));
          } else if (h.number == 3 && h.type == pb::WireType::kVarint) {
            p.backoff_seconds = h.value;
          }
          return {};
        }));
        c.prune.push_back(std::move(p));
        break;
      }
      case kCtlIDontWant: {
        if (c.idontwant.size() >= kMaxControlEntriesPerRpc)
          return make_error_code(goop::Errc::kTooLarge);
        ControlIDontWant d;
        GS_TRY_VOID(for_each_field(f.bytes, [&](const pb::Field& g) -> Result<void> {
          if (g.number != 1) return {};
          GS_TRY_VOID(expect_len(g));
          if (++ids.dontwant > kMaxIDontWantIdsPerRpc)
            return make_error_code(goop::Errc::kTooLarge);
          d.ids.emplace_back(g.str());
          return {};
        }));
        c.idontwant.push_back(std::move(d));
        break;
      }
      default:
        break;
    }
    return {};
  }));
  return {};
}

}  // namespace

std::size_t encoded_size(const Message& m) {
  auto field = [](std::size_t len) { return 1 + uvarint_size(len) + len; };  // field numbers < 16
  std::size_t n = field(m.data.size()) + field(m.topic.size());
  for (const Bytes* b : {&m.from, &m.seqno, &m.signature, &m.key}) {
    if (!b->empty()) n += field(b->size());
  }
  return n;
}

std::size_t encoded_rpc_size(const Message& m) {
  const std::size_t n = encoded_size(m);
  return 1 + uvarint_size(n) + n;
}

Bytes encode_message(const Message& m) {
  Bytes out;
  out.reserve(encoded_size(m));
  append_message(out, m, false);
  return out;
}

void append_message_for_signing(Bytes& out, const Message& m) { append_message(out, m, true); }

Bytes encode_message_for_signing(const Message& m) {
  Bytes out;
  append_message(out, m, true);
  return out;
}

namespace {
void append_rpc(Bytes& out, const Rpc& rpc) {
  for (const auto& s : rpc.subscriptions) {
    pb::Writer e;
    e.varint(kSubSubscribe, s.subscribe ? 1 : 0);
    e.string(kSubTopic, s.topic);
    append_field(out, kRpcSubs, e.out());
  }
  for (const auto& m : rpc.publish) {  // in place behind their length (encoded_size)
    out.push_back(static_cast<std::uint8_t>(kRpcPublish << 3 | 2));
    append_uvarint(out, encoded_size(m));
    append_message(out, m, false);
  }
  if (!rpc.control.empty()) append_field(out, kRpcControl, encode_control(rpc.control));
}

std::size_t publish_size(const Rpc& rpc) {
  std::size_t n = 0;
  for (const auto& m : rpc.publish) n += encoded_rpc_size(m);
  return n;
}
}  // namespace

Bytes encode_rpc(const Rpc& rpc) {
  Bytes out;
  out.reserve(publish_size(rpc) + 64);
  append_rpc(out, rpc);
  return out;
}

Bytes encode_rpc_length_prefixed(const Rpc& rpc) {
  Bytes out;
  if (rpc.subscriptions.empty() && rpc.control.empty()) {
    // Messages only (what publish and forward send): the length is known up front, so the
    // prefix and the messages go straight into one buffer.
    const std::size_t body = publish_size(rpc);
    out.reserve(uvarint_size(body) + body);
    append_uvarint(out, body);
    append_rpc(out, rpc);
    return out;
  }
  const Bytes body = encode_rpc(rpc);
  out.reserve(uvarint_size(body.size()) + body.size());
  append_uvarint(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Result<Message> decode_message(BytesView in) {
  Message m;
  GS_TRY_VOID(for_each_field(in, [&](const pb::Field& f) -> Result<void> {
    if (f.number < kMsgFrom || f.number > kMsgKey) return {};
    GS_TRY_VOID(expect_len(f));
    auto assign = [&](Bytes& b) { b.assign(f.bytes.begin(), f.bytes.end()); };
    switch (f.number) {
      case kMsgFrom:
        assign(m.from);
        break;
      case kMsgData:
        assign(m.data);
        break;
      case kMsgSeqno:
        assign(m.seqno);
        break;
      case kMsgTopic: {
        GOOP_TRY(m.topic, topic_of(f));
        break;
      }
      case kMsgSig:
        assign(m.signature);
        break;
      case kMsgKey:
        assign(m.key);
        break;
      default:
        break;
    }
    return {};
  }));
  return m;
}

Result<Rpc> decode_rpc(BytesView in) {
  if (in.size() > kMaxRpcSize) return make_error_code(goop::Errc::kTooLarge);
  Rpc rpc;
  IdCounts ids;
  GS_TRY_VOID(for_each_field(in, [&](const pb::Field& f) -> Result<void> {
    if (f.number < kRpcSubs || f.number > kRpcControl) return {};
    GS_TRY_VOID(expect_len(f));
    if (f.number == kRpcSubs) {
      if (rpc.subscriptions.size() >= kMaxSubscriptionsPerRpc)
        return make_error_code(goop::Errc::kTooLarge);
      GOOP_TRY(auto s, decode_subopts(f.bytes));
      rpc.subscriptions.push_back(std::move(s));
    } else if (f.number == kRpcPublish) {
      if (rpc.publish.size() >= kMaxMessagesPerRpc) return make_error_code(goop::Errc::kTooLarge);
      GOOP_TRY(auto m, decode_message(f.bytes));
      rpc.publish.push_back(std::move(m));
    } else {
      // Several control fields merge, as protobuf does for repeated sub-messages.
      GS_TRY_VOID(decode_control(f.bytes, rpc.control, ids));
    }
    return {};
  }));
  return rpc;
}

#undef GS_TRY_VOID

}  // namespace goop::p2p::gossipsub
