// The saga log against a real PostgreSQL.
#include "services/orchestration/store.h"

#include "gtest/gtest.h"
#include "libs/server/testing.h"
#include "services/orchestration/migrations.h"

namespace callcenter::orchestration {
namespace {

class SagaLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const bool started = sut_.Start("orchestration_svc", migrations::OrchestrationMigrations());
    CC_REQUIRE_DATABASE(started ? sut_.db() : nullptr);
    sagas_ = std::make_unique<SagaLog>(sut_.pool());
  }

  int Count(const std::string& where) {
    int n = -1;
    EXPECT_TRUE(sut_.pool()
                    ->Read([&](pqxx::work& txn) {
                      n = txn.exec1("SELECT count(*)::int FROM sagas WHERE " + where)[0].as<int>();
                      return absl::OkStatus();
                    })
                    .ok());
    return n;
  }

  server::ServiceUnderTest sut_;
  std::unique_ptr<SagaLog> sagas_;
};

TEST_F(SagaLogTest, FinishedSagasArePurgedAfterRetentionUnfinishedOnesStay) {
  auto begin = [&](const std::string& order, const std::string& final_step) {
    absl::StatusOr<Saga> saga = sagas_->Begin(order, "submit-" + order, kSagaSubmit);
    EXPECT_TRUE(saga.ok());
    if (!final_step.empty()) EXPECT_TRUE(sagas_->Record(saga->saga_id, final_step).ok());
    return saga->saga_id;
  };
  begin("o1", kStepDone);
  begin("o2", kStepCompensated);
  begin("o3", kStepFraudEvaluated);  // unfinished: recovery's, never purged
  begin("o4", "");
  ASSERT_TRUE(sut_.pool()
                  ->Transact([](pqxx::work& txn) {
                    txn.exec0("UPDATE sagas SET created_at = now() - interval '40 days'");
                    return absl::OkStatus();
                  })
                  .ok());
  begin("o5", kStepDone);  // recent
  absl::StatusOr<int> purged = sagas_->PurgeFinished(absl::Hours(720), /*batch=*/1);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 2);
  EXPECT_EQ(Count("order_id IN ('o1', 'o2')"), 0);
  EXPECT_EQ(Count("order_id IN ('o3', 'o4', 'o5')"), 3);
  EXPECT_EQ(*sagas_->PurgeFinished(absl::Hours(720)), 0);
}

// A retried request runs again: its saga is the same one, unfinished
// again, so that recovery would settle it if this attempt stopped.
TEST_F(SagaLogTest, ARetriedRequestResumesItsSagaUnfinished) {
  absl::StatusOr<Saga> first = sagas_->Begin("o-retry", "submit-1", kSagaSubmit);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(sagas_->Record(first->saga_id, kStepCompensated).ok());
  EXPECT_EQ(Count("order_id = 'o-retry' AND state = 'COMPENSATED'"), 1);
  absl::StatusOr<Saga> again = sagas_->Begin("o-retry", "submit-1", kSagaSubmit);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->saga_id, first->saga_id);
  EXPECT_EQ(again->step, kStepStarted);
  EXPECT_EQ(Count("order_id = 'o-retry' AND state = 'RUNNING'"), 1);
  absl::StatusOr<Saga> cancel = sagas_->Begin("o-retry", "cancel-1", kSagaCancel);
  ASSERT_TRUE(cancel.ok());
  EXPECT_EQ(cancel->kind, kSagaCancel);
  EXPECT_NE(cancel->saga_id, first->saga_id);
}

// The sweep's place is kept between runs, one replica sweeps at a time,
// and a failed run leaves the place where it was.
// The table holds only what saga.h names: a misspelt step or kind is
// refused by the database, not stored for recovery to trip over.
TEST_F(SagaLogTest, TheTableRefusesUnknownStepsAndKinds) {
  absl::StatusOr<Saga> saga = sagas_->Begin("o1", "submit-o1", kSagaSubmit);
  ASSERT_TRUE(saga.ok());
  EXPECT_TRUE(sagas_->Record(saga->saga_id, kStepCouponsRedeemed).ok());
  EXPECT_FALSE(sagas_->Record(saga->saga_id, "COUPONS_REDEMED").ok());
  EXPECT_FALSE(sagas_->Begin("o2", "submit-o2", "refnud").ok());
  EXPECT_TRUE(sagas_->Begin("o3", "refund-o3", kSagaRefund).ok());
  EXPECT_EQ(Count("step = 'COUPONS_REDEEMED'"), 1);
  EXPECT_EQ(Count("kind = 'refnud'"), 0);
  EXPECT_EQ(Count("kind = 'refund'"), 1);
}

TEST_F(SagaLogTest, PaymentSweepKeepsItsPlaceOneReplicaAtATime) {
  std::vector<std::string> seen;
  auto step_to = [&](const std::string& next) {
    return [&, next](const std::string& token) -> absl::StatusOr<std::string> {
      seen.push_back(token);
      return next;
    };
  };
  ASSERT_TRUE(*sagas_->AdvancePaymentSweep(step_to("t1")));
  ASSERT_TRUE(*sagas_->AdvancePaymentSweep(step_to("t2")));
  absl::StatusOr<bool> failed =
      sagas_->AdvancePaymentSweep([&](const std::string& token) -> absl::StatusOr<std::string> {
        seen.push_back(token);
        return absl::UnavailableError("payment service down");
      });
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(*sagas_->AdvancePaymentSweep(step_to("t3")));
  EXPECT_EQ(seen, (std::vector<std::string>{"", "t1", "t2", "t2"}));

  // While one replica sweeps, another's attempt does not run.
  SagaLog other(sut_.pool());
  absl::StatusOr<bool> inner;
  ASSERT_TRUE(*sagas_->AdvancePaymentSweep([&](const std::string& token) {
    inner = other.AdvancePaymentSweep(step_to("never"));
    return absl::StatusOr<std::string>(token);
  }));
  ASSERT_TRUE(inner.ok()) << inner.status();
  EXPECT_FALSE(*inner);
  EXPECT_EQ(seen.size(), 4u);
}

}  // namespace
}  // namespace callcenter::orchestration
