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
#include "services/orchestration/store.h"
#include "services/order/store.h"
#include "services/payment/migrations.h"
#include "services/payment/store.h"
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
  // A hold as the previous release wrote it (no call center, no checkout).
  Sql(pool,
      "INSERT INTO order_holds (hold_id, order_id, request_id, hold_code, note, placed_by) "
      "VALUES ('6f1c1d2e-0000-4000-8000-000000000001', 'o1', 'r1', 'CREDIT', "
      "'check the address', 'ann')");
  Sql(pool,
      "INSERT INTO fraud_rules (id, body) VALUES ('big', '{\"rule_id\": \"big\", \"score\": 40, "
      "\"active\": true, \"order_total_at_least\": {\"currency\": \"USD\", \"minor_units\": "
      "\"50000\"}}')");
  Upgrade("hold_svc", migrations::HoldMigrations());
  hold::HoldStore store(pool);
  absl::StatusOr<std::vector<common::v1::OrderHold>> holds = store.ListHolds("o1");
  ASSERT_TRUE(holds.ok());
  ASSERT_EQ(holds->size(), 1u);
  EXPECT_EQ((*holds)[0].hold_id(), "6f1c1d2e-0000-4000-8000-000000000001");
  EXPECT_EQ((*holds)[0].hold_code(), "CREDIT");
  EXPECT_EQ((*holds)[0].note(), "check the address");
  EXPECT_EQ((*holds)[0].placed_by(), "ann");
  EXPECT_TRUE((*holds)[0].open());
  EXPECT_EQ((*holds)[0].checked_out_by(), "");
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

