#include "storage/db.hpp"

#include "base/errors.hpp"

#include <fmt/core.h>
#include <sqlite3.h>

#include <climits>

namespace goop::storage {
namespace {

Errc classify(int rc) noexcept {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Errc::kTimeout;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Errc::kCorrupt;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
      return Errc::kInvalidArgument;
    case SQLITE_TOOBIG:
      return Errc::kTooLarge;
    default:
      return Errc::kIo;
  }
}

// What a person can do about the two failures that are not bugs in the SQL.
std::string_view hint(int rc) noexcept {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return " (another process keeps it locked; is a second goop2 running on this folder?)";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return " (the file is damaged; restore it from a backup or move it away)";
    default:
      return "";
  }
}

// The SQL on one line and at most 80 characters, to name a statement in a message.
std::string short_sql(std::string_view sql) {
  std::string out;
  for (char c : sql) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out.push_back(space ? ' ' : c);
    if (out.size() >= 80) return out + "...";
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Error sqlite_error(sqlite3* db, int rc, std::string_view path, std::string_view what) {
  return Error{make_error_code(classify(rc)),
               fmt::format("database {}: {}: {}{}", path, what,
                           db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), hint(rc))};
}

Error closed_error() {
  return Error{make_error_code(Errc::kClosed),
               "the database is closed (the peer is shutting down)"};
}

}  // namespace

// ---- Statement ----

struct Statement::Impl {
  sqlite3_stmt* stmt = nullptr;
  std::string path;
  ~Impl() { sqlite3_finalize(stmt); }

  Error error(int rc, std::string_view verb) const {
    return sqlite_error(sqlite3_db_handle(stmt), rc, path,
                        fmt::format("{} \"{}\"", verb, short_sql(sqlite3_sql(stmt))));
  }
};

