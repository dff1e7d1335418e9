#include "storage/db.hpp"

#include "base/errors.hpp"
#include "testing/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

namespace goop::storage {
namespace {

class DbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Db::open(dir_ / "data.db");
    ASSERT_TRUE(db.has_value()) << db.error().message;
    db_.emplace(std::move(*db));
    ASSERT_TRUE(db_->exec("CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, s TEXT)").has_value());
  }
  std::int64_t count() {
    auto st = db_->query("SELECT count(*) FROM t");
    EXPECT_TRUE(st.has_value());
    EXPECT_TRUE(*st->step());
    return st->column_int64(0);
  }

  goop::testing::TempDir tmp_{"db"};
  const std::filesystem::path dir_ = tmp_.path();
  std::optional<Db> db_;  // closed before the folder goes
};

TEST_F(DbTest, BindsTextIntegerAndNullAndReadsThemBack) {
  auto n =
      db_->run("INSERT INTO t (id, n, s) VALUES (?, ?, ?)", {"a", std::int64_t{1} << 40, nullptr});
  ASSERT_TRUE(n.has_value()) << n.error().message;
  EXPECT_EQ(*n, 1);
  ASSERT_TRUE(db_->run("INSERT INTO t VALUES (?1, ?2, ?1)", {std::string("b"), true}).has_value());

  auto st = db_->query("SELECT id, n, s FROM t ORDER BY id");
  ASSERT_TRUE(st.has_value()) << st.error().message;
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->column_count(), 3);
  EXPECT_EQ(st->column_text(0), "a");
  EXPECT_EQ(st->column_int64(1), std::int64_t{1} << 40);
  EXPECT_EQ(st->column_text(1), "1099511627776");
  EXPECT_TRUE(st->column_is_null(2));
  EXPECT_EQ(st->column_text(2), "");
  EXPECT_EQ(st->column_int64(2), 0);
  EXPECT_TRUE(st->column_is_null(7));  // out of range reads as NULL
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->column_text(0), "b");
  EXPECT_EQ(st->column_int64(1), 1);
  EXPECT_EQ(st->column_text(2), "b");
  EXPECT_FALSE(*st->step());
}

TEST_F(DbTest, EmptyTextBindsAsEmptyStringNotNull) {
  ASSERT_TRUE(db_->run("INSERT INTO t VALUES ('x', 0, ?)", {std::string_view{}}).has_value());
  auto st = db_->query("SELECT s IS NULL, s = '' FROM t");
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->column_int64(0), 0);
  EXPECT_EQ(st->column_int64(1), 1);
}

TEST_F(DbTest, ResetRunsTheStatementAgainWithNewBindings) {
  auto ins = db_->prepare("INSERT INTO t (id, n) VALUES (?, ?)");
  ASSERT_TRUE(ins.has_value());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(ins->bind_all({std::to_string(i), i}).has_value());
    ASSERT_FALSE(*ins->step());
    ins->reset();
  }
  EXPECT_EQ(count(), 3);

  auto sel = db_->query("SELECT n FROM t WHERE id = ?", {"2"});
  ASSERT_TRUE(*sel->step());
  EXPECT_EQ(sel->column_int64(0), 2);
  sel->reset();
  sel->clear_bindings();
  EXPECT_FALSE(*sel->step());  // id = NULL matches nothing
  sel->reset();
  ASSERT_TRUE(sel->bind(1, "0").has_value());
  ASSERT_TRUE(*sel->step());
  EXPECT_EQ(sel->column_int64(0), 0);
}

