#include "services/payment/domain/payment_rules.h"

#include "gtest/gtest.h"
#include "libs/validation/validation.h"

namespace callcenter::payment {
namespace {

TEST(PaymentRulesTest, CardNumbersInTokens) {
  EXPECT_TRUE(validation::ContainsCardNumber("4111111111111111"));
  EXPECT_TRUE(validation::ContainsCardNumber("4111 1111 1111 1111"));
  EXPECT_TRUE(validation::ContainsCardNumber("5500-0000-0000-0004"));
  EXPECT_FALSE(validation::ContainsCardNumber("4111111111111112"));  // fails Luhn
  EXPECT_FALSE(validation::ContainsCardNumber("tok_visa_0002"));
  EXPECT_TRUE(validation::ContainsCardNumber("tok_4111111111111111"));  // a token hiding one
  EXPECT_FALSE(validation::ContainsCardNumber("123456789012"));         // too short
}

TEST(PaymentRulesTest, TestConnector) {
  TestConnector c;
  EXPECT_TRUE(c.Authorize("tok_4242", 500000, "USD", "k").approved);
  EXPECT_FALSE(c.Authorize("tok_0002", 100, "USD", "k").approved);
  EXPECT_TRUE(c.Authorize("tok_0005", 10000, "USD", "k").approved);  // exactly 100.00
  ConnectorDecision d = c.Authorize("tok_0005", 10001, "USD", "k");
  EXPECT_FALSE(d.approved);
  EXPECT_EQ(d.reason, "insufficient funds");
}

v1::AuthorizePaymentRequest Card() {
  v1::AuthorizePaymentRequest r;
  r.set_request_id("r");
  r.set_order_id("o");
  r.set_method(common::v1::PAYMENT_METHOD_CARD);
  r.mutable_amount()->set_currency("USD");
  r.mutable_amount()->set_minor_units(100);
  r.set_card_token("tok_4242");
  r.add_allowed_methods(common::v1::PAYMENT_METHOD_CARD);
  return r;
}

TEST(PaymentRulesTest, Validation) {
  EXPECT_TRUE(ValidateAuthorization(Card()).ok());
  v1::AuthorizePaymentRequest pan = Card();
  pan.set_card_token("4111111111111111");
  absl::Status s = ValidateAuthorization(pan);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().find("4111"), absl::string_view::npos);  // never echoed
  v1::AuthorizePaymentRequest zero = Card();
  zero.mutable_amount()->set_minor_units(0);
  EXPECT_NE(ValidateAuthorization(zero).message().find("amount"), absl::string_view::npos);
  v1::AuthorizePaymentRequest check = Card();
  check.set_method(common::v1::PAYMENT_METHOD_CHECK);
  EXPECT_EQ(ValidateAuthorization(check).code(), absl::StatusCode::kFailedPrecondition);
  check.add_allowed_methods(common::v1::PAYMENT_METHOD_CHECK);
  EXPECT_NE(ValidateAuthorization(check).message().find("check_number"), absl::string_view::npos);
}

TEST(PaymentRulesTest, Transitions) {
  using namespace common::v1;
  struct Case {
    PaymentStatus from, to;
    bool ok;
  } cases[] = {
      {PAYMENT_STATUS_PENDING, PAYMENT_STATUS_AUTHORIZED, true},
      {PAYMENT_STATUS_PENDING, PAYMENT_STATUS_DECLINED, true},
      {PAYMENT_STATUS_AUTHORIZED, PAYMENT_STATUS_CAPTURED, true},
      {PAYMENT_STATUS_AUTHORIZED, PAYMENT_STATUS_VOIDED, true},
      {PAYMENT_STATUS_VOIDED, PAYMENT_STATUS_VOIDED, true},
      {PAYMENT_STATUS_DECLINED, PAYMENT_STATUS_AUTHORIZED, false},
      {PAYMENT_STATUS_DECLINED, PAYMENT_STATUS_VOIDED, false},
      {PAYMENT_STATUS_CAPTURED, PAYMENT_STATUS_VOIDED, false},
      {PAYMENT_STATUS_VOIDED, PAYMENT_STATUS_CAPTURED, false},
      {PAYMENT_STATUS_AUTHORIZED, PAYMENT_STATUS_PARTIALLY_CAPTURED, true},
      {PAYMENT_STATUS_PARTIALLY_CAPTURED, PAYMENT_STATUS_PARTIALLY_CAPTURED, true},
      {PAYMENT_STATUS_PARTIALLY_CAPTURED, PAYMENT_STATUS_CAPTURED, true},
      {PAYMENT_STATUS_PARTIALLY_CAPTURED, PAYMENT_STATUS_VOIDED, false},
      {PAYMENT_STATUS_PARTIALLY_CAPTURED, PAYMENT_STATUS_AUTHORIZED, false},
      {PAYMENT_STATUS_PENDING, PAYMENT_STATUS_PARTIALLY_CAPTURED, false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CheckPaymentTransition(c.from, c.to).ok(), c.ok) << c.from << "->" << c.to;
  }
}

TEST(PaymentRulesTest, CaptureAmounts) {
  EXPECT_EQ(*CaptureAmount(10000, 0, 0), 10000);    // unset: all
  EXPECT_EQ(*CaptureAmount(10000, 6000, 0), 4000);  // unset: the rest
  EXPECT_EQ(*CaptureAmount(10000, 6000, 4000), 4000);
  EXPECT_EQ(*CaptureAmount(10000, 0, 1), 1);
  EXPECT_EQ(CaptureAmount(10000, 6000, 4001).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CaptureAmount(10000, 10000, 0).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusAfterCapture(10000, 9999), common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED);
  EXPECT_EQ(StatusAfterCapture(10000, 10000), common::v1::PAYMENT_STATUS_CAPTURED);
}

TEST(PaymentRulesTest, TestConnectorCapturesOncePerKeyAndDeclinesFor0009) {
  TestConnector c;
  EXPECT_TRUE(c.Authorize("tok_0009", 5000, "USD", "k").approved);
  EXPECT_FALSE(c.Capture("tok_0009", "A", 100, "USD", "k1").approved);
  EXPECT_FALSE(c.Reauthorize("tok_0009", 100, "USD", "k2").approved);
  EXPECT_TRUE(c.Capture("tok_4242", "A", 100, "USD", "k3").approved);
  EXPECT_TRUE(c.Capture("tok_4242", "A", 100, "USD", "k3").approved);  // the same key
  EXPECT_TRUE(c.Capture("tok_4242", "A", 50, "USD", "k4").approved);
  EXPECT_EQ(c.captured_total(), 150);
  EXPECT_TRUE(c.Reauthorize("tok_4242", 100, "USD", "k5").approved);
  EXPECT_EQ(c.reauthorizations(), 2);
}

TEST(PaymentRulesTest, CreditArithmetic) {
  EXPECT_TRUE(CheckOnAccount(true, 50000, 20000, 30000).ok());   // exactly the rest
  absl::Status over = CheckOnAccount(true, 50000, 20000, 30001);
  EXPECT_EQ(over.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(over.message().find("300.00 of 500.00 available"), absl::string_view::npos);
  EXPECT_FALSE(CheckOnAccount(false, 50000, 0, 1).ok());
  EXPECT_TRUE(CheckGiftCardBalance(1000, 1000).ok());
  EXPECT_FALSE(CheckGiftCardBalance(1000, 1001).ok());
}

}  // namespace
}  // namespace callcenter::payment

