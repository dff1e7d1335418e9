#include "storage/db.hpp"

#include <sqlite3.h>

#include <fmt/core.h>

#include "base/errors.hpp"

namespace goop::storage {

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
  const int rc = sqlite3_open_v2(impl->path.c_str(), &impl->db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    return Error{make_error_code(Errc::kIo),
                 fmt::format("cannot open database {}: {}", impl->path,
                             impl->db ? sqlite3_errmsg(impl->db) : sqlite3_errstr(rc))};
  }
  Db db(std::move(impl));
  GOOP_TRY_VOID(db.exec(
      "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; "
      "PRAGMA synchronous=NORMAL;"));
  return db;
}

Expected<void> Db::exec(std::string_view sql) {
  if (!impl_ || !impl_->db) return Error{make_error_code(Errc::kClosed), "database is closed"};
  char* err = nullptr;
  const std::string s(sql);
  if (sqlite3_exec(impl_->db, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    Error e{make_error_code(Errc::kIo), fmt::format("database {}: {}", impl_->path, err ? err : "error")};
    sqlite3_free(err);
    return e;
  }
  return {};
}

void Db::close() {
  if (impl_ && impl_->db) {
    sqlite3_close_v2(impl_->db);
    impl_->db = nullptr;
  }
}

}  // namespace goop::storage
