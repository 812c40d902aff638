// Upgrade safety: a database at the schema and data of the previous
// release (its migrations only, rows written the way that release wrote
// them), migrated to this one, reads back the same. Shipped migrations are
// never edited; new ones convert the data.
#include <map>
#include <string>
#include <vector>

#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "libs/db/migrate.h"
#include "libs/db/pool.h"
#include "libs/db/testing.h"
#include "services/guidedselling/guidedselling_service.h"
#include "services/guidedselling/migrations.h"
#include "services/hold/hold_service.h"
#include "services/hold/migrations.h"
#include "services/hold/store.h"
#include "services/orchestration/migrations.h"
#include "services/orchestration/saga.h"
#include "services/order/migrations.h"
#include "services/payment/migrations.h"
#include "services/pricing/migrations.h"
#include "services/pricing/pricing_service.h"

namespace callcenter::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

// The last migration of each schema in the previous release (76c3c6c).
const std::map<std::string, int>& PreviousRelease() {
  static const auto* kVersions = new std::map<std::string, int>{
      {"order_svc", 6},   {"pricing_svc", 3}, {"guidedselling_svc", 2},
      {"payment_svc", 2}, {"hold_svc", 3},    {"orchestration_svc", 5}};
  return *kVersions;
}

std::vector<db::Migration> UpTo(const std::vector<db::Migration>& all, int version) {
  std::vector<db::Migration> some;
  for (const auto& m : all) {
    if (m.version <= version) some.push_back(m);
  }
  return some;
}

class UpgradeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = db::TestDatabase::Create();
    CC_REQUIRE_DATABASE(db_.get());
  }

  // The schema as the previous release left it, and a pool on it.
  db::Pool* Previous(const std::string& schema, const std::vector<db::Migration>& all) {
    const int version = PreviousRelease().at(schema);
    EXPECT_LT(version, static_cast<int>(all.size()) + 1);
    EXPECT_TRUE(db::Migrate(db_->conninfo(), schema, UpTo(all, version)).ok());
    db::PoolOptions po;
    po.conninfo = db_->conninfo();
    po.schema = schema;
    pools_.push_back(std::make_unique<db::Pool>(po));
    return pools_.back().get();
  }
  void Upgrade(const std::string& schema, const std::vector<db::Migration>& all) {
    int applied = 0;
    ASSERT_TRUE(db::Migrate(db_->conninfo(), schema, all, &applied).ok());
    EXPECT_EQ(applied, static_cast<int>(all.size()) - PreviousRelease().at(schema));
  }
  void Sql(db::Pool* pool, const std::string& sql) {
    ASSERT_TRUE(pool->Transact([&](pqxx::work& txn) -> absl::Status {
                      txn.exec0(sql);
                      return absl::OkStatus();
                    })
                    .ok())
        << sql;
  }

  std::unique_ptr<db::TestDatabase> db_;
  std::vector<std::unique_ptr<db::Pool>> pools_;
};

TEST_F(UpgradeTest, MasterDataPricesTheSameAfterTheUpgrade) {
  db::Pool* pool = Previous("pricing_svc", migrations::PricingMigrations());
  // As the previous release wrote master data: one JSON row per id.
  Sql(pool,
      "INSERT INTO products (id, body) VALUES ('TEA', '{\"product_id\": \"TEA\", \"name\": "
      "\"Tea\", \"base_price\": {\"currency\": \"USD\", \"minor_units\": \"850\"}}')");
  Sql(pool,
      "INSERT INTO coupons (id, body) VALUES ('SPRING', '{\"coupon_code\": \"SPRING\", "
      "\"max_uses\": 2, \"active\": true}'), ('FREE', '{\"coupon_code\": \"FREE\"}')");
  Upgrade("pricing_svc", migrations::PricingMigrations());
  // The limits the counts filter on are columns now, for old rows too.
  ASSERT_TRUE(pool->Read([](pqxx::work& txn) -> absl::Status {
                    pqxx::result r = txn.exec(
                        "SELECT id, max_uses, max_uses_per_customer FROM coupons ORDER BY id");
                    EXPECT_EQ(r[0][0].as<std::string>(), "FREE");
                    EXPECT_EQ(r[0][1].as<int>(), 0);
                    EXPECT_EQ(r[1][0].as<std::string>(), "SPRING");
                    EXPECT_EQ(r[1][1].as<int>(), 2);
                    EXPECT_EQ(r[1][2].as<int>(), 0);
                    return absl::OkStatus();
                  })
                  .ok());
  pricing::PricingServiceImpl service(pool, nullptr);
  ASSERT_TRUE(service.Refresh(true).ok());
  grpc::ServerContext ctx;
  pricing::v1::PriceOrderRequest req;
  req.set_currency("USD");
  req.set_pricing_date("2026-12-02");
  auto* l = req.add_lines();
  l->set_line_id("L1");
  l->set_product_id("TEA");
  l->set_quantity(2);
  pricing::v1::PriceOrderResponse priced;
  ASSERT_TRUE(service.PriceOrder(&ctx, &req, &priced).ok());
  EXPECT_EQ(priced.total().minor_units(), 1700);
  // The helper now tracks the old tables: a write after the upgrade moves
  // the version the replicas check.
  const absl::StatusOr<int64_t> before = db::ReadSnapshotVersion(pool);
  ASSERT_TRUE(before.ok());
  Sql(pool, "UPDATE products SET updated_at = now() WHERE id = 'TEA'");
  EXPECT_GT(*db::ReadSnapshotVersion(pool), *before);
}

