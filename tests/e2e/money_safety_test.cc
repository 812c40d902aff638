// Money safety: declines, shares of the total, card numbers, and the submit
// saga: interrupted, failed or with a lost reply, nothing is charged twice or
// left authorised off its order. End to end through the front door
// (front_door_fixture.h).
#include "tests/e2e/front_door_fixture.h"

namespace callcenter::testing {
namespace {

TEST_F(FrontDoorTest, DeclinedCardsNeverCountAndPaymentsMustCoverTheTotal) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 6).ok());  // 120.00
  EXPECT_EQ(Submit(&order, "s0").error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Pay(&order, "tok_0002", "declined").ok());
  EXPECT_EQ(order.payments(0).status(), common::v1::PAYMENT_STATUS_DECLINED);
  EXPECT_EQ(order.paid_total().minor_units(), 0);
  ASSERT_TRUE(Pay(&order, "tok_0005", "funds", 10001).ok());
  EXPECT_EQ(order.payments(1).status(), common::v1::PAYMENT_STATUS_DECLINED);
  EXPECT_EQ(order.payments(1).decline_reason(), "insufficient funds");
  ASSERT_TRUE(Pay(&order, "tok_4242", "part", 6000).ok());
  grpc::Status s = Submit(&order, "s1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("60.00 is still due"), std::string::npos);
  ASSERT_TRUE(Pay(&order, "tok_4242", "rest").ok());  // the balance due
  EXPECT_EQ(order.payments(3).amount().minor_units(), 6000);
  const double confirmed_before = Metric("submits_total{outcome=\"confirmed\"}");
  ASSERT_TRUE(Submit(&order, "s2").ok());
  EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_CONFIRMED);
  ASSERT_TRUE(Submit(&order, "s2").ok());  // a retry returns the first result, uncounted
  EXPECT_EQ(Metric("submits_total{outcome=\"confirmed\"}"), confirmed_before + 1);
}

TEST_F(FrontDoorTest, APaymentMayBeAShareOfTheTotal) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());  // 20.00
  ASSERT_EQ(order.total().minor_units(), 2000);
  auto pay_share = [&](const std::string& request_id, int32_t bp, int64_t amount) {
    fd::AddPaymentRequest req;
    req.set_request_id(Id(request_id));
    req.set_order_id(order.order_id());
    req.set_method(common::v1::PAYMENT_METHOD_CARD);
    req.set_card_token("tok_4242");
    req.set_percent_of_total_bp(bp);
    if (amount > 0) *req.mutable_amount() = Usd(amount);
    fd::AddPaymentResponse resp;
    grpc::Status s = suite->front->AddPayment(suite->As(Id("agent")).get(), req, &resp);
    if (s.ok()) order = resp.order();
    return s;
  };
  for (auto [bp, amount] : {std::pair<int32_t, int64_t>{10001, 0}, {-5, 0}, {5000, 1000}}) {
    grpc::Status s = pay_share(absl::StrCat("bad", bp), bp, amount);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bp;
    EXPECT_NE(s.error_message().find("percent_of_total_bp"), std::string::npos)
        << s.error_message();
  }
  EXPECT_EQ(Get(order.order_id()).payments_size(), 0);
  // 33.33% of 20.00 = 6.666 -> 6.67 (half away from zero), fixed once authorised.
  ASSERT_TRUE(pay_share("third", 3333, 0).ok());
  ASSERT_EQ(order.payments_size(), 1);
  EXPECT_EQ(order.payments(0).amount().minor_units(), 667);
  EXPECT_EQ(order.payments(0).status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
  EXPECT_EQ(order.balance_due().minor_units(), 1333);
  ASSERT_TRUE(pay_share("third", 3333, 0).ok());  // a retry: the same payment
  EXPECT_EQ(order.payments_size(), 1);
  ASSERT_TRUE(Pay(&order, "tok_4242", "rest").ok());
  EXPECT_EQ(order.payments(1).amount().minor_units(), 1333);
  ASSERT_TRUE(Submit(&order).ok());
  EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_CONFIRMED);
}

