// The saga log against a real PostgreSQL.
#include "services/orchestration/saga.h"

#include "gtest/gtest.h"
#include "libs/server/testing.h"
#include "services/orchestration/migrations.h"

namespace callcenter::orchestration {
namespace {

class SagaLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const bool started = sut_.Start("orchestration_svc", migrations::OrchestrationMigrations(),
                                    SagaLog::Queries());
    CC_REQUIRE_DATABASE(started ? sut_.db() : nullptr);
    sagas_ = std::make_unique<SagaLog>(sut_.pool());
  }

  int Count(const std::string& where) {
    int n = -1;
    EXPECT_TRUE(sut_.pool()->Read([&](pqxx::work& txn) {
      n = txn.exec1("SELECT count(*)::int FROM sagas WHERE " + where)[0].as<int>();
      return absl::OkStatus();
    }).ok());
    return n;
  }

  server::ServiceUnderTest sut_;
  std::unique_ptr<SagaLog> sagas_;
};

TEST_F(SagaLogTest, FinishedSagasArePurgedAfterRetentionUnfinishedOnesStay) {
  auto begin = [&](const std::string& order, const std::string& final_step) {
    absl::StatusOr<Saga> saga = sagas_->Begin(order, "submit-" + order);
    EXPECT_TRUE(saga.ok());
    if (!final_step.empty()) EXPECT_TRUE(sagas_->Record(saga->saga_id, final_step).ok());
    return saga->saga_id;
  };
  begin("o1", kStepDone);
  begin("o2", kStepCompensated);
  begin("o3", kStepFraudEvaluated);  // unfinished: recovery's, never purged
  begin("o4", "");
  ASSERT_TRUE(sut_.pool()->Transact([](pqxx::work& txn) {
    txn.exec0("UPDATE sagas SET created_at = now() - interval '40 days'");
    return absl::OkStatus();
  }).ok());
  begin("o5", kStepDone);  // recent
  absl::StatusOr<int> purged = sagas_->PurgeFinished(absl::Hours(720), /*batch=*/1);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 2);
  EXPECT_EQ(Count("order_id IN ('o1', 'o2')"), 0);
  EXPECT_EQ(Count("order_id IN ('o3', 'o4', 'o5')"), 3);
  EXPECT_EQ(*sagas_->PurgeFinished(absl::Hours(720)), 0);
}

}  // namespace
}  // namespace callcenter::orchestration
