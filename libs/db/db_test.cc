#include <thread>

#include "gtest/gtest.h"
#include "libs/db/migrate.h"
#include "libs/db/pool.h"
#include "libs/db/testing.h"
#include "libs/db/test_migrations.h"

namespace callcenter::db {
namespace {

const Query kInsert{"insert_widget", "INSERT INTO widgets (widget_id, quantity) VALUES ($1, $2)"};
const Query kGet{"get_widget", "SELECT quantity FROM widgets WHERE widget_id = $1"};
const Query kLock{"lock_widget", "SELECT quantity FROM widgets WHERE widget_id = $1 FOR UPDATE"};

class DbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = TestDatabase::Create();
    CC_REQUIRE_DATABASE(db_);
    int applied = 0;
    ASSERT_TRUE(Migrate(db_->conninfo(), "widgets_svc", migrations::TestMigrations(), &applied).ok());
    ASSERT_EQ(applied, 2);
    PoolOptions options;
    options.conninfo = db_->conninfo();
    options.schema = "widgets_svc";
    options.max_size = 2;
    options.acquire_timeout = absl::Milliseconds(300);
    pool_ = std::make_unique<Pool>(options);
  }

  int64_t Quantity(const std::string& id) {
    int64_t q = -1;
    EXPECT_TRUE(pool_->Read([&](pqxx::work& txn) {
      pqxx::result r = Exec(txn, kGet, id);
      if (!r.empty()) q = r[0][0].as<int64_t>();
      return absl::OkStatus();
    }).ok());
    return q;
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Pool> pool_;
};

TEST_F(DbTest, MigrationsAreIdempotent) {
  int applied = -1;
  ASSERT_TRUE(Migrate(db_->conninfo(), "widgets_svc", migrations::TestMigrations(), &applied).ok());
  EXPECT_EQ(applied, 0);
  // Both migrations took effect: the column from 0002 exists.
  EXPECT_TRUE(pool_->Transact([](pqxx::work& txn) {
    txn.exec0("INSERT INTO widgets (widget_id, quantity, note) VALUES ('n', 1, 'x')");
    return absl::OkStatus();
  }).ok());
}

TEST_F(DbTest, ConcurrentMigrationsApplyOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> total{0};
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      int applied = 0;
      if (!Migrate(db_->conninfo(), "other_svc", migrations::TestMigrations(), &applied).ok()) {
        ++failures;
      }
      total += applied;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(total.load(), 2);
}

TEST_F(DbTest, CommitsOnOkAndRollsBackOnError) {
  ASSERT_TRUE(pool_->Transact([](pqxx::work& txn) {
    Exec(txn, kInsert, "a", 3);
    return absl::OkStatus();
  }).ok());
  absl::Status s = pool_->Transact([](pqxx::work& txn) {
    Exec(txn, kInsert, "b", 4);
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Quantity("a"), 3);
  EXPECT_EQ(Quantity("b"), -1);
}

TEST_F(DbTest, MapsExceptionsToStatus) {
  ASSERT_TRUE(pool_->Transact([](pqxx::work& txn) {
    Exec(txn, kInsert, "dup", 1);
    return absl::OkStatus();
  }).ok());
  absl::Status dup = pool_->Transact([](pqxx::work& txn) {
    Exec(txn, kInsert, "dup", 1);
    return absl::OkStatus();
  });
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists);
  absl::Status check = pool_->Transact([](pqxx::work& txn) {
    Exec(txn, kInsert, "neg", -1);
    return absl::OkStatus();
  });
  EXPECT_EQ(check.code(), absl::StatusCode::kInternal);
  // The pool still works after errors.
  EXPECT_EQ(Quantity("dup"), 1);
}

TEST_F(DbTest, ExhaustedPoolAnswersUnavailable) {
  ASSERT_TRUE(pool_->Transact([](pqxx::work& txn) {
    Exec(txn, kInsert, "w", 1);
    return absl::OkStatus();
  }).ok());
  std::atomic<bool> release{false};
  std::atomic<int> holding{0};
  std::vector<std::thread> holders;
  for (int i = 0; i < 2; ++i) {
    holders.emplace_back([&] {
      pool_->Read([&](pqxx::work&) {
        ++holding;
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return absl::OkStatus();
      }).IgnoreError();
    });
  }
  while (holding < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(pool_->stats().open, 2);
  EXPECT_EQ(pool_->stats().idle, 0);
  std::atomic<int> waiting_seen{0};
  std::thread watcher([&] {
    for (int i = 0; i < 50 && waiting_seen == 0; ++i) {
      waiting_seen = pool_->stats().waiting;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  absl::Status s = pool_->Read([](pqxx::work&) { return absl::OkStatus(); });
  watcher.join();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(waiting_seen.load(), 1);  // the refused caller waited first
  EXPECT_EQ(pool_->stats().waiting, 0);
  release = true;
  for (auto& t : holders) t.join();
  EXPECT_TRUE(pool_->Ping().ok());
  EXPECT_LE(pool_->stats().open, 2);
  EXPECT_EQ(pool_->stats().idle, pool_->stats().open);
}

TEST(DbNoServerTest, UnreachableDatabaseIsUnavailable) {
  PoolOptions options;
  options.conninfo = "host=127.0.0.1 port=1 connect_timeout=1";
  options.schema = "x";
  Pool pool(options);
  EXPECT_EQ(pool.Ping().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace callcenter::db
