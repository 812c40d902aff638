// Service tests: the real gRPC server on 127.0.0.1:0 against a real PostgreSQL.
#include "services/payment/payment_service.h"

#include <atomic>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "libs/server/testing.h"
#include "services/payment/migrations.h"

namespace callcenter::payment {
namespace {

class PaymentServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const bool started = sut_.Start("payment_svc", migrations::PaymentMigrations());
    CC_REQUIRE_DATABASE(started ? sut_.db() : nullptr);
    service_ = std::make_unique<PaymentServiceImpl>(sut_.pool(), nullptr, &connector_);
    stub_ = v1::PaymentService::NewStub(sut_.Serve({service_.get()}));
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

  // A card payment as a crash before the connector's answer leaves it:
  // recorded PENDING for `request_id`, on order-1.
  v1::Payment InsertPending(const std::string& payment_id, const std::string& request_id,
                            int64_t amount) {
    v1::Payment pending;
    pending.set_payment_id(payment_id);
    pending.set_order_id("order-1");
    pending.set_method(common::v1::PAYMENT_METHOD_CARD);
    pending.mutable_amount()->set_currency("USD");
    pending.mutable_amount()->set_minor_units(amount);
    pending.set_status(common::v1::PAYMENT_STATUS_PENDING);
    EXPECT_TRUE(sut_.pool()
                    ->Transact([&](pqxx::work& txn) {
                      txn.exec_params(
                          "INSERT INTO payments (payment_id, request_id, order_id, customer_id, "
                          "method, currency, amount_minor, status, body) VALUES ($1::uuid, $2, "
                          "'order-1', 'c1', 'PAYMENT_METHOD_CARD', 'USD', $3, "
                          "'PAYMENT_STATUS_PENDING', $4::jsonb)",
                          payment_id, request_id, amount, db::ToJson(pending));
                      return absl::OkStatus();
                    })
                    .ok());
    return pending;
  }

  grpc::Status Void(const std::string& request_id, const std::string& payment_id) {
    grpc::ClientContext ctx;
    v1::VoidPaymentRequest v;
    v.set_request_id(request_id);
    v.set_payment_id(payment_id);
    v1::VoidPaymentResponse voided;
    return stub_->VoidPayment(&ctx, v, &voided);
  }

  std::vector<v1::Payment> List() {
    grpc::ClientContext ctx;
    v1::ListPaymentsRequest req;
    req.set_order_id("order-1");
    v1::ListPaymentsResponse resp;
    EXPECT_TRUE(stub_->ListPayments(&ctx, req, &resp).ok());
    return {resp.payments().begin(), resp.payments().end()};
  }

