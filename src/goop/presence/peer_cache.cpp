#include "goop/presence/peer_cache.hpp"

#include "base/errors.hpp"
#include "storage/db.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <string_view>

namespace goop::presence {
namespace {

namespace json = boost::json;
using storage::Db;
using storage::Statement;
using SysTime = std::chrono::system_clock::time_point;

constexpr std::array<std::string_view, 2> kTables = {"_peer_cache", "_favorites"};
// Longer values cannot be a peer ID; such rows are skipped.
constexpr std::size_t kMaxPeerIdChars = 256;

// The Go peer's table (internal/storage), plus public_key, which Go adds by migration.
constexpr std::string_view kCreateTable = R"(CREATE TABLE IF NOT EXISTS {} (
  peer_id         TEXT PRIMARY KEY,
  content         TEXT    NOT NULL DEFAULT '',
  email           TEXT    NOT NULL DEFAULT '',
  avatar_hash     TEXT    NOT NULL DEFAULT '',
  video_disabled  INTEGER NOT NULL DEFAULT 0,
  active_template TEXT    NOT NULL DEFAULT '',
  verified        INTEGER NOT NULL DEFAULT 0,
  addrs           TEXT    NOT NULL DEFAULT '[]',
  last_seen       DATETIME DEFAULT CURRENT_TIMESTAMP,
  protocols       TEXT    NOT NULL DEFAULT '[]',
  public_key      TEXT    NOT NULL DEFAULT ''))";

// Columns an older table may lack, with the definition ALTER TABLE can add (no
// non-constant default: last_seen of old rows stays NULL and reads as the epoch).
struct Column {
  std::string_view name, definition;
};
constexpr std::array<Column, 10> kColumns = {{
    {"content", "TEXT NOT NULL DEFAULT ''"},
    {"email", "TEXT NOT NULL DEFAULT ''"},
    {"avatar_hash", "TEXT NOT NULL DEFAULT ''"},
    {"video_disabled", "INTEGER NOT NULL DEFAULT 0"},
    {"active_template", "TEXT NOT NULL DEFAULT ''"},
    {"verified", "INTEGER NOT NULL DEFAULT 0"},
    {"addrs", "TEXT NOT NULL DEFAULT '[]'"},
    {"last_seen", "DATETIME"},
    {"protocols", "TEXT NOT NULL DEFAULT '[]'"},
    {"public_key", "TEXT NOT NULL DEFAULT ''"},
}};

constexpr std::string_view kAllColumns =
    "peer_id, content, email, avatar_hash, video_disabled, active_template, verified, addrs, "
    "last_seen, protocols, public_key";

Error with_context(const Error& e, std::string_view what) {
  return Error{e.code, fmt::format("peer cache: {}: {}", what, e.message)};
}

Expected<void> migrate(Db& db, std::string_view table) {
  GOOP_TRY_VOID(db.exec(fmt::format(kCreateTable, table)));
  std::set<std::string> have;
  GOOP_TRY(Statement info, db.prepare(fmt::format("PRAGMA table_info({})", table)));
  for (;;) {
    GOOP_TRY(const bool row, info.step());
    if (!row) break;
    have.insert(info.column_text(1));
  }
  for (const Column& c : kColumns) {
    if (have.count(std::string(c.name))) continue;
    GOOP_TRY_VOID(
        db.exec(fmt::format("ALTER TABLE {} ADD COLUMN {} {}", table, c.name, c.definition)));
  }
  return {};
}

// ---- time: UTC "YYYY-MM-DD HH:MM:SS[.fff]" ----

std::string format_utc(SysTime t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss hms{ms - day};
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     hms.subseconds().count());
}

// Reads exactly n digits at s[pos] into out.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, std::string_view chars) {
  if (pos >= s.size() || chars.find(s[pos]) == std::string_view::npos) return false;
  ++pos;
  return true;
}

// Accepts what SQLite and the Go drivers write: the date, ' ' or 'T', the time, an optional
// fraction and an optional zone ("Z", "+hh:mm", "+hhmm"); anything after that is ignored.
std::optional<SysTime> parse_utc(std::string_view s) {
  using namespace std::chrono;
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!(digits(s, pos, 4, y) && expect(s, pos, "-") && digits(s, pos, 2, mo) &&
        expect(s, pos, "-") && digits(s, pos, 2, d) && expect(s, pos, " T") &&
        digits(s, pos, 2, h) && expect(s, pos, ":") && digits(s, pos, 2, mi) &&
        expect(s, pos, ":") && digits(s, pos, 2, sec))) {
    return std::nullopt;
  }
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  nanoseconds frac{0};
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::int64_t scale = 100'000'000;
    for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, scale /= 10) {
      frac += nanoseconds((s[pos] - '0') * scale);
    }
  }
  minutes offset{0};
  while (pos < s.size() && s[pos] == ' ') ++pos;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const bool minus = s[pos] == '-';
    ++pos;
    int oh = 0, om = 0;
    if (digits(s, pos, 2, oh)) {
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (!digits(s, pos, 2, om)) om = 0;
      offset = minutes(oh * 60 + om);
      if (minus) offset = -offset;
    }
  }
  const auto t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} + frac - offset;
  return time_point_cast<SysTime::duration>(t);
}

