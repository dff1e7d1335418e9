#include "p2p/discovery/mdns/dns_message.hpp"

#include "base/ascii.hpp"
#include "p2p/errors.hpp"

#include <limits>

namespace goop::p2p::mdns {
namespace {

// ---- encoding ----

class Writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v & 0xff));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v & 0xffff));
  }
  void bytes(BytesView b) { out_.insert(out_.end(), b.begin(), b.end()); }
  std::size_t size() const noexcept { return out_.size(); }
  void patch_u16(std::size_t at, std::uint16_t v) {
    out_[at] = static_cast<std::uint8_t>(v >> 8);
    out_[at + 1] = static_cast<std::uint8_t>(v & 0xff);
  }
  Bytes take() { return std::move(out_); }

 private:
  Bytes out_;
};

// Splits a text name on unescaped dots, undoing "\." and "\\".
Result<std::vector<std::string>> split_labels(std::string_view name) {
  std::vector<std::string> labels;
  if (!name.empty() && name.back() == '.' && (name.size() < 2 || name[name.size() - 2] != '\\')) {
    name.remove_suffix(1);
  }
  if (name.empty()) return labels;  // the root
  std::string cur;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '\\' && i + 1 < name.size()) {
      cur.push_back(name[++i]);
    } else if (c == '.') {
      labels.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  labels.push_back(std::move(cur));
  return labels;
}

Result<void> write_name(Writer& w, std::string_view name) {
  GOOP_TRY(auto labels, split_labels(name));
  std::size_t wire = 1;
  for (const auto& l : labels) {
    if (l.empty() || l.size() > kMaxLabelLength) return Errc::kInvalidEncoding;
    wire += 1 + l.size();
    if (wire > kMaxNameWireLength) return Errc::kInvalidEncoding;
    w.u8(static_cast<std::uint8_t>(l.size()));
    w.bytes(as_bytes(l));
  }
  w.u8(0);
  return {};
}

Result<void> write_record(Writer& w, const ResourceRecord& r) {
  GOOP_TRY_VOID(write_name(w, r.name));
  w.u16(r.type);
  w.u16(static_cast<std::uint16_t>((r.rclass & 0x7fff) | (r.cache_flush ? 0x8000 : 0)));
  w.u32(r.ttl);
  const std::size_t len_at = w.size();
  w.u16(0);
  switch (r.type) {
    case rr_type::kPtr: {
      GOOP_TRY_VOID(write_name(w, r.ptr));
      break;
    }
    case rr_type::kTxt:
      for (const auto& s : r.txt) {
        if (s.size() > kMaxTxtStringLength) return Errc::kInvalidEncoding;
        w.u8(static_cast<std::uint8_t>(s.size()));
        w.bytes(as_bytes(s));
      }
      break;
    case rr_type::kSrv: {
      w.u16(r.srv.priority);
      w.u16(r.srv.weight);
      w.u16(r.srv.port);
      GOOP_TRY_VOID(write_name(w, r.srv.target));
      break;
    }
    case rr_type::kA:
      w.bytes(r.a);
      break;
    case rr_type::kAaaa:
      w.bytes(r.aaaa);
      break;
    default:
      if (r.raw.size() > std::numeric_limits<std::uint16_t>::max()) return Errc::kTooLarge;
      w.bytes(r.raw);
  }
  const std::size_t rdlen = w.size() - len_at - 2;
  if (rdlen > std::numeric_limits<std::uint16_t>::max()) return Errc::kTooLarge;
  w.patch_u16(len_at, static_cast<std::uint16_t>(rdlen));
  if (w.size() > kMaxMessageSize) return Errc::kTooLarge;
  return {};
}

// ---- decoding ----

class Reader {
 public:
  explicit Reader(BytesView msg) : msg_(msg) {}
  std::size_t pos() const noexcept { return pos_; }
  std::size_t remaining() const noexcept { return msg_.size() - pos_; }
  BytesView msg() const noexcept { return msg_; }

