#include "rendezvous/peer_db.hpp"

#include "base/log.hpp"
#include "storage/db.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

namespace goop::rendezvous {
namespace json = boost::json;
namespace {

log::Logger lg("rendezvous.db");

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS peers (
  peer_id TEXT PRIMARY KEY,
  type TEXT NOT NULL DEFAULT '',
  content TEXT DEFAULT '',
  email TEXT DEFAULT '',
  avatar_hash TEXT DEFAULT '',
  ts INTEGER DEFAULT 0,
  last_seen INTEGER DEFAULT 0,
  bytes_sent INTEGER DEFAULT 0,
  bytes_received INTEGER DEFAULT 0
))sql";

// Columns a Go-created file may lack, added one by one ("duplicate column" errors ignored).
constexpr std::string_view kAddedColumns[] = {
    "verified INTEGER DEFAULT 0",
    "addrs TEXT DEFAULT ''",
    "active_template TEXT DEFAULT ''",
    "public_key TEXT DEFAULT ''",
    "encryption_supported INTEGER DEFAULT 0",
    "goop_client_version TEXT DEFAULT ''",
};

constexpr std::string_view kUpsert = R"sql(
INSERT INTO peers (peer_id, type, content, email, avatar_hash, ts, last_seen, bytes_sent,
                   bytes_received, verified, addrs, active_template, public_key,
                   encryption_supported, goop_client_version)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
ON CONFLICT(peer_id) DO UPDATE SET
  type = excluded.type, content = excluded.content, email = excluded.email,
  avatar_hash = excluded.avatar_hash, ts = excluded.ts, last_seen = excluded.last_seen,
  bytes_sent = excluded.bytes_sent, bytes_received = excluded.bytes_received,
  verified = excluded.verified, addrs = excluded.addrs, active_template = excluded.active_template,
  public_key = excluded.public_key, encryption_supported = excluded.encryption_supported,
  goop_client_version = excluded.goop_client_version)sql";

std::string addrs_json(const std::vector<std::string>& addrs) {
  if (addrs.empty()) return {};
  json::array a;
  for (const auto& s : addrs) a.emplace_back(s);
  return json::serialize(a);
}

// Addresses from the addrs column; anything unreadable reads as none (the peer's next
// heartbeat brings them again).
std::vector<std::string> parse_addrs(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.get_array()) {
    if (e.is_string() && out.size() < presence::kMaxAddrs) out.emplace_back(e.get_string());
  }
  return out;
}

presence::MsgType parse_type(const std::string& t) {
  return t == "online" ? presence::MsgType::kOnline : presence::MsgType::kUpdate;
}

}  // namespace

PeerDb::PeerDb(std::unique_ptr<storage::Db> db) : db_(std::move(db)) {
  worker_ = std::thread([this] { run(); });
}

PeerDb::~PeerDb() { close(); }

Expected<std::unique_ptr<PeerDb>> PeerDb::open(const std::filesystem::path& path) {
  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  GOOP_TRY(storage::Db db, storage::Db::open(path));
  GOOP_TRY_VOID(db.exec(kSchema));
  for (std::string_view column : kAddedColumns) {
    (void)db.exec(fmt::format("ALTER TABLE peers ADD COLUMN {}", column));
  }
  // Checks that every column is there now (a file we cannot upgrade is refused).
  GOOP_TRY(auto check, db.prepare("SELECT peer_id, verified, addrs, active_template, public_key, "
                                  "encryption_supported, goop_client_version FROM peers LIMIT 0"));
  (void)check;
  return std::unique_ptr<PeerDb>(new PeerDb(std::make_unique<storage::Db>(std::move(db))));
}

Expected<std::vector<PeerRow>> PeerDb::load(std::int64_t min_last_seen_ms) {
  GOOP_TRY_VOID(db_->run("DELETE FROM peers WHERE last_seen < ?", {min_last_seen_ms}));
  GOOP_TRY(auto st,
           db_->prepare("SELECT peer_id, type, content, email, avatar_hash, ts, last_seen, "
                        "bytes_sent, bytes_received, verified, addrs, active_template, public_key, "
                        "encryption_supported, goop_client_version FROM peers"));
  std::vector<PeerRow> rows;
  for (;;) {
    GOOP_TRY(bool more, st.step());
    if (!more) break;
    PeerRow r;
    r.msg.peer_id = st.column_text(0);
    r.msg.type = parse_type(st.column_text(1));
    r.msg.content = st.column_text(2);
    r.msg.email = st.column_text(3);
    r.msg.avatar_hash = st.column_text(4);
    r.msg.ts = st.column_int64(5);
    r.last_seen_ms = st.column_int64(6);
    r.bytes_sent = static_cast<std::uint64_t>(std::max<std::int64_t>(0, st.column_int64(7)));
    r.bytes_received = static_cast<std::uint64_t>(std::max<std::int64_t>(0, st.column_int64(8)));
    r.msg.verified = st.column_int64(9) != 0;
    r.msg.addrs = parse_addrs(st.column_text(10));
    r.msg.active_template = st.column_text(11);
    r.msg.public_key = st.column_text(12);
    r.msg.encryption_supported = st.column_int64(13) != 0;
    r.msg.goop_client_version = st.column_text(14);
    rows.push_back(std::move(r));
  }
  return rows;
}

void PeerDb::write(std::vector<Hub::DirtyRow> batch) {
  if (batch.empty()) return;
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    queue_.push_back(std::move(batch));
    ++queued_;
  }
  cv_.notify_all();
}

void PeerDb::flush() {
  std::unique_lock lock(mu_);
  const std::uint64_t target = queued_;
  cv_.wait(lock, [&] { return written_ >= target; });
}

void PeerDb::close() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  db_->close();
}

void PeerDb::run() {
  for (;;) {
    std::vector<std::vector<Hub::DirtyRow>> work;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stop_ and nothing left
      work.swap(queue_);
    }
    for (const auto& batch : work) write_batch(batch);
    {
      std::lock_guard lock(mu_);
      written_ += work.size();
    }
    cv_.notify_all();
  }
}

void PeerDb::write_batch(const std::vector<Hub::DirtyRow>& batch) {
  auto fail = [&](const Error& e) {
    GOOP_LOG_WARN(lg, "peer DB {}: dropped a batch of {} changes: {}", db_->path(), batch.size(),
                  e.message);
  };
  auto tx = db_->begin();
  if (!tx) return fail(tx.error());
  auto upsert = db_->prepare(kUpsert);
  if (!upsert) return fail(upsert.error());
  auto del = db_->prepare("DELETE FROM peers WHERE peer_id = ?");
  if (!del) return fail(del.error());
  for (const auto& d : batch) {
    Expected<bool> step = false;
    if (!d.row) {
      del->reset();
      if (auto b = del->bind_all({d.peer_id}); !b) return fail(b.error());
      step = del->step();
    } else {
      const PeerRow& r = *d.row;
      const std::string addrs = addrs_json(r.msg.addrs);
      upsert->reset();
      auto b = upsert->bind_all({d.peer_id, presence::to_string(r.msg.type), r.msg.content,
                                 r.msg.email, r.msg.avatar_hash, r.msg.ts, r.last_seen_ms,
                                 r.bytes_sent, r.bytes_received, r.msg.verified, addrs,
                                 r.msg.active_template, r.msg.public_key,
                                 r.msg.encryption_supported, r.msg.goop_client_version});
      if (!b) return fail(b.error());
      step = upsert->step();
    }
    if (!step) return fail(step.error());
  }
  if (auto c = tx->commit(); !c) return fail(c.error());
}

}  // namespace goop::rendezvous
