// Service tests: the real gRPC server on 127.0.0.1:0 against a real PostgreSQL.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/db/migrate.h"
#include "libs/db/testing.h"
#include "libs/server/host.h"
#include "services/payment/migrations.h"
#include "services/payment/payment_service.h"

namespace callcenter::payment {
namespace {

class PaymentServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = db::TestDatabase::Create();
    CC_REQUIRE_DATABASE(db_);
    ASSERT_TRUE(db::Migrate(db_->conninfo(), "payment_svc", migrations::PaymentMigrations()).ok());
    db::PoolOptions po;
    po.conninfo = db_->conninfo();
    po.schema = "payment_svc";
    po.statements = PaymentQueries();
    pool_ = std::make_unique<db::Pool>(po);
    service_ = std::make_unique<PaymentServiceImpl>(pool_.get(), nullptr, &connector_);
    server::HostOptions ho;
    ho.listen_address = "127.0.0.1:0";
    ho.drain_delay = absl::ZeroDuration();
    host_ = std::make_unique<server::ServiceHost>(ho);
    host_->Register(service_.get());
    ASSERT_TRUE(host_->Start().ok());
    stub_ = v1::PaymentService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", host_->port()), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (host_) host_->Shutdown();
  }

  grpc::Status Authorize(const std::string& request_id, const std::string& token, int64_t amount,
                         v1::Payment* out) {
    grpc::ClientContext ctx;
    v1::AuthorizePaymentRequest req;
    req.set_request_id(request_id);
    req.set_order_id("order-1");
    req.set_customer_id("c1");
    req.set_method(common::v1::PAYMENT_METHOD_CARD);
    req.mutable_amount()->set_currency("USD");
    req.mutable_amount()->set_minor_units(amount);
    req.set_card_token(token);
    req.add_allowed_methods(common::v1::PAYMENT_METHOD_CARD);
    v1::AuthorizePaymentResponse resp;
    grpc::Status s = stub_->AuthorizePayment(&ctx, req, &resp);
    if (out) *out = resp.payment();
    return s;
  }

  std::vector<v1::Payment> List() {
    grpc::ClientContext ctx;
    v1::ListPaymentsRequest req;
    req.set_order_id("order-1");
    v1::ListPaymentsResponse resp;
    EXPECT_TRUE(stub_->ListPayments(&ctx, req, &resp).ok());
    return {resp.payments().begin(), resp.payments().end()};
  }

  std::unique_ptr<db::TestDatabase> db_;
  std::unique_ptr<db::Pool> pool_;
  TestConnector connector_;
  std::unique_ptr<PaymentServiceImpl> service_;
  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<v1::PaymentService::Stub> stub_;
};

TEST_F(PaymentServiceTest, RetryNeverAuthorisesTwice) {
  v1::Payment first, again;
  ASSERT_TRUE(Authorize("r1", "tok_4242", 5000, &first).ok());
  ASSERT_TRUE(Authorize("r1", "tok_4242", 5000, &again).ok());
  EXPECT_EQ(first.status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
  EXPECT_EQ(first.payment_id(), again.payment_id());
  EXPECT_EQ(first.last4(), "4242");
  EXPECT_EQ(List().size(), 1u);
}

TEST_F(PaymentServiceTest, DeclinesAreStoredAsDeclined) {
  v1::Payment declined, funds, ok;
  ASSERT_TRUE(Authorize("r1", "tok_0002", 100, &declined).ok());
  EXPECT_EQ(declined.status(), common::v1::PAYMENT_STATUS_DECLINED);
  ASSERT_TRUE(Authorize("r2", "tok_0005", 10001, &funds).ok());
  EXPECT_EQ(funds.status(), common::v1::PAYMENT_STATUS_DECLINED);
  EXPECT_EQ(funds.decline_reason(), "insufficient funds");
  ASSERT_TRUE(Authorize("r3", "tok_0005", 10000, &ok).ok());
  EXPECT_EQ(ok.status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
}

TEST_F(PaymentServiceTest, CardNumberIsRejectedAndNothingStored) {
  grpc::Status s = Authorize("r1", "4111111111111111", 100, nullptr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("card_token"), std::string::npos);
  EXPECT_EQ(s.error_message().find("4111111111111111"), std::string::npos);
  EXPECT_EQ(Authorize("r2", "tok_1", 0, nullptr).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(List().empty());
}

TEST_F(PaymentServiceTest, VoidAllForOrderVoidsLiveAuthorisationsOnce) {
  ASSERT_TRUE(Authorize("r1", "tok_4242", 100, nullptr).ok());
  ASSERT_TRUE(Authorize("r2", "tok_0002", 100, nullptr).ok());
  for (int round = 0; round < 2; ++round) {
    grpc::ClientContext ctx;
    v1::VoidAllForOrderRequest req;
    req.set_request_id("cancel");
    req.set_order_id("order-1");
    v1::VoidAllForOrderResponse resp;
    ASSERT_TRUE(stub_->VoidAllForOrder(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.voided_size(), round == 0 ? 1 : 0);
  }
  auto payments = List();
  ASSERT_EQ(payments.size(), 2u);
  EXPECT_EQ(payments[0].status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(payments[1].status(), common::v1::PAYMENT_STATUS_DECLINED);
}

}  // namespace
}  // namespace callcenter::payment