// ---- JSON string lists ----

std::string encode_list(const std::vector<std::string>& items, std::size_t cap) {
  json::array arr;
  const std::size_t n = std::min(items.size(), cap);
  arr.reserve(n);
  for (std::size_t i = 0; i < n; ++i) arr.emplace_back(json::string_view(items[i]));
  return json::serialize(arr);
}

// A malformed or non-array value reads as an empty list; non-string elements are skipped.
std::vector<std::string> decode_list(std::string_view text, std::size_t cap) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  const json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec || !v.is_array()) return out;
  for (const json::value& e : v.get_array()) {
    if (out.size() >= cap) break;
    if (const json::string* str = e.if_string()) out.emplace_back(str->data(), str->size());
  }
  return out;
}

// ---- statements ----

Expected<void> upsert_rows(Db& db, std::initializer_list<storage::Param> p) {
  GOOP_TRY(storage::Transaction tx, db.begin());
  GOOP_TRY_VOID(db.run(R"(INSERT INTO _peer_cache
      (peer_id, content, email, avatar_hash, video_disabled, active_template, verified, addrs,
       last_seen, public_key)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
    ON CONFLICT(peer_id) DO UPDATE SET
      content = excluded.content, email = excluded.email, avatar_hash = excluded.avatar_hash,
      video_disabled = excluded.video_disabled, active_template = excluded.active_template,
      verified = excluded.verified,
      addrs = CASE WHEN excluded.addrs = '[]' THEN _peer_cache.addrs ELSE excluded.addrs END,
      last_seen = excluded.last_seen,
      public_key = CASE WHEN excluded.public_key = '' THEN _peer_cache.public_key
                        ELSE excluded.public_key END)",
                       p));
  GOOP_TRY_VOID(db.run(R"(UPDATE _favorites SET
      content = ?2, email = ?3, avatar_hash = ?4, video_disabled = ?5, active_template = ?6,
      verified = ?7, addrs = CASE WHEN ?8 = '[]' THEN addrs ELSE ?8 END, last_seen = ?9,
      public_key = CASE WHEN ?10 = '' THEN public_key ELSE ?10 END
    WHERE peer_id = ?1)",
                       p));
  return tx.commit();
}

Expected<void> update_protocols(Db& db, const std::string& peer_id, const std::string& protocols) {
  GOOP_TRY(storage::Transaction tx, db.begin());
  for (std::string_view table : kTables) {
    GOOP_TRY_VOID(db.run(fmt::format("UPDATE {} SET protocols = ?2 WHERE peer_id = ?1", table),
                         {peer_id, protocols}));
  }
  return tx.commit();
}

Expected<void> favorite(Db& db, const std::string& peer_id) {
  GOOP_TRY(const std::int64_t copied,
           db.run(fmt::format("INSERT OR REPLACE INTO _favorites ({0}) SELECT {0} FROM _peer_cache "
                              "WHERE peer_id = ?",
                              kAllColumns),
                  {peer_id}));
  if (copied > 0) return {};
  GOOP_TRY(Statement st, db.query("SELECT 1 FROM _favorites WHERE peer_id = ?", {peer_id}));
  GOOP_TRY(const bool already, st.step());
  if (already) return {};
  return Error{make_error_code(Errc::kNotFound),
               "the peer is not known (it has no peer cache row; a peer can be made a favourite "
               "once its presence has been seen)"};
}

