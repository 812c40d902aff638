// Service tests: the real gRPC server on 127.0.0.1:0 against a real PostgreSQL.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/server/testing.h"
#include "services/guidedselling/guidedselling_service.h"
#include "services/guidedselling/migrations.h"

namespace callcenter::guidedselling {
namespace {

class GuidedSellingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const bool started = sut_.Start("guidedselling_svc", migrations::GuidedSellingMigrations());
    CC_REQUIRE_DATABASE(started ? sut_.db() : nullptr);
    service_ = std::make_unique<GuidedSellingServiceImpl>(sut_.pool(), nullptr, [] {
      return absl::FromCivil(absl::CivilDay(2026, 6, 15), absl::UTCTimeZone());
    });
    stub_ = v1::GuidedSellingService::NewStub(sut_.Serve({service_.get()}));
  }

  void UpsertSource(const std::string& code, const std::string& to) {
    grpc::ClientContext ctx;
    v1::UpsertSourceCodeRequest req;
    req.mutable_source_code()->set_source_code(code);
    req.mutable_source_code()->set_catalog_id("CAT-" + code);
    req.mutable_source_code()->set_price_group_id("PG-" + code);
    req.mutable_source_code()->set_valid_to(to);
    v1::UpsertSourceCodeResponse resp;
    ASSERT_TRUE(stub_->UpsertSourceCode(&ctx, req, &resp).ok());
  }

  grpc::Status Record(const std::string& request_id, const std::string& code, int qty,
                      v1::CatalogRequest* out = nullptr) {
    grpc::ClientContext ctx;
    v1::RecordCatalogRequestRequest req;
    req.set_request_id(request_id);
    req.set_customer_id("C1");
    req.set_source_code(code);
    req.set_quantity(qty);
    v1::RecordCatalogRequestResponse resp;
    grpc::Status s = stub_->RecordCatalogRequest(&ctx, req, &resp);
    if (out) *out = resp.catalog_request();
    return s;
  }

  std::unique_ptr<GuidedSellingServiceImpl> service_;
  server::ServiceUnderTest sut_;  // after the service: shut down first
  std::unique_ptr<v1::GuidedSellingService::Stub> stub_;
};