// Orders and stored responses written before documents were binary are
// only JSON; the upgrade converts them, and they read back the same
// (rows already binary are left as they are).
TEST_F(UpgradeTest, OrdersKeptAsJsonReadBackTheSameAfterTheUpgrade) {
  db::Pool* pool = Previous("order_svc", order::OrderSchemaMigrations());
  common::v1::Order old_order;
  old_order.set_order_id("33333333-3333-4333-8333-333333333333");
  old_order.set_call_center_id("cc1");
  old_order.set_customer_id("C1");
  old_order.set_status(common::v1::ORDER_STATUS_CONFIRMED);
  old_order.set_version(4);
  old_order.set_currency("USD");
  old_order.mutable_total()->set_currency("USD");
  old_order.mutable_total()->set_minor_units(1999);
  auto* line = old_order.add_lines();
  line->set_line_id("L1");
  line->set_product_id("TEA");
  line->set_quantity(3);
  auto* event = old_order.add_events();
  event->set_user_id("ann");
  event->set_kind("submitted");
  event->set_detail("CONFIRMED");
  common::v1::Order binary_order = old_order;
  binary_order.set_order_id("44444444-4444-4444-8444-444444444444");
  ASSERT_TRUE(pool->Transact([&](pqxx::work& txn) -> absl::Status {
                    txn.exec_params0(
                        "INSERT INTO orders (order_id, call_center_id, customer_id, status, "
                        "version, body) VALUES ($1::uuid, 'cc1', 'C1', 'ORDER_STATUS_CONFIRMED', "
                        "4, $2::jsonb)",
                        old_order.order_id(), db::ToJson(old_order));
                    txn.exec_params0(
                        "INSERT INTO idempotency (method, request_id, fingerprint, response) "
                        "VALUES ('SubmitOrder', 'r-old', 'f-old', $1::jsonb)",
                        db::ToJson(old_order));
                    txn.exec_params0(
                        "INSERT INTO orders (order_id, call_center_id, customer_id, status, "
                        "version, doc) VALUES ($1::uuid, 'cc1', 'C1', 'ORDER_STATUS_CONFIRMED', "
                        "4, $2)",
                        binary_order.order_id(),
                        pqxx::binarystring(binary_order.SerializeAsString()));
                    return absl::OkStatus();
                  })
                  .ok());
  Upgrade("order_svc", order::OrderSchemaMigrations());
  order::PgOrderStore store(pool);
  for (const common::v1::Order* want : {&old_order, &binary_order}) {
    absl::StatusOr<common::v1::Order> read = store.GetOrder(want->order_id());
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_TRUE(MessageDifferencer::Equals(*read, *want)) << read->DebugString();
  }
  // The stored response is what a retry of that request gets back.
  order::v1::OrderSaveView answer;
  ASSERT_TRUE(answer.ParseFromString(old_order.SerializeAsString()));
  absl::StatusOr<order::SaveResult> retried =
      store.SaveOrder("SubmitOrder", "r-old", "f-old", &answer, {});
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_TRUE(retried->replayed);
  common::v1::Order answered;
  ASSERT_TRUE(answered.ParseFromString(answer.SerializeAsString()));
  EXPECT_TRUE(MessageDifferencer::Equals(answered, old_order));
  // One representation: nothing is left only as JSON, and a row without
  // its document is refused from now on.
  ASSERT_TRUE(pool->Read([](pqxx::work& txn) -> absl::Status {
                    EXPECT_EQ(txn.exec1("SELECT count(*) AS n FROM orders WHERE body IS NOT NULL "
                                        "OR doc IS NULL")["n"]
                                  .as<int>(),
                              0);
                    EXPECT_EQ(txn.exec1("SELECT total_minor FROM orders WHERE order_id = "
                                        "'33333333-3333-4333-8333-333333333333'")["total_minor"]
                                  .as<int64_t>(),
                              1999);
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_FALSE(pool->Transact([](pqxx::work& txn) -> absl::Status {
                     txn.exec0(
                         "INSERT INTO orders (order_id, call_center_id, customer_id, status, "
                         "version, body) VALUES (gen_random_uuid(), 'cc1', 'C1', "
                         "'ORDER_STATUS_DRAFT', 1, '{}')");
                     return absl::OkStatus();
                   })
                   .ok());
}

// A row the conversion cannot read stops the upgrade, naming the order;
// nothing of that migration is applied.
TEST_F(UpgradeTest, AnUnreadableJsonOrderStopsTheUpgrade) {
  db::Pool* pool = Previous("order_svc", order::OrderSchemaMigrations());
  Sql(pool,
      "INSERT INTO orders (order_id, call_center_id, customer_id, status, version, body) VALUES "
      "('55555555-5555-4555-8555-555555555555', 'cc1', 'C1', 'ORDER_STATUS_DRAFT', 1, "
      "'{\"lines\": \"not a list\"}')");
  const absl::Status migrated =
      db::Migrate(db_->conninfo(), "order_svc", order::OrderSchemaMigrations());
  EXPECT_EQ(migrated.code(), absl::StatusCode::kInternal);
  EXPECT_NE(migrated.message().find("55555555-5555-4555-8555-555555555555"), std::string::npos)
      << migrated;
  EXPECT_NE(db::CheckMigrated(db_->conninfo(), "order_svc", order::OrderSchemaMigrations()).code(),
            absl::StatusCode::kOk);
}

TEST_F(UpgradeTest, PaymentsReadBackTheSameAfterTheUpgrade) {
  db::Pool* pool = Previous("payment_svc", migrations::PaymentMigrations());
  payment::v1::Payment p;
  p.set_payment_id("66666666-6666-4666-8666-666666666666");
  p.set_order_id("o1");
  p.set_customer_id("C1");
  p.set_method(common::v1::PAYMENT_METHOD_CARD);
  p.mutable_amount()->set_currency("USD");
  p.mutable_amount()->set_minor_units(2500);
  p.set_status(common::v1::PAYMENT_STATUS_AUTHORIZED);
  p.set_card_token("tok_visa_4242");
  p.set_last4("4242");
  p.set_authorization_code("A1");
  ASSERT_TRUE(pool->Transact([&](pqxx::work& txn) -> absl::Status {
                    txn.exec_params0(
                        "INSERT INTO payments (payment_id, request_id, order_id, customer_id, "
                        "method, currency, amount_minor, status, body) VALUES ($1::uuid, 'r1', "
                        "'o1', 'C1', 'PAYMENT_METHOD_CARD', 'USD', 2500, "
                        "'PAYMENT_STATUS_AUTHORIZED', $2::jsonb)",
                        p.payment_id(), db::ToJson(p));
                    return absl::OkStatus();
                  })
                  .ok());
  Upgrade("payment_svc", migrations::PaymentMigrations());
  payment::PaymentStore store(pool);
  absl::StatusOr<std::vector<payment::v1::Payment>> read = store.ListByOrder("o1");
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 1u);
  EXPECT_TRUE(MessageDifferencer::Equals((*read)[0], p)) << (*read)[0].DebugString();
}

TEST_F(UpgradeTest, UsersKeepTheirCallCenterAfterTheUpgrade) {
  db::Pool* pool = Previous("order_svc", order::OrderSchemaMigrations());
  Sql(pool,
      "INSERT INTO users (id, body) VALUES ('ann', '{\"user_id\": \"ann\", "
      "\"call_center_id\": \"cc1\"}')");
  Upgrade("order_svc", order::OrderSchemaMigrations());
  ASSERT_TRUE(
      pool->Read([](pqxx::work& txn) -> absl::Status {
            EXPECT_EQ(
                txn.exec1("SELECT call_center_id FROM users WHERE id = 'ann'")[0].as<std::string>(),
                "cc1");
            return absl::OkStatus();
          })
          .ok());
}

}  // namespace
}  // namespace callcenter::testing