TEST_F(FrontDoorTest, CardNumbersAreRefused) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  grpc::Status s = Pay(&order, "4111111111111111", "pan");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().find("4111111111111111"), std::string::npos);
  EXPECT_EQ(Get(order.order_id()).payments_size(), 0);
}

// ------------------------------------------------------- holds and fraud

TEST_F(FrontDoorTest, SubmitInterruptedAfterAuthorisationIsRecovered) {
  Order order = PaidDraftWithCoupon("SAGA", 1000, 1);
  orchestration::OrderEntryOptions crashing;
  crashing.crash_after_step = orchestration::kStepCouponsRedeemed;
  auto doomed = suite->ExtraFrontDoor(crashing);
  EXPECT_EQ(Submit(&order, "submit", doomed.get()).error_code(), grpc::StatusCode::UNAVAILABLE);
  // The process "died" with the coupon counted and the card authorised.
  const double compensated_before = Metric("sagas_recovered_total{outcome=\"compensated\"}");
  ASSERT_TRUE(suite->front_door().recovery().Run(absl::ZeroDuration()).ok());
  EXPECT_EQ(Metric("sagas_recovered_total{outcome=\"compensated\"}"), compensated_before + 1);
  Order recovered = Get(order.order_id());
  EXPECT_EQ(recovered.status(), common::v1::ORDER_STATUS_DRAFT);
  ASSERT_EQ(recovered.payments_size(), 1);
  EXPECT_EQ(recovered.payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(recovered.paid_total().minor_units(), 0);
  const auto payments = PaymentsOf(order.order_id());
  ASSERT_FALSE(payments.empty());
  EXPECT_EQ(payments[0].status(), common::v1::PAYMENT_STATUS_VOIDED);  // no live authorisation
  grpc::ClientContext ctx2;
  pricing::v1::CheckCouponRequest check;
  check.set_coupon_code(Id("SAGA"));
  pricing::v1::CheckCouponResponse checked;
  EXPECT_TRUE(suite->pricing->CheckCoupon(&ctx2, check, &checked).ok());  // use released
  // The agent pays again and submits.
  ASSERT_TRUE(Pay(&recovered, "tok_4242", "pay-again").ok());
  ASSERT_TRUE(Submit(&recovered, "submit-again").ok());
  EXPECT_EQ(recovered.status(), common::v1::ORDER_STATUS_CONFIRMED);
}

// The front door died (or its call timed out) after the payment service
// authorised and before the order recorded the payment: the customer's
// money is held for nothing. The sweep voids such authorisations once they
// are old enough, and only those.
TEST_F(FrontDoorTest, AnAuthorisationNoOrderRecordedIsVoidedBySweep) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());  // recorded on the order
  auto authorise = [&](const std::string& request_id, const std::string& order_id) {
    grpc::ClientContext ctx;
    payment::v1::AuthorizePaymentRequest auth;
    // As the front door would have sent it: scoped to the agent and the RPC.
    auth.set_request_id(orchestration::ScopedRequestId(Id("agent"), "AddPayment", Id(request_id)));
    auth.set_order_id(order_id);
    auth.set_customer_id(order.customer_id());
    auth.set_method(common::v1::PAYMENT_METHOD_CARD);
    *auth.mutable_amount() = Usd(1500);
    auth.set_card_token("tok_4242");
    auth.add_allowed_methods(common::v1::PAYMENT_METHOD_CARD);
    payment::v1::AuthorizePaymentResponse resp;
    EXPECT_TRUE(suite->payments->AuthorizePayment(&ctx, auth, &resp).ok());
    EXPECT_EQ(resp.payment().status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
    return resp.payment().payment_id();
  };
  const std::string lost = authorise("lost", order.order_id());
  const std::string orphan = authorise("orphan", "00000000-0000-4000-8000-00000000abcd");

  // Younger than the minimum age: they may still be on their way.
  auto swept = suite->front_door().sweeper().Sweep(absl::Hours(1));
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(PaymentStatus(order.order_id(), lost), common::v1::PAYMENT_STATUS_AUTHORIZED);

  const double before = Metric("unrecorded_authorizations_voided_total");
  swept = suite->front_door().sweeper().Sweep(absl::ZeroDuration());
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_GE(*swept, 2);
  EXPECT_EQ(Metric("unrecorded_authorizations_voided_total"), before + *swept);
  EXPECT_EQ(PaymentStatus(order.order_id(), lost), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(PaymentStatus("00000000-0000-4000-8000-00000000abcd", orphan),
            common::v1::PAYMENT_STATUS_VOIDED);
  // The payment the order records stands, and the order is as it was.
  EXPECT_EQ(PaymentStatus(order.order_id(), order.payments(0).payment_id()),
            common::v1::PAYMENT_STATUS_AUTHORIZED);
  Order after = Get(order.order_id());
  EXPECT_EQ(after.paid_total().minor_units(), order.total().minor_units());
  ASSERT_TRUE(Submit(&after).ok());
  EXPECT_EQ(after.status(), common::v1::ORDER_STATUS_CONFIRMED);

  // The next sweep goes on from where this one ended: nothing to do.
  swept = suite->front_door().sweeper().Sweep(absl::ZeroDuration());
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 0);
  // A crash between an undo's two steps: the order already shows the
  // payment VOIDED (so nothing counts it), the payment service still holds
  // it. The sweep voids it.
  Order marked = Start("", Id("start-marked"));
  ASSERT_TRUE(AddLine(&marked, "A", 1, "marked-line").ok());
  ASSERT_TRUE(Pay(&marked, "tok_4242", "marked-pay").ok());
  {
    Order stored = Get(marked.order_id());
    stored.mutable_payments(0)->set_status(common::v1::PAYMENT_STATUS_VOIDED);
    grpc::ClientContext ctx;
    order::v1::SaveOrderRequest save;
    save.set_request_id(Id("marked-undo"));
    save.set_method("UndoSubmit");
    *save.mutable_order() = stored;
    order::v1::SaveOrderResponse saved;
    ASSERT_TRUE(suite->orders->SaveOrder(&ctx, save, &saved).ok());
  }
  EXPECT_EQ(PaymentStatus(marked.order_id(), marked.payments(0).payment_id()),
            common::v1::PAYMENT_STATUS_AUTHORIZED);
  swept = suite->front_door().sweeper().Sweep(absl::ZeroDuration());
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 1);
  EXPECT_EQ(PaymentStatus(marked.order_id(), marked.payments(0).payment_id()),
            common::v1::PAYMENT_STATUS_VOIDED);
  // A retry of the lost AddPayment, arriving late, finds its payment voided
  // and the order records it as such: nothing counts toward the total.
  Order late = Start("", Id("start-late"));
  ASSERT_TRUE(AddLine(&late, "A", 1, "late-line").ok());
  const std::string late_payment = authorise("late", late.order_id());
  ASSERT_TRUE(suite->front_door().sweeper().Sweep(absl::ZeroDuration()).ok());
  fd::AddPaymentRequest retry;
  retry.set_request_id(Id("late"));
  retry.set_order_id(late.order_id());
  retry.set_method(common::v1::PAYMENT_METHOD_CARD);
  retry.set_card_token("tok_4242");
  *retry.mutable_amount() = Usd(1500);
  fd::AddPaymentResponse retried;
  ASSERT_TRUE(suite->front->AddPayment(suite->As(Id("agent")).get(), retry, &retried).ok());
  ASSERT_EQ(retried.order().payments_size(), 1);
  EXPECT_EQ(retried.order().payments(0).payment_id(), late_payment);
  EXPECT_EQ(retried.order().payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(retried.order().paid_total().minor_units(), 0);
  EXPECT_EQ(retried.order().events(retried.order().events_size() - 1).kind(), "payment_voided");
}