Statement::Statement(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Statement::Statement(Statement&&) noexcept = default;
Statement& Statement::operator=(Statement&&) noexcept = default;
Statement::~Statement() = default;

Expected<void> Statement::bind(int index, const Param& value) {
  if (!impl_) return closed_error();
  int rc = SQLITE_OK;
  switch (value.kind()) {
    case Param::Kind::kNull:
      rc = sqlite3_bind_null(impl_->stmt, index);
      break;
    case Param::Kind::kInt:
      rc = sqlite3_bind_int64(impl_->stmt, index, value.as_int());
      break;
    case Param::Kind::kText: {
      const std::string_view t = value.as_text();
      // A null data pointer would bind NULL; an empty view must bind ''.
      rc = sqlite3_bind_text64(impl_->stmt, index, t.data() ? t.data() : "", t.size(),
                               SQLITE_TRANSIENT, SQLITE_UTF8);
      break;
    }
  }
  if (rc != SQLITE_OK) return impl_->error(rc, fmt::format("cannot bind parameter {} of", index));
  return {};
}

Expected<void> Statement::bind_all(std::initializer_list<Param> params) {
  int index = 1;
  for (const Param& p : params) GOOP_TRY_VOID(bind(index++, p));
  return {};
}

Expected<bool> Statement::step() {
  if (!impl_) return closed_error();
  const int rc = sqlite3_step(impl_->stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return impl_->error(rc, "cannot run");
}

int Statement::column_count() const noexcept { return impl_ ? sqlite3_data_count(impl_->stmt) : 0; }

bool Statement::column_is_null(int col) const noexcept {
  return !impl_ || sqlite3_column_type(impl_->stmt, col) == SQLITE_NULL;
}

std::string Statement::column_text(int col) const {
  if (!impl_) return {};
  const unsigned char* text = sqlite3_column_text(impl_->stmt, col);
  if (!text) return {};
  const int n = sqlite3_column_bytes(impl_->stmt, col);
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(n));
}

std::int64_t Statement::column_int64(int col) const noexcept {
  return impl_ ? static_cast<std::int64_t>(sqlite3_column_int64(impl_->stmt, col)) : 0;
}

void Statement::reset() noexcept {
  // The error sqlite3_reset repeats was already reported by step().
  if (impl_) sqlite3_reset(impl_->stmt);
}

void Statement::clear_bindings() noexcept {
  if (impl_) sqlite3_clear_bindings(impl_->stmt);
}

// ---- Db ----

struct Db::Impl {
  sqlite3* db = nullptr;
  std::string path;
  ~Impl() {
    if (db) sqlite3_close_v2(db);
  }
};

Db::Db(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Db::Db(Db&&) noexcept = default;
Db& Db::operator=(Db&&) noexcept = default;
Db::~Db() = default;

Expected<Db> Db::open(const std::filesystem::path& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path.string();
  const int rc =
      sqlite3_open_v2(impl->path.c_str(), &impl->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(impl->db, rc, impl->path, "cannot open");
  Db db(std::move(impl));
  GOOP_TRY_VOID(
      db.exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; "
              "PRAGMA synchronous=NORMAL;"));
  return db;
}

Expected<void> Db::exec(std::string_view sql) {
  if (!is_open()) return closed_error();
  char* err = nullptr;
  const std::string s(sql);
  const int rc = sqlite3_exec(impl_->db, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    Error e{make_error_code(classify(rc)),
            fmt::format("database {}: cannot run \"{}\": {}{}", impl_->path, short_sql(sql),
                        err ? err : sqlite3_errstr(rc), hint(rc))};
    sqlite3_free(err);
    return e;
  }
  return {};
}

Expected<Statement> Db::prepare(std::string_view sql) {
  if (!is_open()) return closed_error();
  if (sql.size() > static_cast<std::size_t>(INT_MAX)) {
    return Error{
        make_error_code(Errc::kTooLarge),
        fmt::format("database {}: SQL text of {} bytes is too long", impl_->path, sql.size())};
  }
  auto impl = std::make_unique<Statement::Impl>();
  impl->path = impl_->path;
  const char* tail = nullptr;
  const int rc =
      sqlite3_prepare_v2(impl_->db, sql.data(), static_cast<int>(sql.size()), &impl->stmt, &tail);
  if (rc != SQLITE_OK) {
    return sqlite_error(impl_->db, rc, impl_->path,
                        fmt::format("cannot prepare \"{}\"", short_sql(sql)));
  }
  const std::string_view rest =
      tail ? sql.substr(static_cast<std::size_t>(tail - sql.data())) : std::string_view{};
  if (!impl->stmt || rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    return Error{make_error_code(Errc::kInvalidArgument),
                 fmt::format("database {}: \"{}\" must be exactly one SQL statement", impl_->path,
                             short_sql(sql))};
  }
  return Statement(std::move(impl));
}

Expected<Statement> Db::query(std::string_view sql, std::initializer_list<Param> params) {
  GOOP_TRY(Statement st, prepare(sql));
  GOOP_TRY_VOID(st.bind_all(params));
  return st;
}

Expected<std::int64_t> Db::run(std::string_view sql, std::initializer_list<Param> params) {
  GOOP_TRY(Statement st, query(sql, params));
  for (;;) {
    GOOP_TRY(const bool row, st.step());
    if (!row) break;
  }
  return static_cast<std::int64_t>(sqlite3_changes64(impl_->db));
}

Expected<Transaction> Db::begin() {
  GOOP_TRY_VOID(exec("BEGIN IMMEDIATE"));
  return Transaction(this);
}

void Db::close() {
  if (impl_ && impl_->db) {
    sqlite3_close_v2(impl_->db);
    impl_->db = nullptr;
  }
}

bool Db::is_open() const noexcept { return impl_ && impl_->db; }

const std::string& Db::path() const noexcept {
  static const std::string kNone = "(moved-from database)";
  return impl_ ? impl_->path : kNone;
}

// ---- Transaction ----

Transaction::~Transaction() {
  if (db_ && db_->is_open()) {
    // Fails only when there is nothing left to roll back (SQLite already did it after an error).
    (void)db_->exec("ROLLBACK");
  }
}

Expected<void> Transaction::commit() {
  if (!db_) {
    return Error{make_error_code(Errc::kInvalidArgument),
                 "cannot commit: the transaction was already committed"};
  }
  GOOP_TRY_VOID(db_->exec("COMMIT"));
  db_ = nullptr;
  return {};
}

}  // namespace goop::storage