TEST_F(GuidedSellingServiceTest, SourceCodeValidation) {
  UpsertSource("SPRING", "2026-12-31");
  UpsertSource("OLD", "2026-01-31");
  auto validate = [&](const std::string& code) {
    grpc::ClientContext ctx;
    v1::ValidateSourceCodeRequest req;
    req.set_source_code(code);
    v1::ValidateSourceCodeResponse resp;
    return stub_->ValidateSourceCode(&ctx, req, &resp).error_code();
  };
  EXPECT_EQ(validate("SPRING"), grpc::StatusCode::OK);
  EXPECT_EQ(validate("OLD"), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(validate("NOPE"), grpc::StatusCode::NOT_FOUND);
}

TEST_F(GuidedSellingServiceTest, ScriptsAndPromptsFromTheIndex) {
  {
    grpc::ClientContext ctx;
    v1::UpsertScriptRequest req;
    auto* s = req.mutable_script();
    s->set_script_id("welcome");
    s->set_kind(common::v1::SCRIPT_KIND_SCRIPT);
    s->set_timing(common::v1::SCRIPT_TIMING_BEGINNING);
    s->set_call_center_id("cc1");
    s->set_text("Thank you for calling!");
    s->set_active(true);
    v1::UpsertScriptResponse resp;
    ASSERT_TRUE(stub_->UpsertScript(&ctx, req, &resp).ok());
  }
  {
    grpc::ClientContext ctx;
    v1::UpsertUpsellRuleRequest req;
    auto* r = req.mutable_upsell_rule();
    r->set_rule_id("r1");
    r->set_trigger_product_id("A");
    r->set_suggested_product_id("B");
    r->set_kind(common::v1::PROMPT_KIND_CROSS_SELL);
    r->set_priority(1);
    r->set_script("B goes well with A");
    r->set_active(true);
    v1::UpsertUpsellRuleResponse resp;
    ASSERT_TRUE(stub_->UpsertUpsellRule(&ctx, req, &resp).ok());
  }
  grpc::ClientContext ctx;
  v1::GetScriptsRequest sreq;
  sreq.set_timing(common::v1::SCRIPT_TIMING_BEGINNING);
  sreq.set_call_center_id("cc1");
  v1::GetScriptsResponse scripts;
  ASSERT_TRUE(stub_->GetScripts(&ctx, sreq, &scripts).ok());
  ASSERT_EQ(scripts.scripts_size(), 1);
  EXPECT_EQ(scripts.scripts(0).text(), "Thank you for calling!");
  grpc::ClientContext ctx2;
  v1::GetPromptsRequest preq;
  preq.add_trigger_product_ids("A");
  v1::GetPromptsResponse prompts;
  ASSERT_TRUE(stub_->GetPrompts(&ctx2, preq, &prompts).ok());
  ASSERT_EQ(prompts.prompts_size(), 1);
  EXPECT_EQ(prompts.prompts(0).product_id(), "B");
  EXPECT_EQ(prompts.prompts(0).kind(), common::v1::PROMPT_KIND_CROSS_SELL);

  // Both in one call, and each part's errors name its field.
  grpc::ClientContext ctx3;
  v1::GetGuidanceRequest greq;
  *greq.mutable_scripts() = sreq;
  *greq.mutable_prompts() = preq;
  v1::GetGuidanceResponse guidance;
  ASSERT_TRUE(stub_->GetGuidance(&ctx3, greq, &guidance).ok());
  ASSERT_EQ(guidance.scripts_size(), 1);
  EXPECT_EQ(guidance.scripts(0).text(), "Thank you for calling!");
  ASSERT_EQ(guidance.prompts_size(), 1);
  EXPECT_EQ(guidance.prompts(0).product_id(), "B");
  grpc::ClientContext ctx4;
  greq.mutable_prompts()->set_on_date("tomorrow");
  grpc::Status bad = stub_->GetGuidance(&ctx4, greq, &guidance);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("prompts.on_date"), std::string::npos) << bad.error_message();
  grpc::ClientContext ctx5;
  v1::GetGuidanceRequest scripts_only;
  *scripts_only.mutable_scripts() = sreq;
  v1::GetGuidanceResponse only;
  ASSERT_TRUE(stub_->GetGuidance(&ctx5, scripts_only, &only).ok());
  EXPECT_EQ(only.scripts_size(), 1);
  EXPECT_EQ(only.prompts_size(), 0);
}

TEST_F(GuidedSellingServiceTest, CatalogRequestsRecordedOnceAndPaged) {
  UpsertSource("SPRING", "");
  v1::CatalogRequest first, again;
  ASSERT_TRUE(Record("r1", "SPRING", 2, &first).ok());
  ASSERT_TRUE(Record("r1", "SPRING", 2, &again).ok());
  EXPECT_EQ(first.catalog_request_id(), again.catalog_request_id());
  EXPECT_EQ(first.requested_on(), "2026-06-15");
  EXPECT_EQ(first.catalog_id(), "CAT-SPRING");
  ASSERT_TRUE(Record("r2", "SPRING", 1).ok());
  ASSERT_TRUE(Record("r3", "SPRING", 1).ok());
  EXPECT_EQ(Record("r4", "NOPE", 1).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Record("r5", "SPRING", 0).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<std::string> seen;
  std::string token;
  do {
    grpc::ClientContext ctx;
    v1::ListCatalogRequestsRequest req;
    req.set_since("2026-06-01");
    req.set_page_size(2);
    req.set_page_token(token);
    v1::ListCatalogRequestsResponse resp;
    ASSERT_TRUE(stub_->ListCatalogRequests(&ctx, req, &resp).ok());
    for (const auto& c : resp.catalog_requests()) seen.push_back(c.catalog_request_id());
    token = resp.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(seen.size(), 3u);
  grpc::ClientContext ctx;
  v1::ListCatalogRequestsRequest later;
  later.set_since("2026-06-16");
  v1::ListCatalogRequestsResponse none;
  ASSERT_TRUE(stub_->ListCatalogRequests(&ctx, later, &none).ok());
  EXPECT_EQ(none.catalog_requests_size(), 0);
}

}  // namespace
}  // namespace callcenter::guidedselling
