// EntityTable::All against a real PostgreSQL: every row, by id, whatever
// changed since the last read (updated, inserted, deleted, or changed by
// SQL outside the service), parsing only the rows that changed.
#include "libs/db/entity_table.h"

#include <map>
#include <string>
#include <vector>

#include "callcenter/common/v1/common.pb.h"
#include "gtest/gtest.h"
#include "libs/db/testing.h"

namespace callcenter::db {
namespace {

using common::v1::Money;

class EntityTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = TestDatabase::Create();
    CC_REQUIRE_DATABASE(db_);
    {
      pqxx::connection c(db_->conninfo());
      pqxx::work w(c);
      w.exec(
          "CREATE SCHEMA entity_test; CREATE TABLE entity_test.amounts (id text PRIMARY KEY, "
          "body jsonb NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())");
      w.commit();
    }
    PoolOptions options;
    options.conninfo = db_->conninfo();
    options.schema = "entity_test";
    pool_ = std::make_unique<Pool>(options);
  }

  void Put(const std::string& id, int64_t minor_units) {
    Money m;
    m.set_currency("USD");
    m.set_minor_units(minor_units);
    ASSERT_TRUE(pool_->Transact([&](pqxx::work& txn) { return table_.Upsert(txn, id, m); }).ok());
  }

  void Sql(const std::string& sql) {
    ASSERT_TRUE(pool_->Transact([&](pqxx::work& txn) {
      txn.exec(sql);
      return absl::OkStatus();
    }).ok());
  }

  // Every row's amount, in the order All gives them.
  std::vector<int64_t> All() {
    std::vector<Money> rows;
    EXPECT_TRUE(pool_->Read([&](pqxx::work& txn) {
      return table_.All(txn, [&]() -> google::protobuf::Message* {
        rows.emplace_back();
        return &rows.back();
      });
    }).ok());
    std::vector<int64_t> amounts;
    for (const Money& m : rows) amounts.push_back(m.minor_units());
    return amounts;
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Pool> pool_;
  EntityTable table_{"amounts"};
};

TEST_F(EntityTableTest, ReadsEveryRowParsingOnlyWhatChanged) {
  Put("a", 1);
  Put("b", 2);
  Put("c", 3);
  EXPECT_EQ(All(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(table_.rows_parsed_by_last_all(), 3u);

  EXPECT_EQ(All(), (std::vector<int64_t>{1, 2, 3}));  // nothing changed: nothing parsed
  EXPECT_EQ(table_.rows_parsed_by_last_all(), 0u);

  Put("b", 20);                             // updated
  Put("bb", 25);                            // inserted
  Sql("DELETE FROM amounts WHERE id = 'c'");  // deleted
  EXPECT_EQ(All(), (std::vector<int64_t>{1, 20, 25}));
  EXPECT_EQ(table_.rows_parsed_by_last_all(), 2u);

  // Changed by SQL outside the service, even with the same updated_at.
  Sql("UPDATE amounts SET body = jsonb_set(body, '{minor_units}', '\"10\"') WHERE id = 'a'");
  EXPECT_EQ(All(), (std::vector<int64_t>{10, 20, 25}));
  EXPECT_EQ(table_.rows_parsed_by_last_all(), 1u);
}

// Ids that JSON must escape travel to the query and back.
TEST_F(EntityTableTest, IdsWithQuotesAndBackslashes) {
  Put("say \"hi\"", 1);
  Put("back\\slash", 2);
  Put("tab\there", 3);
  EXPECT_EQ(All().size(), 3u);
  EXPECT_EQ(All().size(), 3u);
  EXPECT_EQ(table_.rows_parsed_by_last_all(), 0u);
}

// AllShared hands out the table's own parsed rows: an unchanged row is the
// same object read after read (one copy, however many snapshots hold it),
// a changed one a new object, and the old one is left as it was for those
// still holding it.
TEST_F(EntityTableTest, SharedRowsAreTheSameObjectsUntilTheyChange) {
  auto read = [&]() {
    std::map<std::string, EntityTable::Shared> rows;
    EXPECT_TRUE(pool_->Read([&](pqxx::work& txn) {
      return table_.AllShared(
          txn, []() -> const google::protobuf::Message& { return Money::default_instance(); },
          [&](EntityTable::Shared row) {
            const auto& m = static_cast<const Money&>(*row);
            rows[std::to_string(m.minor_units())] = std::move(row);
          });
    }).ok());
    return rows;
  };
  Put("a", 1);
  Put("b", 2);
  auto first = read();
  ASSERT_EQ(first.size(), 2u);
  auto second = read();
  EXPECT_EQ(second.at("1").get(), first.at("1").get());  // shared, not copied
  EXPECT_EQ(second.at("2").get(), first.at("2").get());
  Put("b", 20);
  auto third = read();
  EXPECT_EQ(third.at("1").get(), first.at("1").get());
  ASSERT_EQ(third.count("20"), 1u);
  EXPECT_NE(third.at("20").get(), first.at("2").get());
  EXPECT_EQ(static_cast<const Money&>(*first.at("2")).minor_units(), 2);  // unchanged for its holders
  EXPECT_EQ(table_.rows_parsed_by_last_all(), 1u);
  // All() still gives copies of the same rows.
  EXPECT_EQ(All(), (std::vector<int64_t>{1, 20}));
  EXPECT_EQ(table_.rows_parsed_by_last_all(), 0u);
}

}  // namespace
}  // namespace callcenter::db