// Cache rows, then favourites without a cache row; newest first; text and lists capped.
std::string boot_query() {
  const auto cols = [](std::string_view t) {
    return fmt::format(
        "{0}.peer_id, substr({0}.content, 1, {1}), substr({0}.email, 1, {1}), "
        "substr({0}.avatar_hash, 1, {1}), {0}.video_disabled, substr({0}.active_template, 1, {1}), "
        "{0}.verified, substr({0}.addrs, 1, {2}), substr({0}.last_seen, 1, 64), "
        "substr({0}.protocols, 1, {2}), substr({0}.public_key, 1, {1})",
        t, PeerCache::kMaxTextChars, PeerCache::kMaxListJsonBytes + 1);
  };
  const std::string valid_id = fmt::format(
      "peer_id IS NOT NULL AND peer_id <> '' AND length(peer_id) <= {}", kMaxPeerIdChars);
  return fmt::format(
      "SELECT {0}, EXISTS(SELECT 1 FROM _favorites f WHERE f.peer_id = c.peer_id) "
      "FROM _peer_cache c WHERE c.{2} "
      "UNION ALL "
      "SELECT {1}, 1 FROM _favorites f WHERE f.{2} "
      "AND NOT EXISTS(SELECT 1 FROM _peer_cache c WHERE c.peer_id = f.peer_id) "
      "ORDER BY 9 DESC LIMIT {3}",
      cols("c"), cols("f"), valid_id, PeerCache::kMaxBootRows);
}

CachedPeer read_row(const Statement& st) {
  CachedPeer p;
  p.peer_id = st.column_text(0);
  p.identity.content = st.column_text(1);
  p.identity.email = st.column_text(2);
  p.identity.avatar_hash = st.column_text(3);
  p.identity.video_disabled = st.column_int64(4) != 0;
  p.identity.active_template = st.column_text(5);
  p.identity.verified = st.column_int64(6) != 0;
  p.addrs = decode_list(st.column_text(7), PeerCache::kMaxAddrs);
  p.last_seen = parse_utc(st.column_text(8)).value_or(SysTime{});
  p.protocols = decode_list(st.column_text(9), PeerCache::kMaxProtocols);
  p.identity.public_key = st.column_text(10);
  p.identity.encryption_supported = !p.identity.public_key.empty();
  p.favorite = st.column_int64(11) != 0;
  return p;
}

}  // namespace

Expected<PeerCache> PeerCache::open(storage::Db& db, Clock& clock) {
  auto r = [&]() -> Expected<void> {
    GOOP_TRY(storage::Transaction tx, db.begin());
    for (std::string_view table : kTables) GOOP_TRY_VOID(migrate(db, table));
    return tx.commit();
  }();
  if (!r)
    return with_context(r.error(), "cannot create or upgrade the _peer_cache/_favorites tables");
  return PeerCache(db, clock);
}

Expected<void> PeerCache::upsert(const std::string& peer_id, const PeerIdentity& id,
                                 const std::vector<std::string>& addrs, bool verified) {
  const std::string addrs_json = encode_list(addrs, kMaxAddrs);
  const std::string now = format_utc(clock_->wall_now());
  auto r = upsert_rows(*db_, {peer_id, id.content, id.email, id.avatar_hash, id.video_disabled,
                              id.active_template, verified, addrs_json, now, id.public_key});
  if (!r) return with_context(r.error(), fmt::format("cannot remember peer {}", peer_id));
  return r;
}

Expected<void> PeerCache::set_protocols(const std::string& peer_id,
                                        const std::vector<std::string>& protocols) {
  auto r = update_protocols(*db_, peer_id, encode_list(protocols, kMaxProtocols));
  if (!r)
    return with_context(r.error(), fmt::format("cannot store the protocols of peer {}", peer_id));
  return r;
}

Expected<void> PeerCache::remove(const std::string& peer_id) {
  auto r = db_->run("DELETE FROM _peer_cache WHERE peer_id = ?", {peer_id});
  if (!r) return with_context(r.error(), fmt::format("cannot forget peer {}", peer_id));
  return {};
}

Expected<void> PeerCache::set_favorite(const std::string& peer_id, bool fav) {
  if (fav) {
    auto r = favorite(*db_, peer_id);
    if (!r) return with_context(r.error(), fmt::format("cannot favourite peer {}", peer_id));
    return r;
  }
  auto r = db_->run("DELETE FROM _favorites WHERE peer_id = ?", {peer_id});
  if (!r) return with_context(r.error(), fmt::format("cannot unfavourite peer {}", peer_id));
  return {};
}

Expected<std::vector<CachedPeer>> PeerCache::boot_list() {
  auto r = [&]() -> Expected<std::vector<CachedPeer>> {
    GOOP_TRY(Statement st, db_->query(boot_query()));
    std::vector<CachedPeer> out;
    for (;;) {
      GOOP_TRY(const bool row, st.step());
      if (!row) break;
      out.push_back(read_row(st));
    }
    // The SQL order is textual; this one is by time, for writers with a zone suffix.
    std::stable_sort(out.begin(), out.end(), [](const CachedPeer& a, const CachedPeer& b) {
      return a.last_seen > b.last_seen;
    });
    return out;
  }();
  if (!r) return with_context(r.error(), "cannot read the remembered peers");
  return r;
}

}  // namespace goop::presence