// The hold service is down: the submit fails after the card was
// authorised. The front door undoes it, and the draft shows what the
// payment service holds: the authorisation voided, nothing paid, so it
// cannot be submitted on a payment that no longer exists.
TEST_F(FrontDoorTest, ASubmitThatFailsAfterAuthorisationLeavesAConsistentDraft) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  auto broken = suite->ExtraFrontDoor({}, [](orchestration::Downstream& d) {
    d.holds = hold::v1::HoldService::NewStub(
        grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials()));
  });
  EXPECT_EQ(Submit(&order, "submit", broken.get()).error_code(), grpc::StatusCode::UNAVAILABLE);
  Order after = Get(order.order_id());
  EXPECT_EQ(after.status(), common::v1::ORDER_STATUS_DRAFT);
  ASSERT_EQ(after.payments_size(), 1);
  EXPECT_EQ(after.payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(after.paid_total().minor_units(), 0);
  EXPECT_EQ(after.balance_due().minor_units(), after.total().minor_units());
  EXPECT_EQ(Submit(&after, "submit-unpaid").error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Pay(&after, "tok_4242", "pay-again").ok());
  ASSERT_TRUE(Submit(&after, "submit-again").ok());
  EXPECT_EQ(after.status(), common::v1::ORDER_STATUS_CONFIRMED);
  // The failed submit's undo could not reach the hold service either (to
  // clear a fraud hold), so its saga stayed open; recovery settles it, and
  // as the order has been submitted since, it undoes nothing.
  auto settled = suite->front_door().recovery().Run(absl::ZeroDuration());
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(*settled, 1);
  Order final = Get(order.order_id());
  EXPECT_EQ(final.status(), common::v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(final.payments(1).status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
}

// An AddPayment whose save fails after the card was authorised: the order
// records the payment VOIDED and it is voided, so nothing counts it. One
// whose save committed but whose reply was lost keeps it authorised.
TEST_F(FrontDoorTest, AnAuthorisationTheOrderCouldNotRecordIsVoided) {
  World();
  // A draft with one line, paid by card through a front door whose saves
  // of AddPayment fail as `commit` says; the call's code, then the order.
  auto pay_through_failing_saves = [&](const std::string& name, bool commit, Order* after) {
    Order order = Start("", Id("start-" + name));
    EXPECT_TRUE(AddLine(&order, "A", 1, name + "-line").ok());
    auto front = suite->ExtraFrontDoor({}, FailingSaves("AddPayment", commit));
    fd::AddPaymentRequest pay;
    pay.set_request_id(Id(name + "-pay"));
    pay.set_order_id(order.order_id());
    pay.set_method(common::v1::PAYMENT_METHOD_CARD);
    pay.set_card_token("tok_4242");
    fd::AddPaymentResponse paid;
    const grpc::StatusCode code =
        front->AddPayment(suite->As(Id("agent")).get(), pay, &paid).error_code();
    *after = Get(order.order_id());
    return code;
  };

  Order after;
  EXPECT_EQ(pay_through_failing_saves("refused", /*commit=*/false, &after),
            grpc::StatusCode::UNAVAILABLE);
  ASSERT_EQ(after.payments_size(), 1);
  EXPECT_EQ(after.payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(after.paid_total().minor_units(), 0);
  EXPECT_EQ(after.events(after.events_size() - 1).kind(), "payment_voided");
  EXPECT_EQ(PaymentStatus(after.order_id(), after.payments(0).payment_id()),
            common::v1::PAYMENT_STATUS_VOIDED);

  EXPECT_EQ(pay_through_failing_saves("lost", /*commit=*/true, &after),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  ASSERT_EQ(after.payments_size(), 1);
  EXPECT_EQ(after.payments(0).status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
  EXPECT_EQ(PaymentStatus(after.order_id(), after.payments(0).payment_id()),
            common::v1::PAYMENT_STATUS_AUTHORIZED);
  ASSERT_TRUE(Submit(&after, "lost-submit").ok());
  EXPECT_EQ(after.status(), common::v1::ORDER_STATUS_CONFIRMED);
}

// The submit's save commits but its reply is lost (a timeout): the caller
// sees an error, yet the order is submitted. Nothing may be undone then:
// the payment stays authorised, the order confirmed.
TEST_F(FrontDoorTest, ASubmitWhoseSaveReplyIsLostIsNotUndone) {
  Order order = PaidDraftWithCoupon("LOST", 500, 10);
  auto lossy = suite->ExtraFrontDoor({}, FailingSaves("SubmitOrder", /*commit=*/true));
  EXPECT_EQ(Submit(&order, "submit", lossy.get()).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  Order after = Get(order.order_id());
  EXPECT_EQ(after.status(), common::v1::ORDER_STATUS_CONFIRMED);
  ASSERT_EQ(after.payments_size(), 1);
  EXPECT_EQ(after.payments(0).status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
  EXPECT_EQ(PaymentStatus(order.order_id(), after.payments(0).payment_id()),
            common::v1::PAYMENT_STATUS_AUTHORIZED);
  // The coupon use stays counted; the caller's retry gets the submitted order.
  grpc::ClientContext ctx2;
  pricing::v1::CheckCouponRequest check;
  check.set_coupon_code(Id("LOST"));
  pricing::v1::CheckCouponResponse checked;
  ASSERT_TRUE(suite->pricing->CheckCoupon(&ctx2, check, &checked).ok());
  EXPECT_EQ(checked.coupon().uses(), 1);
  ASSERT_TRUE(Submit(&order, "submit").ok());
  EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_CONFIRMED);
}

TEST_F(FrontDoorTest, AFinishedSubmitIsNeverTakenForAnInterruptedOne) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  ASSERT_TRUE(Submit(&order).ok());
  // Its DONE record may still be queued; recovery writes the queue first and
  // finds nothing to settle, whatever the idle time.
  auto settled = suite->front_door().recovery().Run(absl::ZeroDuration());
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(*settled, 0);
  EXPECT_EQ(Get(order.order_id()).status(), common::v1::ORDER_STATUS_CONFIRMED);
  const auto payments = PaymentsOf(order.order_id());
  ASSERT_FALSE(payments.empty());
  EXPECT_EQ(payments[0].status(), common::v1::PAYMENT_STATUS_AUTHORIZED);  // not voided
}

TEST_F(FrontDoorTest, InterruptedSubmitLeavesNoFraudHoldOpen) {
  World();
  SuspectEmail(51);  // minimum 50
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  orchestration::OrderEntryOptions crashing;
  crashing.crash_after_step = orchestration::kStepFraudEvaluated;
  auto doomed = suite->ExtraFrontDoor(crashing);
  EXPECT_EQ(Submit(&order, "submit", doomed.get()).error_code(), grpc::StatusCode::UNAVAILABLE);
  auto holds = [&] {
    grpc::ClientContext ctx;
    hold::v1::ListOrderHoldsRequest list;
    list.set_order_id(order.order_id());
    hold::v1::ListOrderHoldsResponse listed;
    EXPECT_TRUE(suite->holds->ListOrderHolds(&ctx, list, &listed).ok());
    return listed;
  };
  ASSERT_TRUE(holds().has_open_holds());  // placed before the "crash"
  ASSERT_TRUE(suite->front_door().recovery().Run(absl::ZeroDuration()).ok());
  hold::v1::ListOrderHoldsResponse after = holds();
  EXPECT_FALSE(after.has_open_holds());
  ASSERT_EQ(after.holds_size(), 1);
  EXPECT_EQ(after.holds(0).cleared_by(), "system");
  Order recovered = Get(order.order_id());
  EXPECT_EQ(recovered.status(), common::v1::ORDER_STATUS_DRAFT);
  EXPECT_EQ(recovered.holds_size(), 0);
  // Paid again and submitted, the order is held afresh.
  ASSERT_TRUE(Pay(&recovered, "tok_4242", "pay-again").ok());
  ASSERT_TRUE(Submit(&recovered, "submit-again").ok());
  EXPECT_EQ(recovered.status(), common::v1::ORDER_STATUS_ON_HOLD);
  ASSERT_EQ(recovered.holds_size(), 1);
  EXPECT_TRUE(recovered.holds(0).open());
  EXPECT_TRUE(holds().has_open_holds());
}

// ---------------------------------------------------------- continuity

}  // namespace
}  // namespace callcenter::testing