TEST_F(UpgradeTest, HoldsAndFraudRulesReadTheSameAfterTheUpgrade) {
  db::Pool* pool = Previous("hold_svc", migrations::HoldMigrations());
  hold::HoldStore old_store(pool);  // the hold tables did not change shape
  absl::StatusOr<common::v1::OrderHold> placed =
      old_store.PlaceHold("r1", "o1", "CREDIT", "check the address", "ann");
  ASSERT_TRUE(placed.ok()) << placed.status();
  Sql(pool,
      "INSERT INTO fraud_rules (id, body) VALUES ('big', '{\"rule_id\": \"big\", \"score\": 40, "
      "\"active\": true, \"order_total_at_least\": {\"currency\": \"USD\", \"minor_units\": "
      "\"50000\"}}')");
  Upgrade("hold_svc", migrations::HoldMigrations());
  hold::HoldStore store(pool);
  absl::StatusOr<std::vector<common::v1::OrderHold>> holds = store.ListHolds("o1");
  ASSERT_TRUE(holds.ok());
  ASSERT_EQ(holds->size(), 1u);
  EXPECT_TRUE(MessageDifferencer::Equals((*holds)[0], *placed));
  hold::HoldServiceImpl service(pool, nullptr);
  ASSERT_TRUE(service.Refresh(true).ok());
  grpc::ServerContext ctx;
  hold::v1::EvaluateFraudRequest req;
  req.set_request_id("e1");
  req.set_order_id("o2");
  req.mutable_order_total()->set_currency("USD");
  req.mutable_order_total()->set_minor_units(90000);
  req.set_min_fraud_score(1000);
  hold::v1::EvaluateFraudResponse scored;
  ASSERT_TRUE(service.EvaluateFraud(&ctx, &req, &scored).ok());
  EXPECT_EQ(scored.score(), 40);
}

TEST_F(UpgradeTest, ScriptsReadTheSameAfterTheUpgrade) {
  db::Pool* pool = Previous("guidedselling_svc", migrations::GuidedSellingMigrations());
  Sql(pool,
      "INSERT INTO scripts (id, body) VALUES ('welcome', '{\"script_id\": \"welcome\", "
      "\"kind\": \"SCRIPT_KIND_SCRIPT\", \"timing\": \"SCRIPT_TIMING_BEGINNING\", "
      "\"call_center_id\": \"cc1\", \"text\": \"Thank you for calling!\", \"active\": true}')");
  Upgrade("guidedselling_svc", migrations::GuidedSellingMigrations());
  guidedselling::GuidedSellingServiceImpl service(pool, nullptr);
  ASSERT_TRUE(service.Refresh(true).ok());
  grpc::ServerContext ctx;
  guidedselling::v1::GetScriptsRequest req;
  req.set_timing(common::v1::SCRIPT_TIMING_BEGINNING);
  req.set_call_center_id("cc1");
  guidedselling::v1::GetScriptsResponse scripts;
  ASSERT_TRUE(service.GetScripts(&ctx, &req, &scripts).ok());
  ASSERT_EQ(scripts.scripts_size(), 1);
  EXPECT_EQ(scripts.scripts(0).text(), "Thank you for calling!");
}

TEST_F(UpgradeTest, UnfinishedSagasAreStillRecoveredAfterTheUpgrade) {
  db::Pool* pool = Previous("orchestration_svc", migrations::OrchestrationMigrations());
  // As the previous release wrote them (its detail column still there).
  Sql(pool,
      "INSERT INTO sagas (saga_id, order_id, request_id, state, step, detail, kind) VALUES "
      "('11111111-1111-4111-8111-111111111111', 'o1', 'r1', 'RUNNING', 'COUPONS_REDEEMED', "
      "'{}', 'submit'), "
      "('22222222-2222-4222-8222-222222222222', 'o2', 'r2', 'DONE', 'DONE', '{}', 'cancel')");
  Upgrade("orchestration_svc", migrations::OrchestrationMigrations());
  orchestration::SagaLog sagas(pool);
  std::vector<orchestration::Saga> seen;
  absl::StatusOr<int> settled = sagas.RecoverIdle(
      absl::ZeroDuration(), [&](const orchestration::Saga& s) -> absl::StatusOr<std::string> {
        seen.push_back(s);
        return std::string(orchestration::kStepCompensated);
      });
  ASSERT_TRUE(settled.ok()) << settled.status();
  ASSERT_EQ(seen.size(), 1u);  // the finished one is not recovered
  EXPECT_EQ(seen[0].order_id, "o1");
  EXPECT_EQ(seen[0].request_id, "r1");
  EXPECT_EQ(seen[0].step, "COUPONS_REDEEMED");
  EXPECT_EQ(seen[0].kind, orchestration::kSagaSubmit);
}

TEST_F(UpgradeTest, UsersKeepTheirCallCenterAfterTheUpgrade) {
  db::Pool* pool = Previous("order_svc", migrations::OrderMigrations());
  Sql(pool,
      "INSERT INTO users (id, body) VALUES ('ann', '{\"user_id\": \"ann\", "
      "\"call_center_id\": \"cc1\"}')");
  Upgrade("order_svc", migrations::OrderMigrations());
  ASSERT_TRUE(
      pool->Read([](pqxx::work& txn) -> absl::Status {
            EXPECT_EQ(
                txn.exec1("SELECT call_center_id FROM users WHERE id = 'ann'")[0].as<std::string>(),
                "cc1");
            return absl::OkStatus();
          })
          .ok());
}

// Schemas with no migration since the previous release upgrade as a no-op.
TEST_F(UpgradeTest, UnchangedSchemasAreLeftAsTheyAre) {
  Previous("payment_svc", migrations::PaymentMigrations());
  Upgrade("payment_svc", migrations::PaymentMigrations());
}

}  // namespace
}  // namespace callcenter::testing
