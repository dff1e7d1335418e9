#pragma once
// A SQLite database handle (WAL, foreign keys on, 5 s busy timeout, synchronous=NORMAL), as the
// peer's data.db needs, with a small prepared-statement API (Statement, Param) and a
// transaction guard (Transaction). sqlite3.h stays inside storage/: no SQLite type appears here.
//
// Threading: blocking and not thread-safe (the connection is opened with SQLITE_OPEN_NOMUTEX).
// A Db and every Statement/Transaction made from it are used by one thread at a time: the
// start-up path, the node thread for small writes, or one blocking-pool task.
//
// Lifetimes:
//  1. A Statement or Transaction must not be used after its Db is closed, destroyed or moved
//     from; destroying one afterwards is harmless (SQLite defers the real close until then).
//  2. A Transaction refers to its Db by address: the Db must not move while it is live.

#include "base/result.hpp"

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace goop::storage {

// A value for a statement parameter: NULL, a 64-bit integer (bool becomes 0/1) or text. Text is
// copied by SQLite when bound, so the viewed string only has to live until the bind call.
class Param {
 public:
  enum class Kind { kNull, kInt, kText };

  Param(std::nullptr_t) noexcept {}  // NOLINT(google-explicit-constructor)
  Param(std::string_view s) noexcept : kind_(Kind::kText), text_(s) {}    // NOLINT
  Param(const char* s) noexcept : kind_(Kind::kText), text_(s) {}         // NOLINT
  Param(const std::string& s) noexcept : kind_(Kind::kText), text_(s) {}  // NOLINT
  // Unsigned values above INT64_MAX wrap; the callers here never store such values.
  template <std::integral I>
  Param(I v) noexcept : kind_(Kind::kInt), int_(static_cast<std::int64_t>(v)) {}  // NOLINT

  Kind kind() const noexcept { return kind_; }
  std::int64_t as_int() const noexcept { return int_; }
  std::string_view as_text() const noexcept { return text_; }

 private:
  Kind kind_ = Kind::kNull;
  std::int64_t int_ = 0;
  std::string_view text_;
};

// One compiled SQL statement (sqlite3_stmt). Move-only; finalized on destruction.
// Usage: bind parameters, step() until it returns false, reset() to run it again.
class Statement {
 public:
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) noexcept;
  ~Statement();

  // Binds `value` to the 1-based parameter `index` (`?1`, or the n-th `?`).
  // Errors: kInvalidArgument naming the index and the SQL when it is out of range.
  Expected<void> bind(int index, const Param& value);
  // Binds params to parameters 1..n in order.
  Expected<void> bind_all(std::initializer_list<Param> params);

  // Runs the statement to its next row: true when a row is available through column_*(),
  // false when the statement is done. Errors carry the database file, the SQL and SQLite's
  // reason; kTimeout when the database stayed locked by another process for 5 s, kCorrupt for a
  // damaged file, kInvalidArgument for a constraint violation, kIo otherwise.
  Expected<bool> step();

  // Column accessors for the current row (0-based). NULL reads as "" / 0; an out-of-range column
  // reads as NULL. Only valid after step() returned true.
  int column_count() const noexcept;
  bool column_is_null(int col) const noexcept;
  std::string column_text(int col) const;
  std::int64_t column_int64(int col) const noexcept;

  // Rewinds the statement so it can be stepped again; bindings are kept.
  void reset() noexcept;
  // Sets every parameter back to NULL.
  void clear_bindings() noexcept;

 private:
  friend class Db;
  struct Impl;
  explicit Statement(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class Transaction;

class Db {
 public:
  // Opens (creating if needed) the database at `path`. Errors name the file and SQLite's reason.
  static Expected<Db> open(const std::filesystem::path& path);

  Db(Db&&) noexcept;
  Db& operator=(Db&&) noexcept;
  ~Db();

  // Runs one or more SQL statements without results or parameters. Errors carry SQLite's message.
  Expected<void> exec(std::string_view sql);

  // Compiles one SQL statement (text after the first statement is an error).
  // Errors: kClosed on a closed Db; otherwise the file, the SQL and SQLite's reason.
  Expected<Statement> prepare(std::string_view sql);
  // prepare() then bind_all(params): `db.query("SELECT a FROM t WHERE id = ?", {id})`.
  Expected<Statement> query(std::string_view sql, std::initializer_list<Param> params = {});
  // Runs one statement with params to completion, discarding any rows, and returns how many rows
  // it inserted, updated or deleted. Errors as prepare() and Statement::step().
  Expected<std::int64_t> run(std::string_view sql, std::initializer_list<Param> params = {});

  // Starts a write transaction (BEGIN IMMEDIATE, so a concurrent writer makes it wait up to the
  // busy timeout here rather than fail at commit). Transactions do not nest: beginning one while
  // another is live fails with SQLite's "cannot start a transaction within a transaction".
  Expected<Transaction> begin();

  // Closes the handle (checkpointing the WAL). Safe to call twice.
  void close();
  bool is_open() const noexcept;
  // The file this Db was opened from (for error messages).
  const std::string& path() const noexcept;

 private:
  friend class Transaction;
  struct Impl;
  explicit Db(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Scope guard for a transaction from Db::begin(): commit() makes the changes durable; destroying
// the guard without a successful commit() rolls them back. Move-only.
class Transaction {
 public:
  Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  // Commits. On failure the transaction is rolled back by the destructor, and the error names the
  // database and SQLite's reason.
  Expected<void> commit();

 private:
  friend class Db;
  explicit Transaction(Db* db) noexcept : db_(db) {}
  Db* db_;  // null once committed or moved from
};

}  // namespace goop::storage