TEST_F(DbTest, ErrorsNameTheFileTheStatementAndTheReason) {
  auto bad = db_->prepare("SELEC id FROM t");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find((dir_ / "data.db").string()), std::string::npos)
      << bad.error().message;
  EXPECT_NE(bad.error().message.find("SELEC id FROM t"), std::string::npos);
  EXPECT_NE(bad.error().message.find("syntax error"), std::string::npos);

  auto two = db_->prepare("SELECT 1; SELECT 2");
  ASSERT_FALSE(two.has_value());
  EXPECT_EQ(two.error().code, make_error_code(Errc::kInvalidArgument));
  EXPECT_TRUE(db_->prepare("SELECT 1;  ").has_value());

  auto st = db_->prepare("SELECT ?");
  auto range = st->bind(2, 1);
  ASSERT_FALSE(range.has_value());
  EXPECT_EQ(range.error().code, make_error_code(Errc::kInvalidArgument));
  EXPECT_NE(range.error().message.find("parameter 2"), std::string::npos) << range.error().message;

  ASSERT_TRUE(db_->run("INSERT INTO t (id) VALUES ('dup')").has_value());
  auto dup = db_->run("INSERT INTO t (id) VALUES ('dup')");
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, make_error_code(Errc::kInvalidArgument));
  EXPECT_NE(dup.error().message.find("UNIQUE constraint failed: t.id"), std::string::npos)
      << dup.error().message;
}

TEST_F(DbTest, ClosedDatabaseRefusesWork) {
  db_->close();
  db_->close();
  EXPECT_FALSE(db_->is_open());
  auto st = db_->prepare("SELECT 1");
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, make_error_code(Errc::kClosed));
  EXPECT_EQ(db_->exec("SELECT 1").error().code, make_error_code(Errc::kClosed));
}

TEST_F(DbTest, StatementOutlivingCloseIsHarmlessToDestroy) {
  auto st = db_->query("SELECT 1");
  ASSERT_TRUE(st.has_value());
  db_->close();
  // st is destroyed after the close; SQLite finishes the deferred close then.
}

TEST_F(DbTest, TransactionCommitsOrRollsBack) {
  {
    auto tx = db_->begin();
    ASSERT_TRUE(tx.has_value()) << tx.error().message;
    ASSERT_TRUE(db_->run("INSERT INTO t (id) VALUES ('kept')").has_value());
    ASSERT_TRUE(tx->commit().has_value());
    EXPECT_FALSE(tx->commit().has_value());  // already committed
  }
  {
    auto tx = db_->begin();
    ASSERT_TRUE(tx.has_value());
    ASSERT_TRUE(db_->run("INSERT INTO t (id) VALUES ('dropped')").has_value());
    auto nested = db_->begin();
    ASSERT_FALSE(nested.has_value());
    EXPECT_NE(nested.error().message.find("within a transaction"), std::string::npos)
        << nested.error().message;
  }  // no commit: rolled back
  EXPECT_EQ(count(), 1);
  // A new transaction can start after the rollback.
  auto tx = db_->begin();
  ASSERT_TRUE(tx.has_value()) << tx.error().message;
  Transaction moved = std::move(*tx);
  EXPECT_TRUE(moved.commit().has_value());
}

TEST_F(DbTest, ReopenKeepsDataAndUsesWal) {
  ASSERT_TRUE(db_->run("INSERT INTO t (id, s) VALUES ('p', 'persisted')").has_value());
  db_.reset();
  auto again = Db::open(dir_ / "data.db");
  ASSERT_TRUE(again.has_value()) << again.error().message;
  auto st = again->query("SELECT s FROM t WHERE id = 'p'");
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->column_text(0), "persisted");
  auto mode = again->query("PRAGMA journal_mode");
  ASSERT_TRUE(*mode->step());
  EXPECT_EQ(mode->column_text(0), "wal");
}

TEST_F(DbTest, FileThatIsNotADatabaseIsReportedAsCorrupt) {
  const auto path = dir_ / "garbage.db";
  std::ofstream(path) << std::string(4096, 'x');
  auto db = Db::open(path);
  ASSERT_FALSE(db.has_value());
  EXPECT_EQ(db.error().code, make_error_code(Errc::kCorrupt));
  EXPECT_NE(db.error().message.find(path.string()), std::string::npos) << db.error().message;
  EXPECT_NE(db.error().message.find("restore it from a backup"), std::string::npos);
}

}  // namespace
}  // namespace goop::storage