  TestConnector connector_;
  std::unique_ptr<PaymentServiceImpl> service_;
  server::ServiceUnderTest sut_;  // after the service: shut down first
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

TEST_F(PaymentServiceTest, APendingPaymentLeftByACrashIsCompletedByTheRetry) {
  // The first attempt recorded its payment PENDING and died before the
  // connector answered.
  const v1::Payment pending =
      InsertPending("7f9c2a1e-5b7d-4c1a-9e55-2d1f0c3b8a11", "r-crash", 5000);
  v1::Payment retried;
  ASSERT_TRUE(Authorize("r-crash", "tok_4242", 5000, &retried).ok());
  EXPECT_EQ(retried.payment_id(), pending.payment_id());
  EXPECT_EQ(retried.status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
  ASSERT_EQ(List().size(), 1u);
  EXPECT_EQ(List()[0].status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
}

TEST_F(PaymentServiceTest, ConcurrentRetriesRecordOnePayment) {
  std::vector<v1::Payment> got(4);
  std::vector<grpc::Status> statuses(4);
  std::vector<std::thread> tries;
  for (int i = 0; i < 4; ++i) {
    tries.emplace_back([&, i] { statuses[i] = Authorize("r-same", "tok_4242", 700, &got[i]); });
  }
  for (auto& t : tries) t.join();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << statuses[i].error_message();
    EXPECT_EQ(got[i].payment_id(), got[0].payment_id());
  }
  ASSERT_EQ(List().size(), 1u);
  EXPECT_EQ(List()[0].status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
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

TEST_F(PaymentServiceTest, VoidAllForOrderVoidsOnlyThePaymentsNamed) {
  v1::Payment kept, voided;
  ASSERT_TRUE(Authorize("r1", "tok_4242", 100, &kept).ok());
  ASSERT_TRUE(Authorize("r2", "tok_4242", 200, &voided).ok());
  grpc::ClientContext ctx;
  v1::VoidAllForOrderRequest req;
  req.set_request_id("undo");
  req.set_order_id("order-1");
  req.add_payment_ids(voided.payment_id());
  v1::VoidAllForOrderResponse resp;
  ASSERT_TRUE(stub_->VoidAllForOrder(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.voided_size(), 1);
  EXPECT_EQ(resp.voided(0).payment_id(), voided.payment_id());
  for (const auto& p : List()) {
    EXPECT_EQ(p.status(), p.payment_id() == voided.payment_id()
                              ? common::v1::PAYMENT_STATUS_VOIDED
                              : common::v1::PAYMENT_STATUS_AUTHORIZED);
  }
}

grpc::Status AuthorizeOther(v1::PaymentService::Stub& stub, const std::string& request_id,
                            common::v1::PaymentMethod method, int64_t amount, v1::Payment* out,
                            const std::string& customer = "c1") {
  grpc::ClientContext ctx;
  v1::AuthorizePaymentRequest req;
  req.set_request_id(request_id);
  req.set_order_id("order-" + request_id);
  req.set_customer_id(customer);
  req.set_method(method);
  req.mutable_amount()->set_currency("USD");
  req.mutable_amount()->set_minor_units(amount);
  req.set_gift_card_number("GC-1");
  req.set_allow_on_account(true);
  req.mutable_credit_limit()->set_currency("USD");
  req.mutable_credit_limit()->set_minor_units(10000);
  req.add_allowed_methods(method);
  v1::AuthorizePaymentResponse resp;
  grpc::Status s = stub.AuthorizePayment(&ctx, req, &resp);
  if (out) *out = resp.payment();
  return s;
}

// Gift card GC-1 with `balance` cents.
void PutGiftCard(v1::PaymentService::Stub& stub, int64_t balance) {
  grpc::ClientContext ctx;
  v1::UpsertGiftCardRequest req;
  req.mutable_gift_card()->set_gift_card_number("GC-1");
  req.mutable_gift_card()->mutable_balance()->set_currency("USD");
  req.mutable_gift_card()->mutable_balance()->set_minor_units(balance);
  v1::UpsertGiftCardResponse resp;
  ASSERT_TRUE(stub.UpsertGiftCard(&ctx, req, &resp).ok());
}

int64_t GiftCardBalance(v1::PaymentService::Stub& stub) {
  grpc::ClientContext ctx;
  v1::GetGiftCardRequest req;
  req.set_gift_card_number("GC-1");
  v1::GetGiftCardResponse resp;
  EXPECT_TRUE(stub.GetGiftCard(&ctx, req, &resp).ok());
  return resp.gift_card().balance().minor_units();
}

TEST_F(PaymentServiceTest, ConcurrentGiftCardPaymentsNeverOverspend) {
  PutGiftCard(*stub_, 10000);
  std::atomic<int> ok{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&, i] {
      grpc::Status s = AuthorizeOther(*stub_, "gc" + std::to_string(i),
                                      common::v1::PAYMENT_METHOD_GIFT_CARD, 1500, nullptr);
      if (s.ok()) {
        ++ok;
      } else if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
        ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 6);
  EXPECT_EQ(refused.load(), 4);
  EXPECT_EQ(GiftCardBalance(*stub_), 1000);
  // A retry does not reserve twice; a void gives the balance back.
  v1::Payment p;
  ASSERT_TRUE(AuthorizeOther(*stub_, "gc-small", common::v1::PAYMENT_METHOD_GIFT_CARD, 400, &p).ok());
  ASSERT_TRUE(AuthorizeOther(*stub_, "gc-small", common::v1::PAYMENT_METHOD_GIFT_CARD, 400, nullptr).ok());
  EXPECT_EQ(GiftCardBalance(*stub_), 600);
  ASSERT_TRUE(Void("void", p.payment_id()).ok());
  EXPECT_EQ(GiftCardBalance(*stub_), 1000);
}

TEST_F(PaymentServiceTest, ConcurrentOnAccountPaymentsStayWithinCredit) {
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&, i] {
      if (AuthorizeOther(*stub_, "oa" + std::to_string(i), common::v1::PAYMENT_METHOD_ON_ACCOUNT,
                         1500, nullptr).ok()) {
        ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 6);  // 6 x 15.00 <= 100.00 < 7 x 15.00
  // Another customer has its own credit.
  EXPECT_TRUE(AuthorizeOther(*stub_, "other", common::v1::PAYMENT_METHOD_ON_ACCOUNT, 10000, nullptr,
                             "c2").ok());
}

// The front door's sweep reads live payments oldest first, page by page,
// only those older than min_age, and resumes where a page ended.
TEST_F(PaymentServiceTest, LivePaymentsArePagedOldestFirst) {
  v1::Payment a, declined, b, c;
  ASSERT_TRUE(Authorize("page-a", "tok_4242", 1000, &a).ok());
  ASSERT_TRUE(Authorize("page-x", "tok_0002", 1000, &declined).ok());  // not authorised
  ASSERT_TRUE(Authorize("page-b", "tok_4242", 2000, &b).ok());
  ASSERT_TRUE(Authorize("page-c", "tok_4242", 3000, &c).ok());
  auto page = [&](const std::string& token, int size, absl::Duration min_age,
                  v1::ListLivePaymentsResponse* resp) {
    grpc::ClientContext ctx;
    v1::ListLivePaymentsRequest req;
    req.set_page_token(token);
    req.set_page_size(size);
    req.mutable_min_age()->set_seconds(absl::ToInt64Seconds(min_age));
    return stub_->ListLivePayments(&ctx, req, resp);
  };
  auto ids = [](const v1::ListLivePaymentsResponse& r) {
    std::vector<std::string> out;
    for (const auto& p : r.payments()) out.push_back(p.payment_id());
    return out;
  };
  v1::ListLivePaymentsResponse first, rest, after, young;
  ASSERT_TRUE(page("", 2, absl::ZeroDuration(), &first).ok());
  EXPECT_EQ(ids(first), (std::vector<std::string>{a.payment_id(), b.payment_id()}));
  ASSERT_TRUE(page(first.next_page_token(), 2, absl::ZeroDuration(), &rest).ok());
  EXPECT_EQ(ids(rest), std::vector<std::string>{c.payment_id()});
  // Past the end: nothing, and the token stays where it was.
  ASSERT_TRUE(page(rest.next_page_token(), 2, absl::ZeroDuration(), &after).ok());
  EXPECT_TRUE(after.payments().empty());
  EXPECT_EQ(after.next_page_token(), rest.next_page_token());
  // Payments younger than min_age wait for a later sweep.
  ASSERT_TRUE(page("", 10, absl::Hours(1), &young).ok());
  EXPECT_TRUE(young.payments().empty());
  EXPECT_EQ(young.next_page_token(), "");
  // A voided payment is no longer listed, and the gateway was told.
  const int voids_before = connector_.voids();
  ASSERT_TRUE(Void("void-b", b.payment_id()).ok());
  EXPECT_EQ(connector_.voids(), voids_before + 1);
  // A payment left PENDING by a crash (the gateway may have authorised) is
  // live too.
  const v1::Payment pending = InsertPending("5d0c6b1e-2a7d-4c1a-9e55-2d1f0c3b8a22", "page-p", 500);
  v1::ListLivePaymentsResponse all;
  ASSERT_TRUE(page("", 10, absl::ZeroDuration(), &all).ok());
  EXPECT_EQ(ids(all),
            (std::vector<std::string>{a.payment_id(), c.payment_id(), pending.payment_id()}));
  // Bad input names the field.
  v1::ListLivePaymentsResponse bad;
  grpc::Status s = page("not-a-token", 10, absl::ZeroDuration(), &bad);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("page_token"), std::string::npos);
  s = page("", 0, absl::ZeroDuration(), &bad);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("page_size"), std::string::npos);
}

// Captures `amount` (0: the rest) of `payment_id` under `request_id`;
// `reauth_before_s`: re-authorise a card authorised before that many
// seconds from now (0: never).
grpc::Status Capture(v1::PaymentService::Stub& stub, const std::string& request_id,
                     const std::string& payment_id, int64_t amount, v1::CapturePaymentResponse* out,
                     int64_t reauth_before_s = 0) {
  grpc::ClientContext ctx;
  v1::CapturePaymentRequest req;
  req.set_request_id(request_id);
  req.set_payment_id(payment_id);
  if (amount > 0) {
    req.mutable_amount()->set_currency("USD");
    req.mutable_amount()->set_minor_units(amount);
  }
  if (reauth_before_s != 0) {
    *req.mutable_reauthorize_if_authorized_before() =
        google::protobuf::util::TimeUtil::GetCurrentTime() +
        google::protobuf::util::TimeUtil::SecondsToDuration(reauth_before_s);
  }
  v1::CapturePaymentResponse resp;
  grpc::Status s = stub.CapturePayment(&ctx, req, &resp);
  if (out) *out = resp;
  return s;
}

TEST_F(PaymentServiceTest, PartialCapturesTakeEachPartOnceAndLeaveTheRestAuthorised) {
  v1::Payment p;
  ASSERT_TRUE(Authorize("r1", "tok_4242", 10000, &p).ok());
  v1::CapturePaymentResponse first, again, rest;
  ASSERT_TRUE(Capture(*stub_, "cap-1", p.payment_id(), 6000, &first).ok());
  EXPECT_FALSE(first.declined());
  EXPECT_EQ(first.captured().minor_units(), 6000);
  EXPECT_EQ(first.payment().captured().minor_units(), 6000);
  EXPECT_EQ(first.payment().status(), common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED);
  // The same request again takes nothing more and answers as the first time.
  ASSERT_TRUE(Capture(*stub_, "cap-1", p.payment_id(), 6000, &again).ok());
  EXPECT_EQ(again.payment().captured().minor_units(), 6000);
  EXPECT_EQ(connector_.captured_total(), 6000);
  // More than is left is refused, naming the field; nothing changes.
  grpc::Status over = Capture(*stub_, "cap-2", p.payment_id(), 4001, nullptr);
  EXPECT_EQ(over.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(over.error_message().find("amount"), std::string::npos);
  // Unset amount: the rest.
  ASSERT_TRUE(Capture(*stub_, "cap-3", p.payment_id(), 0, &rest).ok());
  EXPECT_EQ(rest.captured().minor_units(), 4000);
  EXPECT_EQ(rest.payment().status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(connector_.captured_total(), 10000);
  EXPECT_EQ(Capture(*stub_, "cap-4", p.payment_id(), 0, nullptr).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Void("void-captured", p.payment_id()).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_EQ(List().size(), 1u);
  EXPECT_EQ(List()[0].captured().minor_units(), 10000);
}

TEST_F(PaymentServiceTest, OnlyLiveAuthorisationsCapture) {
  v1::Payment declined, voided;
  ASSERT_TRUE(Authorize("r1", "tok_0002", 100, &declined).ok());
  ASSERT_TRUE(Authorize("r2", "tok_4242", 100, &voided).ok());
  ASSERT_TRUE(Void("v", voided.payment_id()).ok());
  EXPECT_EQ(Capture(*stub_, "c1", declined.payment_id(), 0, nullptr).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Capture(*stub_, "c2", voided.payment_id(), 0, nullptr).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Capture(*stub_, "", voided.payment_id(), 0, nullptr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(connector_.captured_total(), 0);
}

TEST_F(PaymentServiceTest, ADeclinedCaptureChangesNothingAndAnswersTheSameOnARetry) {
  v1::Payment p;
  ASSERT_TRUE(Authorize("r1", "tok_0009", 5000, &p).ok());
  ASSERT_EQ(p.status(), common::v1::PAYMENT_STATUS_AUTHORIZED);  // 0009 authorises
  v1::CapturePaymentResponse d, again;
  ASSERT_TRUE(Capture(*stub_, "cap", p.payment_id(), 2000, &d).ok());
  EXPECT_TRUE(d.declined());
  EXPECT_FALSE(d.decline_reason().empty());
  EXPECT_EQ(d.captured().minor_units(), 0);
  EXPECT_EQ(d.payment().status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
  ASSERT_TRUE(Capture(*stub_, "cap", p.payment_id(), 2000, &again).ok());
  EXPECT_TRUE(again.declined());
  EXPECT_EQ(List()[0].captured().minor_units(), 0);
  EXPECT_EQ(List()[0].status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
  // The authorisation can still be released.
  ASSERT_TRUE(Void("v", p.payment_id()).ok());
  EXPECT_EQ(List()[0].status(), common::v1::PAYMENT_STATUS_VOIDED);
}

TEST_F(PaymentServiceTest, AnOldAuthorisationIsAuthorisedAgainBeforeTheCapture) {
  v1::Payment p, q;
  ASSERT_TRUE(Authorize("r1", "tok_4242", 5000, &p).ok());
  ASSERT_TRUE(Authorize("r2", "tok_0009", 5000, &q).ok());
  v1::CapturePaymentResponse young, old, refused;
  // Authorised after the cut-off: no re-authorisation.
  ASSERT_TRUE(Capture(*stub_, "c0", p.payment_id(), 1000, &young, /*reauth_before_s=*/-3600).ok());
  EXPECT_EQ(connector_.reauthorizations(), 0);
  ASSERT_TRUE(Capture(*stub_, "c1", p.payment_id(), 1000, &old, /*reauth_before_s=*/60).ok());
  EXPECT_EQ(connector_.reauthorizations(), 1);
  EXPECT_FALSE(old.declined());
  EXPECT_NE(old.payment().authorization_code(), p.authorization_code());
  EXPECT_GT(old.payment().authorized_at().seconds(), 0);
  EXPECT_EQ(old.payment().captured().minor_units(), 2000);
  // A declined re-authorisation takes nothing.
  ASSERT_TRUE(Capture(*stub_, "c2", q.payment_id(), 1000, &refused, 60).ok());
  EXPECT_TRUE(refused.declined());
  EXPECT_NE(refused.decline_reason().find("re-authorisation"), std::string::npos);
  EXPECT_EQ(refused.payment().captured().minor_units(), 0);
  EXPECT_EQ(connector_.captured_total(), 2000);
}

TEST_F(PaymentServiceTest, ReleasingAPartlyCapturedPaymentKeepsWhatItTook) {
  PutGiftCard(*stub_, 10000);
  v1::Payment gift, account, card;
  ASSERT_TRUE(AuthorizeOther(*stub_, "g", common::v1::PAYMENT_METHOD_GIFT_CARD, 4000, &gift).ok());
  ASSERT_TRUE(
      AuthorizeOther(*stub_, "a", common::v1::PAYMENT_METHOD_ON_ACCOUNT, 6000, &account).ok());
  ASSERT_TRUE(Authorize("c", "tok_4242", 3000, &card).ok());
  EXPECT_EQ(GiftCardBalance(*stub_), 6000);
  ASSERT_TRUE(Capture(*stub_, "cg", gift.payment_id(), 1500, nullptr).ok());
  ASSERT_TRUE(Capture(*stub_, "ca", account.payment_id(), 2500, nullptr).ok());
  ASSERT_TRUE(Capture(*stub_, "cc", card.payment_id(), 1000, nullptr).ok());
  EXPECT_EQ(connector_.captured_total(), 1000);  // only the card goes to the gateway
  const int voids_before = connector_.voids();
  for (const v1::Payment* p : {&gift, &account, &card}) {
    grpc::ClientContext ctx;
    v1::VoidPaymentRequest v;
    v.set_request_id("release-" + p->payment_id());
    v.set_payment_id(p->payment_id());
    v1::VoidPaymentResponse released;
    ASSERT_TRUE(stub_->VoidPayment(&ctx, v, &released).ok());
    EXPECT_EQ(released.payment().status(), common::v1::PAYMENT_STATUS_CAPTURED);
  }
  EXPECT_EQ(connector_.voids(), voids_before + 1);  // the card's rest released at the gateway
  EXPECT_EQ(GiftCardBalance(*stub_), 8500);         // 10000 - 1500 taken
  // On-account credit counts what was kept: 2500 of 10000 used, 7500 free.
  EXPECT_EQ(AuthorizeOther(*stub_, "a2", common::v1::PAYMENT_METHOD_ON_ACCOUNT, 7501, nullptr)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(
      AuthorizeOther(*stub_, "a3", common::v1::PAYMENT_METHOD_ON_ACCOUNT, 7500, nullptr).ok());
}

// A gift card taken at submit (captured whole) is given back whole by a
// void (the order undone or canceled before anything shipped); a captured
// card is not voided.
TEST_F(PaymentServiceTest, APrepaidPaymentTakenAtSubmitIsGivenBackWholeByAVoid) {
  PutGiftCard(*stub_, 5000);
  v1::Payment gift;
  ASSERT_TRUE(
      AuthorizeOther(*stub_, "gift", common::v1::PAYMENT_METHOD_GIFT_CARD, 3000, &gift).ok());
  EXPECT_EQ(GiftCardBalance(*stub_), 2000);
  v1::CapturePaymentResponse taken;
  ASSERT_TRUE(Capture(*stub_, "take", gift.payment_id(), 0, &taken).ok());
  EXPECT_EQ(taken.payment().status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(GiftCardBalance(*stub_), 2000);
  grpc::ClientContext ctx;
  v1::VoidAllForOrderRequest req;
  req.set_request_id("undo");
  req.set_order_id(gift.order_id());
  req.add_payment_ids(gift.payment_id());
  v1::VoidAllForOrderResponse resp;
  ASSERT_TRUE(stub_->VoidAllForOrder(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.voided_size(), 1);
  EXPECT_EQ(resp.voided(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(GiftCardBalance(*stub_), 5000);
  ASSERT_TRUE(Void("again", gift.payment_id()).ok());  // harmless
  EXPECT_EQ(GiftCardBalance(*stub_), 5000);

  v1::Payment card;
  ASSERT_TRUE(Authorize("card", "tok_4242", 1000, &card).ok());
  ASSERT_TRUE(Capture(*stub_, "take-card", card.payment_id(), 0, nullptr).ok());
  EXPECT_EQ(Void("void-card", card.payment_id()).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

grpc::Status Refund(v1::PaymentService::Stub& stub, const std::string& request_id,
                    const std::string& payment_id, int64_t amount, common::v1::PaymentMethod method,
                    v1::RefundPaymentResponse* out = nullptr) {
  grpc::ClientContext ctx;
  v1::RefundPaymentRequest req;
  req.set_request_id(request_id);
  req.set_payment_id(payment_id);
  req.mutable_amount()->set_currency("USD");
  req.mutable_amount()->set_minor_units(amount);
  req.set_refund_method(method);
  req.set_reference("return r-1");
  v1::RefundPaymentResponse resp;
  grpc::Status s = stub.RefundPayment(&ctx, req, &resp);
  if (out) *out = resp;
  return s;
}

TEST_F(PaymentServiceTest, ACardRefundGoesThroughTheConnectorOncePerKeyAndNeverAboveTheCapture) {
  v1::Payment p;
  ASSERT_TRUE(Authorize("r1", "tok_4242", 10000, &p).ok());
  ASSERT_TRUE(Capture(*stub_, "cap", p.payment_id(), 6000, nullptr).ok());
  v1::RefundPaymentResponse first, again;
  ASSERT_TRUE(
      Refund(*stub_, "ref-1", p.payment_id(), 2500, common::v1::PAYMENT_METHOD_CARD, &first).ok());
  EXPECT_EQ(first.refunded().minor_units(), 2500);
  EXPECT_EQ(first.payment().refunded().minor_units(), 2500);
  // Partly refunded: the status stays.
  EXPECT_EQ(first.payment().status(), common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED);
  ASSERT_TRUE(
      Refund(*stub_, "ref-1", p.payment_id(), 2500, common::v1::PAYMENT_METHOD_CARD, &again).ok());
  EXPECT_EQ(again.payment().refunded().minor_units(), 2500);
  EXPECT_EQ(connector_.refunded_total(), 2500);
  // Above what was captured less refunded: refused naming the amount.
  grpc::Status over =
      Refund(*stub_, "ref-2", p.payment_id(), 3501, common::v1::PAYMENT_METHOD_CARD);
  EXPECT_EQ(over.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(over.error_message().find("amount"), std::string::npos);
  // Not to a gift card from a card payment.
  EXPECT_EQ(Refund(*stub_, "ref-3", p.payment_id(), 100, common::v1::PAYMENT_METHOD_GIFT_CARD)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(connector_.refunded_total(), 2500);
  // Captured in full and refunded in full: REFUNDED.
  ASSERT_TRUE(Capture(*stub_, "cap-rest", p.payment_id(), 0, nullptr).ok());
  v1::RefundPaymentResponse rest;
  ASSERT_TRUE(
      Refund(*stub_, "ref-4", p.payment_id(), 7500, common::v1::PAYMENT_METHOD_CARD, &rest).ok());
  EXPECT_EQ(rest.payment().status(), common::v1::PAYMENT_STATUS_REFUNDED);
  EXPECT_EQ(List()[0].refunded().minor_units(), 10000);
  EXPECT_EQ(connector_.refunded_total(), 10000);
}

TEST_F(PaymentServiceTest, AGiftCardRefundGoesBackOnItsBalance) {
  PutGiftCard(*stub_, 5000);
  v1::Payment gift;
  ASSERT_TRUE(
      AuthorizeOther(*stub_, "gift", common::v1::PAYMENT_METHOD_GIFT_CARD, 3000, &gift).ok());
  ASSERT_TRUE(Capture(*stub_, "take", gift.payment_id(), 0, nullptr).ok());
  EXPECT_EQ(GiftCardBalance(*stub_), 2000);
  ASSERT_TRUE(
      Refund(*stub_, "gref", gift.payment_id(), 1200, common::v1::PAYMENT_METHOD_GIFT_CARD).ok());
  ASSERT_TRUE(
      Refund(*stub_, "gref", gift.payment_id(), 1200, common::v1::PAYMENT_METHOD_GIFT_CARD).ok());
  EXPECT_EQ(GiftCardBalance(*stub_), 3200);
  EXPECT_EQ(connector_.refunded_total(), 0);
}

TEST_F(PaymentServiceTest, AnOnAccountRefundIsCreditTheOnAccountCheckSees) {
  // Credit limit 100.00: 90.00 taken on account, captured.
  v1::Payment oa;
  ASSERT_TRUE(AuthorizeOther(*stub_, "oa", common::v1::PAYMENT_METHOD_ON_ACCOUNT, 9000, &oa).ok());
  ASSERT_TRUE(Capture(*stub_, "take", oa.payment_id(), 0, nullptr).ok());
  EXPECT_EQ(AuthorizeOther(*stub_, "more", common::v1::PAYMENT_METHOD_ON_ACCOUNT, 2000, nullptr)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // 30.00 credited to the account: 40.00 is available, 40.01 is not.
  ASSERT_TRUE(
      Refund(*stub_, "oref", oa.payment_id(), 3000, common::v1::PAYMENT_METHOD_ON_ACCOUNT).ok());
  EXPECT_EQ(AuthorizeOther(*stub_, "more-2", common::v1::PAYMENT_METHOD_ON_ACCOUNT, 4001, nullptr)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(
      AuthorizeOther(*stub_, "more-3", common::v1::PAYMENT_METHOD_ON_ACCOUNT, 4000, nullptr).ok());
  // A full refund of the payment (REFUNDED) does not count its capture twice.
  v1::RefundPaymentResponse rest;
  ASSERT_TRUE(Refund(*stub_, "oref-rest", oa.payment_id(), 6000,
                     common::v1::PAYMENT_METHOD_ON_ACCOUNT, &rest)
                  .ok());
  EXPECT_EQ(rest.payment().status(), common::v1::PAYMENT_STATUS_REFUNDED);
  // Open: 90 + 40 - 30 - 60 = 40.00 of 100.00; 60.00 fits, 60.01 does not.
  EXPECT_EQ(AuthorizeOther(*stub_, "more-4", common::v1::PAYMENT_METHOD_ON_ACCOUNT, 6001, nullptr)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(
      AuthorizeOther(*stub_, "more-5", common::v1::PAYMENT_METHOD_ON_ACCOUNT, 6000, nullptr).ok());
}

TEST_F(PaymentServiceTest, ARefundCheckIsRecordedForMailing) {
  v1::Payment p;
  ASSERT_TRUE(Authorize("r1", "tok_4242", 5000, &p).ok());
  ASSERT_TRUE(Capture(*stub_, "cap", p.payment_id(), 0, nullptr).ok());
  ASSERT_TRUE(Refund(*stub_, "cref", p.payment_id(), 5000, common::v1::PAYMENT_METHOD_CHECK).ok());
  EXPECT_EQ(connector_.refunded_total(), 0);  // a check, not the card
  pqxx::result checks;
  ASSERT_TRUE(sut_.pool()
                  ->Transact([&](pqxx::work& txn) {
                    checks = txn.exec(
                        "SELECT amount_minor, customer_id, reference FROM refunds "
                        "WHERE method = 'PAYMENT_METHOD_CHECK'");
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0]["amount_minor"].as<int64_t>(), 5000);
  EXPECT_EQ(checks[0]["customer_id"].as<std::string>(), "c1");
  EXPECT_EQ(checks[0]["reference"].as<std::string>(), "return r-1");
  EXPECT_EQ(List()[0].status(), common::v1::PAYMENT_STATUS_REFUNDED);
}

}  // namespace
}  // namespace callcenter::payment

namespace callcenter::payment {
namespace {

void PutSchedule(v1::PaymentService::Stub& stub, int32_t installments, int64_t min_order) {
  grpc::ClientContext ctx;
  v1::UpsertPaymentScheduleRequest req;
  v1::PaymentSchedule* s = req.mutable_payment_schedule();
  s->set_schedule_id("three-monthly");
  s->set_installments(installments);
  s->set_interval_days(30);
  s->mutable_min_order_amount()->set_currency("USD");
  s->mutable_min_order_amount()->set_minor_units(min_order);
  v1::UpsertPaymentScheduleResponse resp;
  ASSERT_TRUE(stub.UpsertPaymentSchedule(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.payment_schedule().installments(), installments);
}

grpc::Status AuthorizeInstallments(v1::PaymentService::Stub& stub, const std::string& request_id,
                                   common::v1::PaymentMethod method, const std::string& token,
                                   int64_t amount, int64_t order_total, v1::Payment* out) {
  grpc::ClientContext ctx;
  v1::AuthorizePaymentRequest req;
  req.set_request_id(request_id);
  req.set_order_id("order-1");
  req.set_customer_id("c1");
  req.set_method(method);
  req.mutable_amount()->set_currency("USD");
  req.mutable_amount()->set_minor_units(amount);
  req.set_card_token(token);
  req.add_allowed_methods(method);
  req.set_allow_on_account(true);
  req.mutable_credit_limit()->set_currency("USD");
  req.mutable_credit_limit()->set_minor_units(1000000);
  req.set_schedule_id("three-monthly");
  req.mutable_order_total()->set_currency("USD");
  req.mutable_order_total()->set_minor_units(order_total);
  req.set_first_due_on("2026-12-01");
  v1::AuthorizePaymentResponse resp;
  grpc::Status s = stub.AuthorizePayment(&ctx, req, &resp);
  if (out) *out = resp.payment();
  return s;
}

// 100.00 by card (`token`) in three monthly installments (33.33, 33.33,
// 33.34), the first authorised.
void ThreeInstallmentsOf100(v1::PaymentService::Stub& stub, const std::string& token,
                            v1::Payment* out) {
  PutSchedule(stub, 3, 0);
  ASSERT_TRUE(AuthorizeInstallments(stub, "sched", common::v1::PAYMENT_METHOD_CARD, token, 10000,
                                    10000, out)
                  .ok());
}

// With `at_most`: at most that much of the installment.
grpc::Status CaptureInstallment(v1::PaymentService::Stub& stub, const std::string& request_id,
                                const std::string& payment_id, int32_t installment,
                                const std::string& start, v1::CapturePaymentResponse* out,
                                const std::optional<common::v1::Money>& at_most = std::nullopt) {
  grpc::ClientContext ctx;
  v1::CapturePaymentRequest req;
  req.set_request_id(request_id);
  req.set_payment_id(payment_id);
  req.set_installment(installment);
  req.set_schedule_start_on(start);
  if (at_most) *req.mutable_amount() = *at_most;
  v1::CapturePaymentResponse resp;
  grpc::Status s = stub.CapturePayment(&ctx, req, &resp);
  if (out) *out = resp;
  return s;
}

std::vector<v1::Payment> Due(v1::PaymentService::Stub& stub, const std::string& as_of) {
  std::vector<v1::Payment> out;
  std::string token;
  do {
    grpc::ClientContext ctx;
    v1::ListDueInstallmentsRequest req;
    req.set_as_of(as_of);
    req.set_page_size(1);
    req.set_page_token(token);
    v1::ListDueInstallmentsResponse resp;
    EXPECT_TRUE(stub.ListDueInstallments(&ctx, req, &resp).ok());
    for (const auto& p : resp.payments()) out.push_back(p);
    token = resp.next_page_token();
  } while (!token.empty());
  return out;
}

TEST_F(PaymentServiceTest, AScheduledCardPaymentAuthorisesOnlyItsFirstInstallment) {
  PutSchedule(*stub_, 3, 5000);
  v1::Payment p;
  // Below the schedule's minimum order: refused, nothing stored.
  EXPECT_EQ(AuthorizeInstallments(*stub_, "low", common::v1::PAYMENT_METHOD_CARD, "tok_4242",
                                  4999, 4999, nullptr)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(List().empty());
  // 150.00 in 3: 50.00 each; a card declining above 100.00 authorises the first.
  ASSERT_TRUE(AuthorizeInstallments(*stub_, "sched", common::v1::PAYMENT_METHOD_CARD, "tok_0005",
                                    15000, 15000, &p)
                  .ok());
  EXPECT_EQ(p.status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
  EXPECT_EQ(p.amount().minor_units(), 15000);
  ASSERT_EQ(p.installments_size(), 3);
  EXPECT_EQ(p.installments(0).status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
  EXPECT_EQ(p.installments(1).status(), common::v1::PAYMENT_STATUS_PENDING);
  EXPECT_EQ(p.installments(1).due_on(), "2026-12-31");
  // Not yet submitted: no run picks it up.
  EXPECT_TRUE(Due(*stub_, "2030-01-01").empty());

  // The submit takes the first installment and dates the schedule from its day.
  v1::CapturePaymentResponse first;
  ASSERT_TRUE(CaptureInstallment(*stub_, "i1", p.payment_id(), 1, "2026-12-10", &first).ok());
  EXPECT_FALSE(first.declined());
  EXPECT_EQ(first.captured().minor_units(), 5000);
  EXPECT_EQ(first.payment().status(), common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED);
  EXPECT_EQ(first.payment().installments(1).due_on(), "2027-01-09");
  EXPECT_EQ(connector_.captured_total(), 5000);
  // The same key again takes nothing more.
  ASSERT_TRUE(CaptureInstallment(*stub_, "i1", p.payment_id(), 1, "2026-12-10", &first).ok());
  EXPECT_EQ(connector_.captured_total(), 5000);

  EXPECT_TRUE(Due(*stub_, "2027-01-08").empty());
  ASSERT_EQ(Due(*stub_, "2027-01-09").size(), 1u);
  v1::CapturePaymentResponse second;
  ASSERT_TRUE(CaptureInstallment(*stub_, "i2", p.payment_id(), 2, "", &second).ok());
  EXPECT_EQ(second.payment().installments(1).status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(connector_.captured_total(), 10000);
  // Asked again under another key: refused, nothing taken.
  EXPECT_EQ(CaptureInstallment(*stub_, "i2-other", p.payment_id(), 2, "", nullptr).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(CaptureInstallment(*stub_, "i4", p.payment_id(), 4, "", nullptr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::CapturePaymentResponse third;
  ASSERT_TRUE(CaptureInstallment(*stub_, "i3", p.payment_id(), 3, "", &third).ok());
  EXPECT_EQ(third.payment().status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(third.payment().captured().minor_units(), 15000);
  EXPECT_EQ(connector_.captured_total(), 15000);
  EXPECT_TRUE(Due(*stub_, "2030-01-01").empty());
}

// An order that owes less than its plan (lines canceled) has a later
// installment capped: it and the payment are lowered, and one capped to
// nothing is voided without touching the card.
TEST_F(PaymentServiceTest, ALaterInstallmentCappedTakesAtMostTheCap) {
  v1::Payment p;
  ThreeInstallmentsOf100(*stub_, "tok_4242", &p);
  auto capped = [&](const std::string& rid, int32_t installment, int64_t at_most,
                    const std::string& currency, v1::CapturePaymentResponse* out) {
    common::v1::Money cap;
    cap.set_currency(currency);
    cap.set_minor_units(at_most);
    return CaptureInstallment(*stub_, rid, p.payment_id(), installment, "", out, cap);
  };
  // The first is taken whole at submit: no cap.
  EXPECT_EQ(capped("i1-capped", 1, 100, "USD", nullptr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(CaptureInstallment(*stub_, "i1", p.payment_id(), 1, "2026-12-01", nullptr).ok());
  EXPECT_EQ(capped("i2-neg", 2, -1, "USD", nullptr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(capped("i2-eur", 2, 100, "EUR", nullptr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(connector_.captured_total(), 3333);
  // 33.33 planned, 20.00 owed: 20.00 taken, the payment worth 13.33 less.
  v1::CapturePaymentResponse second;
  ASSERT_TRUE(capped("i2", 2, 2000, "USD", &second).ok());
  EXPECT_EQ(second.captured().minor_units(), 2000);
  EXPECT_EQ(second.payment().installments(1).amount().minor_units(), 2000);
  EXPECT_EQ(second.payment().installments(1).status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(second.payment().amount().minor_units(), 8667);
  EXPECT_EQ(connector_.captured_total(), 5333);
  // A cap above the installment changes nothing of it.
  v1::CapturePaymentResponse again;
  ASSERT_TRUE(capped("i2", 2, 2000, "USD", &again).ok());  // a retry: the first answer
  EXPECT_EQ(connector_.captured_total(), 5333);
  // Nothing more owed: the last is voided, nothing taken, the payment done.
  v1::CapturePaymentResponse third;
  ASSERT_TRUE(capped("i3", 3, 0, "USD", &third).ok());
  EXPECT_FALSE(third.declined());
  EXPECT_EQ(third.captured().minor_units(), 0);
  EXPECT_EQ(third.payment().installments(2).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(third.payment().installments(2).amount().minor_units(), 0);
  EXPECT_EQ(third.payment().amount().minor_units(), 5333);
  EXPECT_EQ(third.payment().captured().minor_units(), 5333);
  EXPECT_EQ(third.payment().status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(connector_.captured_total(), 5333);
  EXPECT_TRUE(Due(*stub_, "2030-01-01").empty());
  const v1::Payment stored = List()[0];
  EXPECT_EQ(stored.amount().minor_units(), 5333);
  EXPECT_EQ(stored.status(), common::v1::PAYMENT_STATUS_CAPTURED);
}

// LimitInstallments lowers what is still to come, stored, the gateway
// untouched; a limit asked again changes nothing; what was captured since
// the caller looked comes off the limit; bad requests are named.
TEST_F(PaymentServiceTest, ALimitLowersTheInstallmentsStillToCome) {
  v1::Payment p;
  ThreeInstallmentsOf100(*stub_, "tok_4242", &p);
  auto limit = [&](const std::string& payment_id, int64_t at_most, const std::string& currency,
                   v1::Payment* out, int64_t captured_seen = 3333) {
    grpc::ClientContext ctx;
    v1::LimitInstallmentsRequest req;
    req.set_payment_id(payment_id);
    req.mutable_at_most()->set_currency(currency);
    req.mutable_at_most()->set_minor_units(at_most);
    req.mutable_captured_seen()->set_currency(currency);
    req.mutable_captured_seen()->set_minor_units(captured_seen);
    v1::LimitInstallmentsResponse resp;
    grpc::Status s = stub_->LimitInstallments(&ctx, req, &resp);
    if (out != nullptr) *out = resp.payment();
    return s;
  };
  // Not submitted yet (nothing captured): nothing to lower.
  v1::Payment before;
  ASSERT_TRUE(limit(p.payment_id(), 0, "USD", &before).ok());
  EXPECT_EQ(before.amount().minor_units(), 10000);
  ASSERT_TRUE(CaptureInstallment(*stub_, "i1", p.payment_id(), 1, "2026-12-01", nullptr).ok());
  const int64_t captured = connector_.captured_total();
  EXPECT_EQ(limit("", 0, "USD", nullptr).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(limit(p.payment_id(), -1, "USD", nullptr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(limit(p.payment_id(), 100, "EUR", nullptr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(limit("00000000-0000-0000-0000-000000000000", 0, "USD", nullptr).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::Payment limited;
  ASSERT_TRUE(limit(p.payment_id(), 2000, "USD", &limited).ok());
  EXPECT_EQ(limited.installments(1).amount().minor_units(), 2000);
  EXPECT_EQ(limited.installments(2).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(limited.amount().minor_units(), 5333);
  EXPECT_EQ(limited.status(), common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED);
  ASSERT_TRUE(limit(p.payment_id(), 2000, "USD", &limited).ok());  // again: the same
  EXPECT_EQ(limited.amount().minor_units(), 5333);
  EXPECT_EQ(limit(p.payment_id(), 2000, "USD", nullptr, -1).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  const v1::Payment stored = List()[0];
  EXPECT_EQ(stored.amount().minor_units(), 5333);
  EXPECT_EQ(stored.installments(1).amount().minor_units(), 2000);
  EXPECT_EQ(connector_.captured_total(), captured);  // the gateway was not asked
  // The run takes the lowered installment, and nothing after it.
  v1::CapturePaymentResponse second;
  ASSERT_TRUE(CaptureInstallment(*stub_, "i2", p.payment_id(), 2, "", &second).ok());
  EXPECT_EQ(second.captured().minor_units(), 2000);
  EXPECT_EQ(second.payment().status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_TRUE(Due(*stub_, "2030-01-01").empty());
  // A payment without a schedule cannot be limited.
  v1::Payment card;
  ASSERT_TRUE(Authorize("plain", "tok_4242", 500, &card).ok());
  EXPECT_EQ(limit(card.payment_id(), 0, "USD", nullptr).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

// A run captured an installment after the caller worked its limit out:
// what it took comes off the limit, so the plan never takes it twice.
TEST_F(PaymentServiceTest, ALimitCountsWhatWasCapturedSinceItWasWorkedOut) {
  v1::Payment p;
  ThreeInstallmentsOf100(*stub_, "tok_4242", &p);
  ASSERT_TRUE(CaptureInstallment(*stub_, "i1", p.payment_id(), 1, "2026-12-01", nullptr).ok());
  // Worked out with 33.33 captured: 60.00 still owed. Then a run takes 33.33.
  ASSERT_TRUE(CaptureInstallment(*stub_, "i2", p.payment_id(), 2, "", nullptr).ok());
  grpc::ClientContext ctx;
  v1::LimitInstallmentsRequest req;
  req.set_payment_id(p.payment_id());
  req.mutable_at_most()->set_currency("USD");
  req.mutable_at_most()->set_minor_units(6000);
  req.mutable_captured_seen()->set_currency("USD");
  req.mutable_captured_seen()->set_minor_units(3333);
  v1::LimitInstallmentsResponse resp;
  ASSERT_TRUE(stub_->LimitInstallments(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.payment().installments(2).amount().minor_units(), 6000 - 3333);
  EXPECT_EQ(resp.payment().amount().minor_units(), 6666 + 2667);
}

TEST_F(PaymentServiceTest, ADeclinedInstallmentIsMarkedAndTheRestGoOn) {
  v1::Payment p;
  // 0009: authorises, but captures and re-authorisations are declined.
  ThreeInstallmentsOf100(*stub_, "tok_0009", &p);
  v1::CapturePaymentResponse first;
  ASSERT_TRUE(CaptureInstallment(*stub_, "i1", p.payment_id(), 1, "2026-12-01", &first).ok());
  EXPECT_TRUE(first.declined());
  EXPECT_EQ(first.payment().installments(0).status(), common::v1::PAYMENT_STATUS_DECLINED);
  EXPECT_EQ(connector_.captured_total(), 0);
}

TEST_F(PaymentServiceTest, OnAccountInstallmentsAreRecordedAndAVoidGivesBackWhatWasTaken) {
  PutSchedule(*stub_, 4, 0);
  v1::Payment p;
  ASSERT_TRUE(AuthorizeInstallments(*stub_, "acct", common::v1::PAYMENT_METHOD_ON_ACCOUNT, "",
                                    10001, 10001, &p)
                  .ok());
  ASSERT_EQ(p.installments_size(), 4);
  EXPECT_EQ(p.installments(3).amount().minor_units(), 2501);
  v1::CapturePaymentResponse first;
  ASSERT_TRUE(CaptureInstallment(*stub_, "i1", p.payment_id(), 1, "2026-12-01", &first).ok());
  EXPECT_EQ(first.payment().captured().minor_units(), 2500);

  v1::Payment card;
  ASSERT_TRUE(AuthorizeInstallments(*stub_, "card", common::v1::PAYMENT_METHOD_CARD, "tok_4242",
                                    9000, 9000, &card)
                  .ok());
  ASSERT_TRUE(CaptureInstallment(*stub_, "c1", card.payment_id(), 1, "2026-12-01", nullptr).ok());
  EXPECT_EQ(connector_.captured_total(), 2250);
  // The order canceled while on hold: both voided, the card's installment
  // given back through the gateway.
  ASSERT_TRUE(Void("v1", p.payment_id()).ok());
  ASSERT_TRUE(Void("v2", card.payment_id()).ok());
  EXPECT_EQ(connector_.refunded_total(), 2250);
  for (const v1::Payment& after : List()) {
    EXPECT_EQ(after.status(), common::v1::PAYMENT_STATUS_VOIDED);
    EXPECT_EQ(after.captured().minor_units(), 0);
    for (const auto& inst : after.installments()) {
      EXPECT_EQ(inst.status(), common::v1::PAYMENT_STATUS_VOIDED);
    }
  }
  EXPECT_TRUE(Due(*stub_, "2030-01-01").empty());
}

TEST_F(PaymentServiceTest, SchedulesAreCheckedWhenUpserted) {
  grpc::ClientContext ctx;
  v1::UpsertPaymentScheduleRequest req;
  req.mutable_payment_schedule()->set_schedule_id("bad");
  req.mutable_payment_schedule()->set_installments(0);
  v1::UpsertPaymentScheduleResponse resp;
  grpc::Status s = stub_->UpsertPaymentSchedule(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("payment_schedule.installments"), std::string::npos);
}

}  // namespace
}  // namespace callcenter::payment
