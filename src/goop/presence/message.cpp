#include "goop/presence/message.hpp"

#include "base/errors.hpp"
#include "p2p/crypto/peer_id.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

#include <algorithm>

namespace goop::presence {
namespace json = boost::json;
namespace {

Error bad(std::string message) {
  return Error{make_error_code(Errc::kInvalidArgument), "presence message: " + std::move(message)};
}

constexpr std::pair<MsgType, std::string_view> kTypes[] = {{MsgType::kOnline, "online"},
                                                           {MsgType::kUpdate, "update"},
                                                           {MsgType::kOffline, "offline"},
                                                           {MsgType::kPunch, "punch"}};

Expected<std::string> get_string(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::string();
  if (!it->value().is_string()) return bad(fmt::format("\"{}\" must be a string", key));
  const auto& s = it->value().get_string();
  if (s.size() > kMaxFieldBytes)
    return bad(fmt::format("\"{}\" is longer than {} bytes", key, kMaxFieldBytes));
  return std::string(s);
}

Expected<bool> get_bool(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return false;
  if (!it->value().is_bool()) return bad(fmt::format("\"{}\" must be true or false", key));
  return it->value().get_bool();
}

}  // namespace

std::string_view to_string(MsgType t) {
  for (const auto& [type, name] : kTypes) {
    if (type == t) return name;
  }
  return "update";
}

std::string encode(const PresenceMsg& m) {
  json::object o;
  o["type"] = to_string(m.type);
  o["peerId"] = m.peer_id;
  auto put = [&](std::string_view key, const std::string& v) {
    if (!v.empty()) o[key] = v;
  };
  put("content", m.content);
  put("email", m.email);
  put("avatarHash", m.avatar_hash);
  if (m.video_disabled) o["videoDisabled"] = true;
  put("activeTemplate", m.active_template);
  put("target", m.target);
  if (!m.addrs.empty()) {
    json::array a;
    for (const auto& s : m.addrs) a.emplace_back(s);
    o["addrs"] = std::move(a);
  }
  put("verificationToken", m.verification_token);
  put("publicKey", m.public_key);
  if (m.encryption_supported) o["encryptionSupported"] = true;
  put("goopClientVersion", m.goop_client_version);
  o["ts"] = m.ts;
  if (m.verified) o["verified"] = true;
  return json::serialize(o);
}

Expected<PresenceMsg> decode(std::string_view text) {
  if (text.size() > kMaxMessageBytes)
    return bad(fmt::format("larger than {} bytes", kMaxMessageBytes));
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return bad("not valid JSON (" + ec.message() + ")");
  if (!v.is_object()) return bad("not a JSON object");
  const json::object& o = v.get_object();
  PresenceMsg m;

  GOOP_TRY(std::string type, get_string(o, "type"));
  auto t = std::find_if(std::begin(kTypes), std::end(kTypes),
                        [&](const auto& p) { return p.second == type; });
  if (t == std::end(kTypes)) return bad(fmt::format("unknown \"type\" \"{}\"", type));
  m.type = t->first;

  GOOP_TRY(m.peer_id, get_string(o, "peerId"));
  if (m.peer_id.empty()) return bad("\"peerId\" is missing");
  if (!p2p::PeerId::parse(m.peer_id))
    return bad(fmt::format("\"peerId\" \"{}\" is not a peer ID", m.peer_id));

  GOOP_TRY(m.content, get_string(o, "content"));
  if (std::any_of(m.content.begin(), m.content.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return bad("\"content\" contains control characters");
  }
  GOOP_TRY(m.email, get_string(o, "email"));
  GOOP_TRY(m.avatar_hash, get_string(o, "avatarHash"));
  GOOP_TRY(m.video_disabled, get_bool(o, "videoDisabled"));
  GOOP_TRY(m.active_template, get_string(o, "activeTemplate"));
  GOOP_TRY(m.target, get_string(o, "target"));
  GOOP_TRY(m.verification_token, get_string(o, "verificationToken"));
  GOOP_TRY(m.public_key, get_string(o, "publicKey"));
  GOOP_TRY(m.encryption_supported, get_bool(o, "encryptionSupported"));
  GOOP_TRY(m.goop_client_version, get_string(o, "goopClientVersion"));
  GOOP_TRY(m.verified, get_bool(o, "verified"));

  if (auto it = o.find("addrs"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_array()) return bad("\"addrs\" must be an array of strings");
    const auto& a = it->value().get_array();
    if (a.size() > kMaxAddrs) return bad(fmt::format("more than {} \"addrs\"", kMaxAddrs));
    for (const auto& e : a) {
      if (!e.is_string() || e.get_string().size() > kMaxFieldBytes)
        return bad("\"addrs\" must be an array of strings");
      m.addrs.emplace_back(e.get_string());
    }
  }

  auto ts = o.find("ts");
  if (ts == o.end()) return bad("\"ts\" is missing");
  if (ts->value().is_int64()) {
    m.ts = ts->value().get_int64();
  } else if (ts->value().is_uint64() &&
             ts->value().get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    m.ts = static_cast<std::int64_t>(ts->value().get_uint64());
  } else {
    return bad("\"ts\" must be a whole number of milliseconds");
  }
  return m;
}

bool is_authored_by(const PresenceMsg& m, std::string_view author_peer_id) {
  auto a = p2p::PeerId::parse(m.peer_id);
  auto b = p2p::PeerId::parse(author_peer_id);
  return a && b && *a == *b;
}

}  // namespace goop::presence
