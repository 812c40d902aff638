// Holds and cancellation: fraud holds and who may clear them, manual holds,
// cancellations voiding payments and releasing coupons. End to end through the
// front door (front_door_fixture.h).
#include "tests/e2e/front_door_fixture.h"

namespace callcenter::testing {
namespace {

TEST_F(FrontDoorTest, FraudHoldClearedOnlyByAPermittedUser) {
  World();
  SuspectEmail(51);  // minimum 50
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  const double held_before = Metric("submits_total{outcome=\"on_hold\"}");
  ASSERT_TRUE(Submit(&order).ok());
  EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_ON_HOLD);
  EXPECT_EQ(Metric("submits_total{outcome=\"on_hold\"}"), held_before + 1);
  EXPECT_EQ(order.fraud_score(), 51);
  ASSERT_EQ(order.holds_size(), 1);
  EXPECT_EQ(order.holds(0).hold_code(), "FRAUD");
  EXPECT_TRUE(order.holds(0).open());
  ASSERT_GE(order.events_size(), 2);
  EXPECT_EQ(order.events(order.events_size() - 2).kind(), "submitted");
  EXPECT_EQ(order.events(order.events_size() - 1).kind(), "held");
  fd::ClearHoldRequest clear;
  clear.set_request_id(Id("clear1"));
  clear.set_order_id(order.order_id());
  clear.set_hold_id(order.holds(0).hold_id());
  clear.set_reason("called the customer back");
  fd::ClearHoldResponse cleared;
  EXPECT_EQ(suite->front->ClearHold(suite->As(Id("agent")).get(), clear, &cleared).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  clear.set_request_id(Id("clear2"));
  ASSERT_TRUE(suite->front->ClearHold(suite->As(Id("super")).get(), clear, &cleared).ok());
  EXPECT_EQ(cleared.order().status(), common::v1::ORDER_STATUS_CONFIRMED);
  EXPECT_FALSE(cleared.order().holds(0).open());
  EXPECT_EQ(cleared.order().holds(0).cleared_by(), Id("super"));
  // Clearing again is harmless.
  clear.set_request_id(Id("clear3"));
  EXPECT_TRUE(suite->front->ClearHold(suite->As(Id("super")).get(), clear, &cleared).ok());
}

TEST_F(FrontDoorTest, ScoreAtTheMinimumPlacesNoHold) {
  Features f;
  f.min_fraud_score = 51;
  World(f);
  SuspectEmail(51);
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  ASSERT_TRUE(Submit(&order).ok());
  EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(order.fraud_score(), 51);
}

TEST_F(FrontDoorTest, ManualHoldWithNoteThenCleared) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  fd::PlaceHoldRequest place;
  place.set_request_id(Id("hold"));
  place.set_order_id(order.order_id());
  place.set_hold_code("FRAUD");
  fd::PlaceHoldResponse placed;
  EXPECT_EQ(suite->front->PlaceHold(suite->As(Id("agent")).get(), place, &placed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // no note
  place.set_note("customer wants to think it over");
  ASSERT_TRUE(suite->front->PlaceHold(suite->As(Id("agent")).get(), place, &placed).ok());
  EXPECT_EQ(placed.order().status(), common::v1::ORDER_STATUS_ON_HOLD);
  ASSERT_EQ(placed.order().holds_size(), 1);
  fd::ClearHoldRequest clear;
  clear.set_request_id(Id("clear"));
  clear.set_order_id(order.order_id());
  clear.set_hold_id(placed.order().holds(0).hold_id());
  clear.set_reason("customer decided");
  fd::ClearHoldResponse cleared;
  ASSERT_TRUE(suite->front->ClearHold(suite->As(Id("super")).get(), clear, &cleared).ok());
  EXPECT_EQ(cleared.order().status(), common::v1::ORDER_STATUS_CONFIRMED);
}

// ------------------------------------------------------------- cancel

// The front door stops between saving a cancellation and voiding: the
// order shows the payment VOIDED (nothing counts it) while the payment
// service still holds it; recovery finishes the voids.
TEST_F(FrontDoorTest, ACancellationInterruptedBeforeItsVoidsIsFinished) {
  World();
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 1).ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  orchestration::OrderEntryOptions crashing;
  crashing.crash_after_step = orchestration::kStepCancelSaved;
  auto doomed = suite->ExtraFrontDoor(crashing);
  fd::CancelOrderRequest cancel;
  cancel.set_request_id(Id("cancel"));
  cancel.set_order_id(order.order_id());
  cancel.set_reason("customer changed mind");
  fd::CancelOrderResponse cancelled;
  EXPECT_EQ(doomed->CancelOrder(suite->As(Id("super")).get(), cancel, &cancelled).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  Order after = Get(order.order_id());
  EXPECT_EQ(after.status(), common::v1::ORDER_STATUS_CANCELED);
  EXPECT_EQ(after.payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  const std::string payment_id = after.payments(0).payment_id();
  EXPECT_EQ(PaymentStatus(order.order_id(), payment_id), common::v1::PAYMENT_STATUS_AUTHORIZED);
  auto settled = suite->front_door().recovery().Run(absl::ZeroDuration());
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_GE(*settled, 1);
  EXPECT_EQ(PaymentStatus(order.order_id(), payment_id), common::v1::PAYMENT_STATUS_VOIDED);
  // A cancellation refused before its save leaves nothing for recovery.
  Order kept = Start("", Id("start-kept"));
  cancel.set_request_id(Id("cancel-refused"));
  cancel.set_order_id(kept.order_id());
  EXPECT_EQ(
      suite->front->CancelOrder(suite->As(Id("agent")).get(), cancel, &cancelled).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);  // agent may not cancel
  settled = suite->front_door().recovery().Run(absl::ZeroDuration());
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(*settled, 0);
}

TEST_F(FrontDoorTest, CancelVoidsPaymentsAndReleasesCoupons) {
  Order order = PaidDraftWithCoupon("ONCE", 1000, 1);
  fd::PlaceHoldRequest place;
  place.set_request_id(Id("hold"));
  place.set_order_id(order.order_id());
  place.set_hold_code("FRAUD");
  place.set_note("check");
  fd::PlaceHoldResponse placed;
  ASSERT_TRUE(suite->front->PlaceHold(suite->As(Id("agent")).get(), place, &placed).ok());
  fd::CancelOrderRequest cancel;
  cancel.set_request_id(Id("cancel"));
  cancel.set_order_id(order.order_id());
  cancel.set_reason("customer changed mind");
  fd::CancelOrderResponse cancelled;
  EXPECT_EQ(
      suite->front->CancelOrder(suite->As(Id("agent")).get(), cancel, &cancelled).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);  // may_cancel is false
  cancel.set_request_id(Id("cancel2"));
  ASSERT_TRUE(suite->front->CancelOrder(suite->As(Id("super")).get(), cancel, &cancelled).ok());
  EXPECT_EQ(cancelled.order().status(), common::v1::ORDER_STATUS_CANCELED);
  EXPECT_EQ(cancelled.order().payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(cancelled.order().paid_total().minor_units(), 0);
  // The coupon's one use was released: another order may use it.
  Order other;
  other = Start("", Id("start-2"));
  ASSERT_TRUE(AddLine(&other, "A", 1, Id("l2")).ok());
  fd::ApplyCouponRequest apply;
  apply.set_request_id(Id("c2"));
  apply.set_order_id(other.order_id());
  apply.set_coupon_code(Id("ONCE"));
  fd::ApplyCouponResponse applied;
  EXPECT_TRUE(suite->front->ApplyCoupon(suite->As(Id("agent")).get(), apply, &applied).ok());
}

// PlaceHold writes two services: the hold service first, then the order.
// When the order cannot record the hold, the hold is released: a hold
// exists only where its order shows it. When the save did commit (its
// reply lost), the hold stands.
TEST_F(FrontDoorTest, AHoldTheOrderCouldNotRecordIsReleased) {
  World();
  auto hold_through_failing_saves = [&](const std::string& name, bool commit, Order* after) {
    Order order = Start("", Id("start-" + name));
    EXPECT_TRUE(AddLine(&order, "A", 1, name + "-line").ok());
    auto front = suite->ExtraFrontDoor({}, FailingSaves("PlaceHold", commit));
    fd::PlaceHoldRequest place;
    place.set_request_id(Id(name + "-hold"));
    place.set_order_id(order.order_id());
    place.set_hold_code("FRAUD");
    place.set_note("the customer will call back");
    fd::PlaceHoldResponse placed;
    const grpc::StatusCode code =
        front->PlaceHold(suite->As(Id("agent")).get(), place, &placed).error_code();
    *after = Get(order.order_id());
    return code;
  };
  auto open_holds = [&](const std::string& order_id) {
    grpc::ClientContext ctx;
    hold::v1::ListOrderHoldsRequest list;
    list.set_order_id(order_id);
    hold::v1::ListOrderHoldsResponse listed;
    EXPECT_TRUE(suite->holds->ListOrderHolds(&ctx, list, &listed).ok());
    int open = 0;
    for (const auto& h : listed.holds()) open += h.open();
    return open;
  };

  Order after;
  EXPECT_EQ(hold_through_failing_saves("refused", /*commit=*/false, &after),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(after.holds_size(), 0);
  EXPECT_EQ(after.status(), common::v1::ORDER_STATUS_DRAFT);
  EXPECT_EQ(open_holds(after.order_id()), 0);  // released, not orphaned
  EXPECT_EQ(after.events(after.events_size() - 1).kind(), "hold_released");

  EXPECT_EQ(hold_through_failing_saves("lost", /*commit=*/true, &after),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  ASSERT_EQ(after.holds_size(), 1);  // the order shows it: it stands
  EXPECT_EQ(after.status(), common::v1::ORDER_STATUS_ON_HOLD);
  EXPECT_EQ(open_holds(after.order_id()), 1);
}

}  // namespace
}  // namespace callcenter::testing
