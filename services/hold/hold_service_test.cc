// Service tests: the real gRPC server on 127.0.0.1:0 against a real PostgreSQL.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/server/testing.h"
#include "services/hold/hold_service.h"
#include "services/hold/migrations.h"

namespace callcenter::hold {
namespace {

class HoldServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const bool started = sut_.Start("hold_svc", migrations::HoldMigrations());
    CC_REQUIRE_DATABASE(started ? sut_.db() : nullptr);
    service_ = std::make_unique<HoldServiceImpl>(sut_.pool(), nullptr);
    ASSERT_TRUE(service_->Refresh().ok());
    stub_ = v1::HoldService::NewStub(sut_.Serve({service_.get()}));
  }

  grpc::Status Place(const std::string& request_id, const std::string& code, const std::string& note,
                     common::v1::OrderHold* out = nullptr) {
    grpc::ClientContext ctx;
    v1::PlaceHoldRequest req;
    req.set_request_id(request_id);
    req.set_order_id("o1");
    req.set_hold_code(code);
    req.set_note(note);
    req.set_user_id("agent");
    v1::PlaceHoldResponse resp;
    grpc::Status s = stub_->PlaceHold(&ctx, req, &resp);
    if (out) *out = resp.hold();
    return s;
  }

  grpc::Status Clear(const std::string& hold_id, std::vector<std::string> codes,
                     v1::ClearHoldResponse* out = nullptr) {
    grpc::ClientContext ctx;
    v1::ClearHoldRequest req;
    req.set_request_id("clear-" + hold_id);
    req.set_order_id("o1");
    req.set_hold_id(hold_id);
    req.set_reason("customer verified");
    req.set_user_id("supervisor");
    for (auto& c : codes) req.add_clearable_hold_codes(c);
    v1::ClearHoldResponse resp;
    grpc::Status s = stub_->ClearHold(&ctx, req, &resp);
    if (out) *out = resp;
    return s;
  }

  v1::EvaluateFraudResponse Evaluate(const std::string& request_id, int64_t min_score) {
    grpc::ClientContext ctx;
    v1::EvaluateFraudRequest req;
    req.set_request_id(request_id);
    req.set_order_id("o1");
    req.set_customer_id("C1");
    req.set_email("thief@example.com");
    req.set_delivery_country("US");
    req.mutable_order_total()->set_currency("USD");
    req.mutable_order_total()->set_minor_units(90000);
    req.set_min_fraud_score(min_score);
    v1::EvaluateFraudResponse resp;
    EXPECT_TRUE(stub_->EvaluateFraud(&ctx, req, &resp).ok());
    return resp;
  }

  std::unique_ptr<HoldServiceImpl> service_;
  server::ServiceUnderTest sut_;  // after the service: shut down first
  std::unique_ptr<v1::HoldService::Stub> stub_;
};

