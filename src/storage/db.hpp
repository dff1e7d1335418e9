#pragma once
// A SQLite database handle (WAL, foreign keys on, 5 s busy timeout, synchronous=NORMAL), as the
// peer's data.db needs. Blocking: use from the start-up path or the blocking pool, one thread at
// a time. sqlite3.h stays inside storage/.

#include <filesystem>
#include <memory>
#include <string_view>

#include "base/result.hpp"

namespace goop::storage {

class Db {
 public:
  // Opens (creating if needed) the database at `path`. Errors name the file and SQLite's reason.
  static Expected<Db> open(const std::filesystem::path& path);

  Db(Db&&) noexcept;
  Db& operator=(Db&&) noexcept;
  ~Db();

  // Runs one or more SQL statements without results. Errors carry SQLite's message.
  Expected<void> exec(std::string_view sql);
  // Closes the handle (checkpointing the WAL). Safe to call twice.
  void close();

 private:
  struct Impl;
  explicit Db(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace goop::storage