namespace callcenter::payment {
namespace {

TEST(InstallmentsTest, SplitsRoundDownWithTheRemainderOnTheLast) {
  struct Row {
    int64_t amount;
    int32_t count;
    std::vector<int64_t> want;
  };
  const Row rows[] = {
      {10000, 3, {3333, 3333, 3334}},  // DOMAIN 11's example: 100.00 in 3
      {10000, 1, {10000}},             // one installment: the whole amount
      {9000, 3, {3000, 3000, 3000}},   // divides evenly
      {10001, 4, {2500, 2500, 2500, 2501}},
      {5, 4, {1, 1, 1, 2}},
      {2, 3, {0, 0, 2}},  // fewer minor units than installments
      {1000000000000, 7, {142857142857, 142857142857, 142857142857, 142857142857,
                          142857142857, 142857142857, 142857142858}},
  };
  for (const Row& r : rows) {
    std::vector<int64_t> got = SplitInstallments(r.amount, r.count);
    EXPECT_EQ(got, r.want) << r.amount << " in " << r.count;
    int64_t sum = 0;
    for (int64_t g : got) sum += g;
    EXPECT_EQ(sum, r.amount);
  }
}

v1::PaymentSchedule Schedule(int32_t installments, int32_t interval_days) {
  v1::PaymentSchedule s;
  s.set_schedule_id("three-monthly");
  s.set_installments(installments);
  s.set_interval_days(interval_days);
  s.mutable_min_order_amount()->set_currency("USD");
  return s;
}

TEST(InstallmentsTest, PlannedFromTheFirstDueDateEveryInterval) {
  auto plan = PlanInstallments("USD", 10000, Schedule(3, 30), "2026-12-20");
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->size(), 3u);
  EXPECT_EQ((*plan)[0].due_on(), "2026-12-20");
  EXPECT_EQ((*plan)[1].due_on(), "2027-01-19");
  EXPECT_EQ((*plan)[2].due_on(), "2027-02-18");
  EXPECT_EQ((*plan)[2].amount().minor_units(), 3334);
  for (const auto& i : *plan) EXPECT_EQ(i.status(), common::v1::PAYMENT_STATUS_PENDING);
  EXPECT_EQ(PlanInstallments("USD", 10000, Schedule(3, 30), "2026-02-30").status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::Payment p;
  p.set_interval_days(30);
  for (const auto& i : *plan) *p.add_installments() = i;
  ASSERT_TRUE(RedateInstallments(p, "2027-01-01").ok());
  EXPECT_EQ(p.installments(0).due_on(), "2027-01-01");
  EXPECT_EQ(p.installments(2).due_on(), "2027-03-02");
}

TEST(InstallmentsTest, ARunPicksAPaymentUpOnlyOnceItsFirstInstallmentWasCaptured) {
  auto plan = PlanInstallments("USD", 9000, Schedule(3, 10), "2026-12-01");
  ASSERT_TRUE(plan.ok());
  v1::Payment p;
  for (const auto& i : *plan) *p.add_installments() = i;
  p.set_status(common::v1::PAYMENT_STATUS_AUTHORIZED);
  p.mutable_installments(0)->set_status(common::v1::PAYMENT_STATUS_AUTHORIZED);
  EXPECT_EQ(NextInstallmentDue(p), "");  // not submitted yet
  p.mutable_installments(0)->set_status(common::v1::PAYMENT_STATUS_CAPTURED);
  p.set_status(StatusAfterInstallment(p));
  EXPECT_EQ(p.status(), common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED);
  EXPECT_EQ(NextInstallmentDue(p), "2026-12-11");
  p.mutable_installments(1)->set_status(common::v1::PAYMENT_STATUS_DECLINED);
  EXPECT_EQ(NextInstallmentDue(p), "2026-12-21");  // a declined one is not asked again
  p.mutable_installments(2)->set_status(common::v1::PAYMENT_STATUS_CAPTURED);
  p.set_status(StatusAfterInstallment(p));
  EXPECT_EQ(p.status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(NextInstallmentDue(p), "");
}

// Limited, the pending installments are lowered from the last; one lowered
// to nothing is VOIDED; the payment's amount goes down with them; asked
// again, nothing changes.
TEST(InstallmentsTest, ALimitLowersThePendingInstallmentsFromTheLast) {
  auto plan = PlanInstallments("USD", 10000, Schedule(3, 30), "2026-12-01");
  ASSERT_TRUE(plan.ok());
  v1::Payment p;
  p.mutable_amount()->set_currency("USD");
  p.mutable_amount()->set_minor_units(10000);
  for (const auto& i : *plan) *p.add_installments() = i;
  p.mutable_installments(0)->set_status(common::v1::PAYMENT_STATUS_CAPTURED);  // 33.33
  EXPECT_EQ(LimitPendingInstallments(&p, 9000), 0);  // 66.67 pending: within
  EXPECT_EQ(LimitPendingInstallments(&p, 2000), 4667);
  EXPECT_EQ(p.installments(1).amount().minor_units(), 2000);
  EXPECT_EQ(p.installments(1).status(), common::v1::PAYMENT_STATUS_PENDING);
  EXPECT_EQ(p.installments(2).amount().minor_units(), 0);
  EXPECT_EQ(p.installments(2).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(p.amount().minor_units(), 5333);
  EXPECT_EQ(LimitPendingInstallments(&p, 2000), 0);  // again: nothing more
  EXPECT_EQ(p.amount().minor_units(), 5333);
  EXPECT_EQ(StatusAfterInstallment(p), common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED);
  EXPECT_EQ(LimitPendingInstallments(&p, -5), 2000);  // below nothing: nothing left
  EXPECT_EQ(p.installments(1).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(p.amount().minor_units(), 3333);
  EXPECT_EQ(StatusAfterInstallment(p), common::v1::PAYMENT_STATUS_CAPTURED);
  // A declined installment is not pending: never lowered.
  v1::Payment d;
  d.mutable_amount()->set_minor_units(10000);
  for (const auto& i : *plan) *d.add_installments() = i;
  d.mutable_installments(0)->set_status(common::v1::PAYMENT_STATUS_CAPTURED);
  d.mutable_installments(2)->set_status(common::v1::PAYMENT_STATUS_DECLINED);
  EXPECT_EQ(LimitPendingInstallments(&d, 0), 3333);
  EXPECT_EQ(d.installments(2).amount().minor_units(), 3334);
  EXPECT_EQ(d.installments(2).status(), common::v1::PAYMENT_STATUS_DECLINED);
}

TEST(InstallmentsTest, SchedulesAreChecked) {
  EXPECT_TRUE(ValidatePaymentSchedule(Schedule(3, 30)).ok());
  EXPECT_TRUE(ValidatePaymentSchedule(Schedule(1, 0)).ok());  // one installment: no interval
  EXPECT_EQ(ValidatePaymentSchedule(Schedule(0, 30)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidatePaymentSchedule(Schedule(121, 30)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidatePaymentSchedule(Schedule(3, 0)).code(), absl::StatusCode::kInvalidArgument);
  v1::PaymentSchedule no_minimum = Schedule(3, 30);
  no_minimum.clear_min_order_amount();
  EXPECT_TRUE(ValidatePaymentSchedule(no_minimum).ok());
  no_minimum.mutable_min_order_amount()->set_minor_units(500);  // a minimum needs its currency
  EXPECT_EQ(ValidatePaymentSchedule(no_minimum).code(), absl::StatusCode::kInvalidArgument);
  v1::PaymentSchedule negative = Schedule(3, 30);
  negative.mutable_min_order_amount()->set_minor_units(-1);
  EXPECT_EQ(ValidatePaymentSchedule(negative).code(), absl::StatusCode::kInvalidArgument);
}

TEST(InstallmentsTest, OnlyCardsAndOnAccountTakeASchedule) {
  v1::AuthorizePaymentRequest r;
  r.set_request_id("r");
  r.set_order_id("o");
  r.set_method(common::v1::PAYMENT_METHOD_CHECK);
  r.set_check_number("101");
  r.mutable_amount()->set_currency("USD");
  r.mutable_amount()->set_minor_units(100);
  r.add_allowed_methods(common::v1::PAYMENT_METHOD_CHECK);
  r.set_schedule_id("three-monthly");
  absl::Status s = ValidateAuthorization(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("method"), std::string::npos);
}

}  // namespace
}  // namespace callcenter::payment