TEST_F(HoldServiceTest, ManualHoldNeedsKnownCodeAndNote) {
  EXPECT_EQ(Place("r1", "CREDIT", "check credit").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  grpc::ClientContext ctx;
  v1::UpsertHoldCodeRequest req;
  req.mutable_hold_code()->set_hold_code("CREDIT");
  req.mutable_hold_code()->set_active(true);
  v1::UpsertHoldCodeResponse resp;
  ASSERT_TRUE(stub_->UpsertHoldCode(&ctx, req, &resp).ok());
  grpc::Status no_note = Place("r1", "CREDIT", "");
  EXPECT_EQ(no_note.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(no_note.error_message().find("note"), std::string::npos);
  common::v1::OrderHold a, b;
  ASSERT_TRUE(Place("r1", "CREDIT", "check credit", &a).ok());
  ASSERT_TRUE(Place("r1", "CREDIT", "check credit", &b).ok());  // retry: same hold
  EXPECT_EQ(a.hold_id(), b.hold_id());
  EXPECT_TRUE(a.open());
}

TEST_F(HoldServiceTest, ClearingNeedsPermissionAndIsHarmlessTwice) {
  common::v1::OrderHold h;
  ASSERT_TRUE(Place("r1", "FRAUD", "looks odd", &h).ok());
  EXPECT_EQ(Clear(h.hold_id(), {"CREDIT"}).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::ClearHoldResponse cleared, again;
  ASSERT_TRUE(Clear(h.hold_id(), {"FRAUD"}, &cleared).ok());
  EXPECT_FALSE(cleared.hold().open());
  EXPECT_EQ(cleared.hold().cleared_by(), "supervisor");
  EXPECT_FALSE(cleared.order_has_open_holds());
  ASSERT_TRUE(Clear(h.hold_id(), {"*"}, &again).ok());
  EXPECT_EQ(again.hold().cleared_reason(), "customer verified");
  grpc::ClientContext ctx;
  v1::ListOrderHoldsRequest list;
  list.set_order_id("o1");
  v1::ListOrderHoldsResponse listed;
  ASSERT_TRUE(stub_->ListOrderHolds(&ctx, list, &listed).ok());
  ASSERT_EQ(listed.holds_size(), 1);
  EXPECT_FALSE(listed.has_open_holds());
  // History: placed, then cleared once (the second clear changed nothing).
  ASSERT_EQ(listed.history_size(), 2);
  EXPECT_EQ(listed.history(0).action(), "placed");
  EXPECT_EQ(listed.history(1).action(), "cleared");
  EXPECT_EQ(listed.history(1).user_id(), "supervisor");
}

TEST_F(HoldServiceTest, ACodeOpenToAllMayBeClearedByAnyUser) {
  using Code = std::pair<const char*, bool>;  // hold code, clearable by any user
  for (auto [code, open] : {Code{"CUSTOMER_REQUEST", true}, Code{"CREDIT", false}}) {
    grpc::ClientContext ctx;
    v1::UpsertHoldCodeRequest req;
    req.mutable_hold_code()->set_hold_code(code);
    req.mutable_hold_code()->set_active(true);
    req.mutable_hold_code()->set_clearable_by_any_user(open);
    v1::UpsertHoldCodeResponse resp;
    ASSERT_TRUE(stub_->UpsertHoldCode(&ctx, req, &resp).ok());
  }
  common::v1::OrderHold asked, credit;
  ASSERT_TRUE(Place("r-ask", "CUSTOMER_REQUEST", "customer will call back", &asked).ok());
  ASSERT_TRUE(Place("r-credit", "CREDIT", "check credit", &credit).ok());
  EXPECT_EQ(Clear(credit.hold_id(), {}).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::ClearHoldResponse cleared;
  ASSERT_TRUE(Clear(asked.hold_id(), {}, &cleared).ok());
  EXPECT_FALSE(cleared.hold().open());
  EXPECT_TRUE(cleared.order_has_open_holds());  // CREDIT still open
}

TEST_F(HoldServiceTest, OldEvaluationsArePurgedAfterRetention) {
  Evaluate("old-1", 100);
  Evaluate("old-2", 100);
  Evaluate("recent", 100);
  ASSERT_TRUE(sut_.pool()->Transact([](pqxx::work& txn) {
    txn.exec0("UPDATE fraud_evaluations SET created_at = now() - interval '40 days' "
              "WHERE request_id IN ('old-1', 'old-2')");
    return absl::OkStatus();
  }).ok());
  absl::StatusOr<int> purged = service_->PurgeEvaluations(absl::Hours(720), /*batch=*/1);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 2);
  EXPECT_EQ(*service_->PurgeEvaluations(absl::Hours(720)), 0);
  int left = -1;
  ASSERT_TRUE(sut_.pool()->Read([&](pqxx::work& txn) {
    left = txn.exec1("SELECT count(*)::int FROM fraud_evaluations WHERE request_id = 'recent'")[0]
               .as<int>();
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(left, 1);
}

TEST_F(HoldServiceTest, FraudHoldOnlyAboveTheMinimumAndOncePerRequest) {
  grpc::ClientContext ctx;
  v1::UpsertFraudDataRequest data;
  data.mutable_fraud_data()->set_kind(v1::FRAUD_DATA_KIND_EMAIL);
  data.mutable_fraud_data()->set_value("THIEF@example.com");
  data.mutable_fraud_data()->set_score(60);
  v1::UpsertFraudDataResponse data_resp;
  ASSERT_TRUE(stub_->UpsertFraudData(&ctx, data, &data_resp).ok());
  grpc::ClientContext ctx2;
  v1::UpsertFraudRuleRequest rule;
  rule.mutable_fraud_rule()->set_rule_id("big");
  rule.mutable_fraud_rule()->set_score(40);
  rule.mutable_fraud_rule()->set_active(true);
  rule.mutable_fraud_rule()->mutable_order_total_at_least()->set_currency("USD");
  rule.mutable_fraud_rule()->mutable_order_total_at_least()->set_minor_units(50000);
  v1::UpsertFraudRuleResponse rule_resp;
  ASSERT_TRUE(stub_->UpsertFraudRule(&ctx2, rule, &rule_resp).ok());

  v1::EvaluateFraudResponse at_min = Evaluate("e1", 100);
  EXPECT_EQ(at_min.score(), 100);
  EXPECT_EQ(at_min.matches_size(), 2);
  EXPECT_FALSE(at_min.has_hold());
  v1::EvaluateFraudResponse above = Evaluate("e2", 99);
  ASSERT_TRUE(above.has_hold());
  EXPECT_EQ(above.hold().hold_code(), "FRAUD");
  EXPECT_NE(above.hold().note().find("rule big"), std::string::npos);
  v1::EvaluateFraudResponse retry = Evaluate("e2", 99);
  EXPECT_EQ(retry.hold().hold_id(), above.hold().hold_id());
  // A retry gets the first evaluation even where this one would differ.
  v1::EvaluateFraudResponse retry_lenient = Evaluate("e2", 200);
  EXPECT_EQ(retry_lenient.hold().hold_id(), above.hold().hold_id());
  v1::EvaluateFraudResponse retry_strict = Evaluate("e1", 0);
  EXPECT_FALSE(retry_strict.has_hold());
  EXPECT_EQ(retry_strict.score(), 100);
  grpc::ClientContext ctx3;
  v1::ListOrderHoldsRequest list;
  list.set_order_id("o1");
  v1::ListOrderHoldsResponse listed;
  ASSERT_TRUE(stub_->ListOrderHolds(&ctx3, list, &listed).ok());
  EXPECT_EQ(listed.holds_size(), 1);
  EXPECT_TRUE(listed.has_open_holds());
}

// Scores are summed per evaluation: each is bounded so that no sum wraps.
TEST_F(HoldServiceTest, FraudScoresAreBounded) {
  struct Case {
    int64_t score;
    grpc::StatusCode code;
  };
  const Case cases[] = {{1, grpc::StatusCode::OK},
                        {1'000'000'000, grpc::StatusCode::OK},
                        {1'000'000'001, grpc::StatusCode::INVALID_ARGUMENT},
                        {INT64_MAX, grpc::StatusCode::INVALID_ARGUMENT},
                        {0, grpc::StatusCode::INVALID_ARGUMENT}};
  int n = 0;
  for (const Case& c : cases) {
    grpc::ClientContext rule_ctx, data_ctx;
    v1::UpsertFraudRuleRequest rule;
    rule.mutable_fraud_rule()->set_rule_id("bounded-" + std::to_string(++n));
    rule.mutable_fraud_rule()->set_score(c.score);
    rule.mutable_fraud_rule()->set_active(true);
    v1::UpsertFraudRuleResponse rule_resp;
    EXPECT_EQ(stub_->UpsertFraudRule(&rule_ctx, rule, &rule_resp).error_code(), c.code) << c.score;
    v1::UpsertFraudDataRequest data;
    data.mutable_fraud_data()->set_kind(v1::FRAUD_DATA_KIND_EMAIL);
    data.mutable_fraud_data()->set_value("bounded" + std::to_string(n) + "@example.com");
    data.mutable_fraud_data()->set_score(c.score);
    v1::UpsertFraudDataResponse data_resp;
    EXPECT_EQ(stub_->UpsertFraudData(&data_ctx, data, &data_resp).error_code(), c.code) << c.score;
  }
}

}  // namespace
}  // namespace callcenter::hold