  Result<std::uint8_t> u8() {
    if (remaining() < 1) return Errc::kTruncated;
    return msg_[pos_++];
  }
  Result<std::uint16_t> u16() {
    if (remaining() < 2) return Errc::kTruncated;
    const auto v = static_cast<std::uint16_t>((msg_[pos_] << 8) | msg_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  Result<std::uint32_t> u32() {
    GOOP_TRY(const std::uint32_t hi, u16());
    GOOP_TRY(const std::uint32_t lo, u16());
    return (hi << 16) | lo;
  }
  Result<BytesView> take(std::size_t n) {
    if (remaining() < n) return Errc::kTruncated;
    auto v = msg_.subspan(pos_, n);
    pos_ += n;
    return v;
  }

  // Reads a possibly compressed name starting at pos(); leaves pos() after its in-place part.
  Result<std::string> name() {
    std::string out;
    std::size_t at = pos_;
    std::size_t wire = 1;
    bool jumped = false;
    int hops = 0;
    // Every pointer must go strictly before the start of the name part it ends, so the walk
    // always moves backwards and terminates; the hop cap bounds its cost.
    std::size_t part_start = at;
    for (;;) {
      if (at >= msg_.size()) return Errc::kTruncated;
      const std::uint8_t len = msg_[at];
      if (len == 0) {
        if (!jumped) pos_ = at + 1;
        return out;
      }
      if ((len & 0xc0) == 0xc0) {
        if (at + 1 >= msg_.size()) return Errc::kTruncated;
        const std::size_t target = static_cast<std::size_t>(((len & 0x3f) << 8) | msg_[at + 1]);
        if (target >= part_start || ++hops > kMaxPointerHops) return Errc::kInvalidEncoding;
        if (!jumped) pos_ = at + 2;
        jumped = true;
        at = target;
        part_start = target;
        continue;
      }
      if ((len & 0xc0) != 0) return Errc::kInvalidEncoding;  // 0x40/0x80: obsolete/reserved
      if (at + 1 + len > msg_.size()) return Errc::kTruncated;
      wire += 1u + len;
      if (wire > kMaxNameWireLength) return Errc::kInvalidEncoding;
      if (!out.empty()) out.push_back('.');
      for (std::size_t i = 0; i < len; ++i) {
        const char c = static_cast<char>(msg_[at + 1 + i]);
        if (c == '.' || c == '\\') out.push_back('\\');
        out.push_back(c);
      }
      at += 1u + len;
    }
  }

  void seek(std::size_t p) { pos_ = p; }

 private:
  BytesView msg_;
  std::size_t pos_ = 0;
};

Result<Question> read_question(Reader& r) {
  Question q;
  GOOP_TRY(q.name, r.name());
  GOOP_TRY(q.type, r.u16());
  GOOP_TRY(const std::uint16_t cls, r.u16());
  q.qclass = cls & 0x7fff;
  q.unicast_response = (cls & 0x8000) != 0;
  return q;
}

Result<ResourceRecord> read_record(Reader& r) {
  ResourceRecord rec;
  GOOP_TRY(rec.name, r.name());
  GOOP_TRY(rec.type, r.u16());
  GOOP_TRY(const std::uint16_t cls, r.u16());
  rec.rclass = cls & 0x7fff;
  rec.cache_flush = (cls & 0x8000) != 0;
  GOOP_TRY(rec.ttl, r.u32());
  GOOP_TRY(const std::uint16_t rdlen, r.u16());
  if (r.remaining() < rdlen) return Errc::kTruncated;
  const std::size_t start = r.pos();
  const std::size_t end = start + rdlen;
  switch (rec.type) {
    case rr_type::kPtr: {
      GOOP_TRY(rec.ptr, r.name());
      break;
    }
    case rr_type::kTxt: {
      GOOP_TRY(auto data, r.take(rdlen));
      std::size_t i = 0;
      while (i < data.size()) {
        const std::size_t n = data[i];
        if (i + 1 + n > data.size()) return Errc::kInvalidEncoding;
        rec.txt.emplace_back(as_chars(data.subspan(i + 1, n)));
        i += 1 + n;
      }
      break;
    }
    case rr_type::kSrv: {
      GOOP_TRY(rec.srv.priority, r.u16());
      GOOP_TRY(rec.srv.weight, r.u16());
      GOOP_TRY(rec.srv.port, r.u16());
      GOOP_TRY(rec.srv.target, r.name());
      break;
    }
    case rr_type::kA: {
      if (rdlen != rec.a.size()) return Errc::kInvalidEncoding;
      GOOP_TRY(auto data, r.take(rdlen));
      std::copy(data.begin(), data.end(), rec.a.begin());
      break;
    }
    case rr_type::kAaaa: {
      if (rdlen != rec.aaaa.size()) return Errc::kInvalidEncoding;
      GOOP_TRY(auto data, r.take(rdlen));
      std::copy(data.begin(), data.end(), rec.aaaa.begin());
      break;
    }
    default: {
      GOOP_TRY(auto data, r.take(rdlen));
      rec.raw.assign(data.begin(), data.end());
    }
  }
  if (r.pos() != end) return Errc::kInvalidEncoding;  // rdata longer or shorter than its names
  return rec;
}

Result<void> read_records(Reader& r, std::uint16_t n, std::vector<ResourceRecord>& out) {
  for (std::uint16_t i = 0; i < n; ++i) {
    GOOP_TRY(auto rec, read_record(r));
    out.push_back(std::move(rec));
  }
  return {};
}

}  // namespace

Result<Bytes> encode(const Message& m) {
  constexpr std::size_t kMaxCount = std::numeric_limits<std::uint16_t>::max();
  if (m.questions.size() > kMaxCount || m.answers.size() > kMaxCount ||
      m.authorities.size() > kMaxCount || m.additionals.size() > kMaxCount) {
    return Errc::kTooLarge;
  }
  Writer w;
  w.u16(m.id);
  w.u16(m.flags);
  w.u16(static_cast<std::uint16_t>(m.questions.size()));
  w.u16(static_cast<std::uint16_t>(m.answers.size()));
  w.u16(static_cast<std::uint16_t>(m.authorities.size()));
  w.u16(static_cast<std::uint16_t>(m.additionals.size()));
  for (const auto& q : m.questions) {
    GOOP_TRY_VOID(write_name(w, q.name));
    w.u16(q.type);
    w.u16(static_cast<std::uint16_t>((q.qclass & 0x7fff) | (q.unicast_response ? 0x8000 : 0)));
    if (w.size() > kMaxMessageSize) return Errc::kTooLarge;
  }
  for (const auto* section : {&m.answers, &m.authorities, &m.additionals}) {
    for (const auto& r : *section) {
      GOOP_TRY_VOID(write_record(w, r));
    }
  }
  return w.take();
}

Result<Message> decode(BytesView bytes) {
  if (bytes.size() > kMaxMessageSize) return Errc::kTooLarge;
  Reader r(bytes);
  Message m;
  GOOP_TRY(m.id, r.u16());
  GOOP_TRY(m.flags, r.u16());
  GOOP_TRY(const std::uint16_t qd, r.u16());
  GOOP_TRY(const std::uint16_t an, r.u16());
  GOOP_TRY(const std::uint16_t ns, r.u16());
  GOOP_TRY(const std::uint16_t ar, r.u16());
  for (std::uint16_t i = 0; i < qd; ++i) {
    GOOP_TRY(auto q, read_question(r));
    m.questions.push_back(std::move(q));
  }
  GOOP_TRY_VOID(read_records(r, an, m.answers));
  GOOP_TRY_VOID(read_records(r, ns, m.authorities));
  GOOP_TRY_VOID(read_records(r, ar, m.additionals));
  return m;
}

bool names_equal(std::string_view a, std::string_view b) noexcept {
  if (!a.empty() && a.back() == '.') a.remove_suffix(1);
  if (!b.empty() && b.back() == '.') b.remove_suffix(1);
  return ascii::iequals(a, b);
}

}  // namespace goop::p2p::mdns
