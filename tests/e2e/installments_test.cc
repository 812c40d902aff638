// Installment billing (DOMAIN 11) through the front door: a card or
// on-account payment taken with a payment schedule that the order's source
// code offers, split into installments (equal, rounded down, the remainder
// on the last); the first authorised when added and captured at submit,
// the rest captured by FulfillmentService.RunInstallments when due (each
// once, also under a crash); a decline puts the order on hold PAYMENT with
// the installment's amount due again; shipments capture nothing of it.
#include <thread>

#include "absl/time/civil_time.h"
#include "tests/e2e/front_door_fixture.h"

namespace callcenter::testing {
namespace {

class InstallmentsTest : public FrontDoorTest {
 protected:
  // World, then: product P (`price`, installment eligible), the customer
  // eligible, source code CAT offering schedule "plan" (`installments`
  // every 30 days, orders from `min_order`), and a warehouse user.
  void InstallmentWorld(int64_t price, int32_t installments, int64_t min_order = 0) {
    World();
    {
      grpc::ClientContext ctx;
      pricing::v1::UpsertProductRequest req;
      auto* p = req.mutable_product();
      p->set_product_id(Id("P"));
      p->set_name("Espresso machine");
      *p->mutable_base_price() = Usd(price);
      *p->mutable_unit_cost() = Usd(price / 4);
      p->set_installment_eligible(true);
      pricing::v1::UpsertProductResponse resp;
      ASSERT_TRUE(suite->pricing->UpsertProduct(&ctx, req, &resp).ok());
    }
    EditCustomer([](order::v1::Customer& c) {
      c.set_installment_eligible(true);
      c.set_allow_on_account(true);
      c.mutable_credit_limit()->set_currency("USD");
      c.mutable_credit_limit()->set_minor_units(10000000);
    });
    {
      grpc::ClientContext ctx;
      guidedselling::v1::UpsertSourceCodeRequest req;
      req.mutable_source_code()->set_source_code(Id("CAT"));
      req.mutable_source_code()->set_catalog_id("HOME-2027");
      req.mutable_source_code()->add_payment_schedule_ids(Id("plan"));
      guidedselling::v1::UpsertSourceCodeResponse resp;
      ASSERT_TRUE(suite->selling->UpsertSourceCode(&ctx, req, &resp).ok());
    }
    {
      grpc::ClientContext ctx;
      payment::v1::UpsertPaymentScheduleRequest req;
      auto* s = req.mutable_payment_schedule();
      s->set_schedule_id(Id("plan"));
      s->set_installments(installments);
      s->set_interval_days(30);
      *s->mutable_min_order_amount() = Usd(min_order);
      payment::v1::UpsertPaymentScheduleResponse resp;
      ASSERT_TRUE(suite->payments->UpsertPaymentSchedule(&ctx, req, &resp).ok());
    }
    Warehouse("wh", Id("cc"));
  }

  // A draft from source code CAT with `units` of P.
  Order Draft(int units = 1, const std::string& tag = "") {
    Order order = Start(Id("CAT"), Id("start" + tag));
    EXPECT_TRUE(AddLine(&order, "P", units, Id("line" + tag)).ok());
    return order;
  }

  grpc::Status PayInInstallments(Order* order, const std::string& rid,
                                 common::v1::PaymentMethod method = common::v1::PAYMENT_METHOD_CARD,
                                 const std::string& token = "tok_4242",
                                 const std::string& schedule = "plan") {
    fd::AddPaymentRequest req;
    req.set_request_id(Id(rid));
    req.set_order_id(order->order_id());
    req.set_method(method);
    if (method == common::v1::PAYMENT_METHOD_CARD) req.set_card_token(token);
    if (method == common::v1::PAYMENT_METHOD_CHECK) req.set_check_number("1001");
    req.set_schedule_id(Id(schedule));
    fd::AddPaymentResponse resp;
    grpc::Status s = suite->front->AddPayment(suite->As(Id("agent")).get(), req, &resp);
    if (s.ok()) *order = resp.order();
    return s;
  }

  grpc::Status Run(int days_from_today, fd::RunInstallmentsResponse* out,
                   fd::FulfillmentService::Stub* stub = nullptr, const std::string& user = "wh") {
    fd::RunInstallmentsRequest req;
    req.set_as_of(Day(days_from_today));
    *out = fd::RunInstallmentsResponse();
    return (stub ? stub : suite->fulfillment.get())
        ->RunInstallments(suite->As(Id(user)).get(), req, out);
  }

  static std::string Day(int days_from_today) {
    return absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) +
                                 days_from_today);
  }

  static std::vector<int64_t> Amounts(const common::v1::OrderPayment& p) {
    std::vector<int64_t> out;
    for (const auto& i : p.installments()) out.push_back(i.amount().minor_units());
    return out;
  }
  static std::vector<common::v1::PaymentStatus> Statuses(const common::v1::OrderPayment& p) {
    std::vector<common::v1::PaymentStatus> out;
    for (const auto& i : p.installments()) out.push_back(i.status());
    return out;
  }

  // A refusal that names `needle` and leaves the order as it was.
  void ExpectRefused(Order order, const std::string& rid, grpc::StatusCode code,
                     const std::string& needle,
                     common::v1::PaymentMethod method = common::v1::PAYMENT_METHOD_CARD,
                     const std::string& schedule = "plan") {
    const int64_t version = Get(order.order_id()).version();
    grpc::Status s = PayInInstallments(&order, rid, method, "tok_4242", schedule);
    EXPECT_EQ(s.error_code(), code) << s.error_message();
    EXPECT_NE(s.error_message().find(needle), std::string::npos) << s.error_message();
    const Order after = Get(order.order_id());
    EXPECT_EQ(after.version(), version);
    EXPECT_EQ(after.payments_size(), 0);
    EXPECT_TRUE(PaymentsOf(order.order_id()).empty());
  }

  // A 100.00 order (5 × P at 20.00) in three installments (33.33, 33.33,
  // 33.34), submitted (the first captured) and shipped whole, with the
  // return reason DAMAGED on the call center.
  Order ShippedInInstallments() {
    InstallmentWorld(2000, 3);
    EditCallCenter(
        [](order::v1::CallCenter& cc) { cc.add_return_reasons()->set_reason_code("DAMAGED"); });
    Order order = Draft(5);
    EXPECT_TRUE(PayInInstallments(&order, "pay").ok());
    EXPECT_TRUE(Submit(&order).ok());
    Order shipped;
    EXPECT_TRUE(Ship(Shipment(order, "S1", {{0, 5}}), &shipped).ok());
    return shipped;
  }

  // StartReturn of `units` of the order's line, reason DAMAGED.
  fd::StartReturnRequest ReturnOf(const Order& order, int units, fd::Disposition disposition) {
    fd::StartReturnRequest req;
    req.set_request_id(Id("ret"));
    req.set_order_id(order.order_id());
    req.set_reason_code("DAMAGED");
    auto* line = req.add_lines();
    line->set_line_id(order.lines(0).line_id());
    line->set_quantity(units);
    line->set_disposition(disposition);
    return req;
  }
};

using common::v1::PAYMENT_STATUS_AUTHORIZED;
using common::v1::PAYMENT_STATUS_CAPTURED;
using common::v1::PAYMENT_STATUS_DECLINED;
using common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED;
using common::v1::PAYMENT_STATUS_PENDING;
using common::v1::PAYMENT_STATUS_VOIDED;

TEST_F(InstallmentsTest, ACardPaidInThreeInstallmentsIsTakenAtSubmitAndThenWhenDue) {
  InstallmentWorld(2000, 3, 5000);
  Order order = Draft(5);  // 100.00
  ASSERT_EQ(order.total().minor_units(), 10000);
  ASSERT_TRUE(PayInInstallments(&order, "pay").ok());
  ASSERT_EQ(order.payments_size(), 1);
  const common::v1::OrderPayment& added = order.payments(0);
  EXPECT_EQ(added.amount().minor_units(), 10000);
  EXPECT_EQ(added.status(), PAYMENT_STATUS_AUTHORIZED);
  EXPECT_EQ(Amounts(added), (std::vector<int64_t>{3333, 3333, 3334}));
  EXPECT_EQ(Statuses(added), (std::vector<common::v1::PaymentStatus>{
                                 PAYMENT_STATUS_AUTHORIZED, PAYMENT_STATUS_PENDING,
                                 PAYMENT_STATUS_PENDING}));
  EXPECT_EQ(added.installments(1).due_on(), Day(30));
  EXPECT_EQ(order.paid_total().minor_units(), 10000);
  EXPECT_EQ(order.balance_due().minor_units(), 0);

  ASSERT_TRUE(Submit(&order).ok());
  EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(order.payments(0).status(), PAYMENT_STATUS_PARTIALLY_CAPTURED);
  EXPECT_EQ(order.payments(0).captured().minor_units(), 3333);
  EXPECT_EQ(order.payments(0).installments(0).status(), PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(order.payments(0).installments(0).due_on(), Day(0));
  EXPECT_EQ(order.payments(0).installments(2).due_on(), Day(60));
  EXPECT_EQ(order.balance_due().minor_units(), 0);

  // Shipping everything captures nothing of an installment payment, and
  // releases nothing of it.
  Order shipped;
  ASSERT_TRUE(Ship(Shipment(order, "S1", {{0, 5}}), &shipped).ok());
  EXPECT_EQ(shipped.status(), common::v1::ORDER_STATUS_SHIPPED);
  EXPECT_EQ(shipped.shipments(0).invoice_amount().minor_units(), 10000);
  EXPECT_EQ(shipped.payments(0).captured().minor_units(), 3333);
  EXPECT_EQ(shipped.payments(0).status(), PAYMENT_STATUS_PARTIALLY_CAPTURED);
  EXPECT_EQ(PaymentsOf(order.order_id())[0].captured().minor_units(), 3333);

  fd::RunInstallmentsResponse run;
  ASSERT_TRUE(Run(29, &run).ok());
  EXPECT_EQ(run.captured(), 0);
  ASSERT_TRUE(Run(30, &run).ok());
  EXPECT_EQ(run.captured(), 1);
  EXPECT_EQ(run.declined(), 0);
  Order after = Get(order.order_id());
  EXPECT_EQ(after.payments(0).captured().minor_units(), 6666);
  EXPECT_EQ(Statuses(after.payments(0)), (std::vector<common::v1::PaymentStatus>{
                                             PAYMENT_STATUS_CAPTURED, PAYMENT_STATUS_CAPTURED,
                                             PAYMENT_STATUS_PENDING}));
  // The same date again captures nothing more.
  ASSERT_TRUE(Run(30, &run).ok());
  EXPECT_EQ(run.captured(), 0);
  EXPECT_EQ(Get(order.order_id()).version(), after.version());

  ASSERT_TRUE(Run(90, &run).ok());
  EXPECT_EQ(run.captured(), 1);
  after = Get(order.order_id());
  EXPECT_EQ(after.payments(0).status(), PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(after.payments(0).captured().minor_units(), 10000);
  EXPECT_EQ(after.paid_total().minor_units(), 10000);
  EXPECT_EQ(CountEvents(after, "payment_captured"), 3);
  const payment::v1::Payment stored = PaymentsOf(order.order_id())[0];
  EXPECT_EQ(stored.captured().minor_units(), 10000);
  EXPECT_EQ(stored.status(), PAYMENT_STATUS_CAPTURED);
}

TEST_F(InstallmentsTest, OneInstallmentIsTheWholeAmountTakenAtSubmit) {
  InstallmentWorld(2000, 1);
  Order order = Draft(3);
  ASSERT_TRUE(PayInInstallments(&order, "pay", common::v1::PAYMENT_METHOD_ON_ACCOUNT).ok());
  EXPECT_EQ(Amounts(order.payments(0)), (std::vector<int64_t>{6000}));
  ASSERT_TRUE(Submit(&order).ok());
  EXPECT_EQ(order.payments(0).status(), PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(order.payments(0).captured().minor_units(), 6000);
  fd::RunInstallmentsResponse run;
  ASSERT_TRUE(Run(400, &run).ok());
  EXPECT_EQ(run.captured(), 0);
}

TEST_F(InstallmentsTest, OnlyWhatTheSourceCodeOffersToEligibleCustomersAndProducts) {
  InstallmentWorld(2000, 3, 5000);
  // Below the schedule's minimum order (50.00).
  ExpectRefused(Draft(2, "-small"), "pay-small", grpc::StatusCode::FAILED_PRECONDITION,
                "at least 50.00");
  // Only cards and on-account payments are split.
  ExpectRefused(Draft(5, "-check"), "pay-check", grpc::StatusCode::INVALID_ARGUMENT, "method",
                common::v1::PAYMENT_METHOD_CHECK);
  // A schedule the source code does not offer.
  ExpectRefused(Draft(5, "-other"), "pay-other", grpc::StatusCode::FAILED_PRECONDITION,
                "does not offer", common::v1::PAYMENT_METHOD_CARD, "weekly");
  // No source code at all.
  {
    Order order = Start("", Id("start-nosource"));
    ASSERT_TRUE(AddLine(&order, "P", 5, Id("line-nosource")).ok());
    ExpectRefused(order, "pay-nosource", grpc::StatusCode::FAILED_PRECONDITION, "source code");
  }
  // A product not eligible (A) on the order.
  {
    Order order = Draft(5, "-mixed");
    ASSERT_TRUE(AddLine(&order, "A", 1, Id("line-a")).ok());
    ExpectRefused(order, "pay-mixed", grpc::StatusCode::FAILED_PRECONDITION, Id("A"));
  }
  // A customer not eligible.
  Order order = Draft(5, "-cust");
  EditCustomer([](order::v1::Customer& c) { c.set_installment_eligible(false); });
  ExpectRefused(order, "pay-cust", grpc::StatusCode::FAILED_PRECONDITION, "customer");
}

TEST_F(InstallmentsTest, ADeclinedInstallmentHoldsTheOrderUntilAnotherPaymentCoversIt) {
  // 200.01 in 2: 100.00 then 100.01; a 0005 card declines above 100.00.
  InstallmentWorld(20001, 2);
  Order order = Draft(1);
  ASSERT_EQ(order.total().minor_units(), 20001);
  ASSERT_TRUE(PayInInstallments(&order, "pay", common::v1::PAYMENT_METHOD_CARD, "tok_0005").ok());
  EXPECT_EQ(Amounts(order.payments(0)), (std::vector<int64_t>{10000, 10001}));
  ASSERT_TRUE(Submit(&order).ok());
  EXPECT_EQ(order.payments(0).captured().minor_units(), 10000);

  fd::RunInstallmentsResponse run;
  ASSERT_TRUE(Run(30, &run).ok());
  EXPECT_EQ(run.captured(), 0);
  EXPECT_EQ(run.declined(), 1);
  Order held = Get(order.order_id());
  EXPECT_EQ(held.payments(0).installments(1).status(), PAYMENT_STATUS_DECLINED);
  EXPECT_EQ(held.payments(0).decline_reason(), "insufficient funds");
  EXPECT_EQ(held.paid_total().minor_units(), 10000);
  EXPECT_EQ(held.balance_due().minor_units(), 10001);
  ASSERT_EQ(held.holds_size(), 1);
  EXPECT_EQ(held.holds(0).hold_code(), "PAYMENT");
  EXPECT_TRUE(held.holds(0).open());
  EXPECT_EQ(CountEvents(held, "capture_declined"), 1);
  // Held: no shipment until the hold is cleared.
  Order ignored;
  EXPECT_EQ(Ship(Shipment(held, "S1", {{0, 1}}), &ignored).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // Each installment once: a later run does not ask again.
  ASSERT_TRUE(Run(60, &run).ok());
  EXPECT_EQ(run.declined(), 0);

  // The agent takes another card for the balance due and clears the hold.
  ASSERT_TRUE(Pay(&held, "tok_4242", "balance").ok());
  EXPECT_EQ(held.balance_due().minor_units(), 0);
  EXPECT_EQ(held.payments(1).amount().minor_units(), 10001);
  fd::ClearHoldRequest clear;
  clear.set_request_id(Id("clear"));
  clear.set_order_id(held.order_id());
  clear.set_hold_id(held.holds(0).hold_id());
  clear.set_reason("paid by another card");
  fd::ClearHoldResponse cleared;
  ASSERT_TRUE(suite->front->ClearHold(suite->As(Id("super")).get(), clear, &cleared).ok());
  EXPECT_EQ(cleared.order().status(), common::v1::ORDER_STATUS_CONFIRMED);
  // The shipment's invoice takes the new card; nothing of the schedule.
  Order shipped;
  ASSERT_TRUE(Ship(Shipment(held, "S2", {{0, 1}}), &shipped).ok());
  EXPECT_EQ(shipped.payments(1).captured().minor_units(), 10001);
  EXPECT_EQ(shipped.payments(0).captured().minor_units(), 10000);
}

TEST_F(InstallmentsTest, ARunInterruptedAfterItsCapturesIsShownByRecoveryAndNeverTakesTwice) {
  InstallmentWorld(3000, 3);
  Order order = Draft(3);  // 90.00: 30.00 each
  ASSERT_TRUE(PayInInstallments(&order, "pay").ok());
  ASSERT_TRUE(Submit(&order).ok());
  orchestration::OrderEntryOptions crashing;
  crashing.crash_after_step = orchestration::kStepInstallmentsCaptured;
  auto doomed = suite->ExtraFulfillment(crashing);
  fd::RunInstallmentsResponse run;
  EXPECT_EQ(Run(30, &run, doomed.get()).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(PaymentsOf(order.order_id())[0].captured().minor_units(), 6000);
  EXPECT_EQ(Get(order.order_id()).payments(0).captured().minor_units(), 3000);  // not shown yet

  ASSERT_TRUE(suite->front_door().recovery().Run(absl::ZeroDuration()).ok());
  Order after = Get(order.order_id());
  EXPECT_EQ(after.payments(0).captured().minor_units(), 6000);
  EXPECT_EQ(after.payments(0).installments(1).status(), PAYMENT_STATUS_CAPTURED);
  // The same date again: nothing more taken.
  ASSERT_TRUE(Run(30, &run).ok());
  EXPECT_EQ(run.captured(), 0);
  EXPECT_EQ(PaymentsOf(order.order_id())[0].captured().minor_units(), 6000);
}

// Two front doors (replicas) running the same date at once, as two
// schedulers might: each installment is captured once, by one of them.
TEST_F(InstallmentsTest, TwoFrontDoorsRunningTheSameDateTakeEachInstallmentOnce) {
  InstallmentWorld(3000, 2);
  constexpr int kOrders = 6;
  std::vector<std::string> order_ids;
  for (int i = 0; i < kOrders; ++i) {
    const std::string tag = "-" + std::to_string(i);
    Order order = Draft(2, tag);  // 60.00: 30.00 twice
    ASSERT_TRUE(PayInInstallments(&order, "pay" + tag).ok());
    ASSERT_TRUE(Submit(&order, "submit" + tag).ok());
    order_ids.push_back(order.order_id());
  }
  auto second = suite->ExtraFulfillment({});
  fd::RunInstallmentsResponse a, b;
  grpc::Status sa, sb;
  std::thread first([&] { sa = Run(30, &a); });
  std::thread other([&] { sb = Run(30, &b, second.get()); });
  first.join();
  other.join();
  // A run that met the other's lock on an order may fail that order; run
  // again, as a scheduler retries: still nothing is taken twice.
  if (!sa.ok() || !sb.ok()) {
    fd::RunInstallmentsResponse again;
    ASSERT_TRUE(Run(30, &again).ok());
    a.set_captured(a.captured() + again.captured());
  }
  EXPECT_EQ(a.captured() + b.captured(), kOrders);
  for (const std::string& id : order_ids) {
    EXPECT_EQ(PaymentsOf(id)[0].captured().minor_units(), 6000) << id;
    const Order after = Get(id);
    EXPECT_EQ(after.payments(0).status(), PAYMENT_STATUS_CAPTURED) << id;
    EXPECT_EQ(CountEvents(after, "payment_captured"), 2) << id;
  }
}

TEST_F(InstallmentsTest, CancelingAHeldOrderGivesBackWhatItsInstallmentsTook) {
  InstallmentWorld(3000, 3);
  Order order = Draft(3);
  ASSERT_TRUE(PayInInstallments(&order, "pay").ok());
  ASSERT_TRUE(Submit(&order).ok());
  {
    grpc::ClientContext ctx;
    hold::v1::UpsertHoldCodeRequest req;
    req.mutable_hold_code()->set_hold_code("CUSTOMER_REQUEST");
    req.mutable_hold_code()->set_description("At the customer's request");
    req.mutable_hold_code()->set_active(true);
    hold::v1::UpsertHoldCodeResponse resp;
    ASSERT_TRUE(suite->holds->UpsertHoldCode(&ctx, req, &resp).ok());
  }
  fd::PlaceHoldRequest place;
  place.set_request_id(Id("hold"));
  place.set_order_id(order.order_id());
  place.set_hold_code("CUSTOMER_REQUEST");
  place.set_note("customer may cancel");
  fd::PlaceHoldResponse placed;
  grpc::Status s = suite->front->PlaceHold(suite->As(Id("super")).get(), place, &placed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(placed.order().status(), common::v1::ORDER_STATUS_ON_HOLD);
  fd::CancelOrderRequest cancel;
  cancel.set_request_id(Id("cancel"));
  cancel.set_order_id(order.order_id());
  cancel.set_reason("changed their mind");
  fd::CancelOrderResponse canceled;
  s = suite->front->CancelOrder(suite->As(Id("super")).get(), cancel, &canceled);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(canceled.order().status(), common::v1::ORDER_STATUS_CANCELED);
  EXPECT_EQ(canceled.order().payments(0).status(), PAYMENT_STATUS_VOIDED);
  const payment::v1::Payment stored = PaymentsOf(order.order_id())[0];
  EXPECT_EQ(stored.status(), PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(stored.captured().minor_units(), 0);
  fd::RunInstallmentsResponse run;
  ASSERT_TRUE(Run(90, &run).ok());
  EXPECT_EQ(run.captured(), 0);
}

// A cancellation notice cancels the units a partly shipped order still
// waits for: the order then owes less than its plan, and the installments
// still due take no more than that (the next one lowered, the last one
// released), never the plan's amounts.
TEST_F(InstallmentsTest, InstallmentsTakeNoMoreThanAnOrderOwesAfterItsLinesAreCanceled) {
  InstallmentWorld(2000, 3);
  Order order = Draft(5);  // 100.00: 33.33, 33.33, 33.34
  ASSERT_TRUE(PayInInstallments(&order, "pay").ok());
  ASSERT_TRUE(Submit(&order).ok());
  ASSERT_EQ(order.payments(0).captured().minor_units(), 3333);
  Order shipped;
  ASSERT_TRUE(Ship(Shipment(order, "S1", {{0, 2}}), &shipped).ok());  // 40.00 of goods
  EditCallCenter([](order::v1::CallCenter& cc) { cc.set_cancellation_notice_days(1); });
  fd::RunDelayedOrderNoticesRequest notices;
  notices.set_as_of(Day(1));
  fd::RunDelayedOrderNoticesResponse noticed;
  grpc::Status s =
      suite->fulfillment->RunDelayedOrderNotices(suite->As(Id("wh")).get(), notices, &noticed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  Order canceled = Get(order.order_id());
  ASSERT_EQ(canceled.lines(0).canceled_quantity(), 3);
  EXPECT_EQ(canceled.status(), common::v1::ORDER_STATUS_SHIPPED);

  // Due: 33.33 planned, 6.67 still owed (40.00 less the 33.33 taken).
  fd::RunInstallmentsResponse run;
  ASSERT_TRUE(Run(30, &run).ok());
  EXPECT_EQ(run.captured(), 1);
  Order after = Get(order.order_id());
  EXPECT_EQ(after.payments(0).captured().minor_units(), 4000);
  EXPECT_EQ(after.payments(0).amount().minor_units(), 4000 + 3334);
  EXPECT_EQ(Amounts(after.payments(0)), (std::vector<int64_t>{3333, 667, 3334}));
  // Nothing more owed: the last is released, nothing taken.
  ASSERT_TRUE(Run(60, &run).ok());
  EXPECT_EQ(run.captured(), 0);
  after = Get(order.order_id());
  EXPECT_EQ(Statuses(after.payments(0)), (std::vector<common::v1::PaymentStatus>{
                                             PAYMENT_STATUS_CAPTURED, PAYMENT_STATUS_CAPTURED,
                                             PAYMENT_STATUS_VOIDED}));
  EXPECT_EQ(Amounts(after.payments(0)), (std::vector<int64_t>{3333, 667, 0}));
  EXPECT_EQ(after.payments(0).amount().minor_units(), 4000);
  EXPECT_EQ(after.payments(0).status(), PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(after.paid_total().minor_units(), 4000);
  EXPECT_EQ(after.balance_due().minor_units(), 0);
  EXPECT_EQ(CountEvents(after, "payment_released"), 1);
  const payment::v1::Payment stored = PaymentsOf(order.order_id())[0];
  EXPECT_EQ(stored.captured().minor_units(), 4000);
  EXPECT_EQ(stored.amount().minor_units(), 4000);
  EXPECT_EQ(stored.status(), PAYMENT_STATUS_CAPTURED);
  // The same dates again take nothing more.
  ASSERT_TRUE(Run(90, &run).ok());
  EXPECT_EQ(run.captured(), 0);
  EXPECT_EQ(PaymentsOf(order.order_id())[0].captured().minor_units(), 4000);
}

// Goods returned while installments are still to come: the credit is
// refunded from what was captured, and the rest comes off the installments
// still due, so the customer pays for what was kept and nothing more.
TEST_F(InstallmentsTest, AReturnBeyondWhatWasCapturedComesOffTheInstallmentsStillDue) {
  const Order order = ShippedInInstallments();
  const int64_t refunded_before = suite->connector->refunded_total();

  // 4 of the 5 units back: 80.00 of credit, of which 33.33 was captured.
  const fd::StartReturnRequest req = ReturnOf(order, 4, fd::DISPOSITION_CREDIT_ONLY);
  fd::StartReturnResponse started;
  grpc::Status s = suite->front->StartReturn(suite->As(Id("agent")).get(), req, &started);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const fd::ReturnOrder& ret = started.return_order();
  EXPECT_EQ(ret.status(), fd::RETURN_STATUS_REFUNDED);
  EXPECT_EQ(ret.credit_total().minor_units(), 8000);
  EXPECT_EQ(ret.refunded().minor_units(), 3333);
  EXPECT_EQ(ret.installments_credit().minor_units(), 8000 - 3333);
  EXPECT_EQ(suite->connector->refunded_total() - refunded_before, 3333);
  Order after = Get(order.order_id());
  EXPECT_EQ(after.installments_credit().minor_units(), 4667);
  EXPECT_EQ(after.balance_due().minor_units(), 0);
  // Still owed for the unit kept: 20.00 (the 33.33 taken was refunded). The
  // plan shows it at once: the second installment lowered to 20.00, the
  // third released.
  EXPECT_EQ(Amounts(after.payments(0)), (std::vector<int64_t>{3333, 2000, 0}));
  EXPECT_EQ(Statuses(after.payments(0)),
            (std::vector<common::v1::PaymentStatus>{PAYMENT_STATUS_CAPTURED, PAYMENT_STATUS_PENDING,
                                                    PAYMENT_STATUS_VOIDED}));
  EXPECT_EQ(after.payments(0).amount().minor_units(), 5333);
  EXPECT_EQ(after.payments(0).status(), PAYMENT_STATUS_PARTIALLY_CAPTURED);
  EXPECT_EQ(CountEvents(after, "payment_released"), 2);  // the second lowered, the third
  EXPECT_EQ(PaymentsOf(order.order_id())[0].amount().minor_units(), 5333);
  // The same request again credits and lowers nothing more.
  ASSERT_TRUE(suite->front->StartReturn(suite->As(Id("agent")).get(), req, &started).ok());
  after = Get(order.order_id());
  EXPECT_EQ(after.installments_credit().minor_units(), 4667);
  EXPECT_EQ(Amounts(after.payments(0)), (std::vector<int64_t>{3333, 2000, 0}));
  EXPECT_EQ(CountEvents(after, "payment_released"), 2);

  // The runs take what the plan shows: 20.00, then nothing.
  fd::RunInstallmentsResponse run;
  ASSERT_TRUE(Run(30, &run).ok());
  EXPECT_EQ(run.captured(), 1);
  ASSERT_TRUE(Run(60, &run).ok());
  EXPECT_EQ(run.captured(), 0);
  after = Get(order.order_id());
  EXPECT_EQ(Amounts(after.payments(0)), (std::vector<int64_t>{3333, 2000, 0}));
  EXPECT_EQ(Statuses(after.payments(0)),
            (std::vector<common::v1::PaymentStatus>{
                PAYMENT_STATUS_CAPTURED, PAYMENT_STATUS_CAPTURED, PAYMENT_STATUS_VOIDED}));
  const payment::v1::Payment stored = PaymentsOf(order.order_id())[0];
  EXPECT_EQ(stored.captured().minor_units(), 5333);
  EXPECT_EQ(stored.refunded().minor_units(), 3333);
  EXPECT_EQ(stored.captured().minor_units() - stored.refunded().minor_units(), 2000);  // 1 unit
  EXPECT_EQ(after.balance_due().minor_units(), 0);
}

// Credited when the goods come back (CREDIT): the receipt settles the
// return, and the plan is lowered then.
TEST_F(InstallmentsTest, AReturnCreditedOnReceiptLowersThePlanThen) {
  const Order order = ShippedInInstallments();
  const fd::StartReturnRequest req = ReturnOf(order, 5, fd::DISPOSITION_CREDIT);
  fd::StartReturnResponse started;
  ASSERT_TRUE(suite->front->StartReturn(suite->As(Id("agent")).get(), req, &started).ok());
  EXPECT_EQ(started.return_order().status(), fd::RETURN_STATUS_AWAITING_RECEIPT);
  EXPECT_EQ(Amounts(Get(order.order_id()).payments(0)),
            (std::vector<int64_t>{3333, 3333, 3334}));  // nothing credited yet

  // Everything back: 100.00 of credit, 33.33 refunded, 66.67 off the plan.
  fd::RecordReturnReceiptRequest receipt;
  receipt.set_request_id(Id("rcv"));
  receipt.set_return_id(started.return_order().return_id());
  auto* back = receipt.add_lines();
  back->set_line_id(order.lines(0).line_id());
  back->set_quantity(5);
  fd::RecordReturnReceiptResponse received;
  grpc::Status s =
      suite->fulfillment->RecordReturnReceipt(suite->As(Id("wh")).get(), receipt, &received);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(received.return_order().status(), fd::RETURN_STATUS_REFUNDED);
  EXPECT_EQ(received.return_order().refunded().minor_units(), 3333);
  EXPECT_EQ(received.return_order().installments_credit().minor_units(), 6667);
  const Order after = Get(order.order_id());
  EXPECT_EQ(Amounts(after.payments(0)), (std::vector<int64_t>{3333, 0, 0}));
  EXPECT_EQ(after.payments(0).status(), PAYMENT_STATUS_CAPTURED);  // nothing left to take
  EXPECT_EQ(after.balance_due().minor_units(), 0);
  fd::RunInstallmentsResponse run;
  ASSERT_TRUE(Run(60, &run).ok());
  EXPECT_EQ(run.captured(), 0);
  const payment::v1::Payment stored = PaymentsOf(order.order_id())[0];
  EXPECT_EQ(stored.captured().minor_units(), stored.refunded().minor_units());  // nothing kept
}

// Shipped, then its last installment declined (hold PAYMENT, its amount
// due again), then the goods come back: the credit beyond the capture
// comes off that balance due, so nothing is owed for goods given back.
TEST_F(InstallmentsTest, AReturnAfterADeclinedInstallmentTakesItsBalanceDueOff) {
  // 200.01 in 2: 100.00 then 100.01; a 0005 card declines above 100.00.
  InstallmentWorld(20001, 2);
  EditCallCenter(
      [](order::v1::CallCenter& cc) { cc.add_return_reasons()->set_reason_code("DAMAGED"); });
  Order order = Draft(1);
  ASSERT_TRUE(PayInInstallments(&order, "pay", common::v1::PAYMENT_METHOD_CARD, "tok_0005").ok());
  ASSERT_TRUE(Submit(&order).ok());
  Order shipped;
  ASSERT_TRUE(Ship(Shipment(order, "S1", {{0, 1}}), &shipped).ok());
  fd::RunInstallmentsResponse run;
  ASSERT_TRUE(Run(30, &run).ok());
  ASSERT_EQ(run.declined(), 1);
  ASSERT_EQ(Get(order.order_id()).balance_due().minor_units(), 10001);

  fd::StartReturnResponse started;
  grpc::Status s = suite->front->StartReturn(
      suite->As(Id("agent")).get(), ReturnOf(shipped, 1, fd::DISPOSITION_CREDIT_ONLY), &started);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(started.return_order().credit_total().minor_units(), 20001);
  EXPECT_EQ(started.return_order().refunded().minor_units(), 10000);  // what was captured
  EXPECT_EQ(started.return_order().installments_credit().minor_units(), 10001);
  const Order after = Get(order.order_id());
  EXPECT_EQ(after.balance_due().minor_units(), 0);
  EXPECT_EQ(after.installments_credit().minor_units(), 10001);
}

// A price match's credit beyond the captures comes off them too, and its
// answer shows the plan lowered.
TEST_F(InstallmentsTest, APriceMatchBeyondWhatWasCapturedLowersThePlan) {
  const Order order = ShippedInInstallments();
  EditCallCenter([](order::v1::CallCenter& cc) {
    cc.set_price_control_enabled(true);
    *cc.mutable_max_order_credit() = Usd(100000);
  });
  // 5 units matched from 20.00 to 5.00: 75.00 of credit; 33.33 refunded,
  // 41.67 off the installments; 25.00 still owed.
  fd::PriceMatchRequest req;
  req.set_request_id(Id("match"));
  req.set_order_id(order.order_id());
  req.set_line_id(order.lines(0).line_id());
  *req.mutable_unit_price() = Usd(500);
  req.set_reason_code("COMPETITOR");
  fd::PriceMatchResponse matched;
  grpc::Status s = suite->front->PriceMatch(suite->As(Id("agent")).get(), req, &matched);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(matched.order().installments_credit().minor_units(), 4167);
  EXPECT_EQ(matched.order().payments(0).refunded().minor_units(), 3333);
  EXPECT_EQ(Amounts(matched.order().payments(0)), (std::vector<int64_t>{3333, 2500, 0}));
  EXPECT_EQ(matched.order().payments(0).amount().minor_units(), 5833);
  fd::RunInstallmentsResponse run;
  ASSERT_TRUE(Run(60, &run).ok());
  EXPECT_EQ(run.captured(), 1);
  const payment::v1::Payment stored = PaymentsOf(order.order_id())[0];
  EXPECT_EQ(stored.captured().minor_units() - stored.refunded().minor_units(), 2500);
  EXPECT_EQ(stored.status(), PAYMENT_STATUS_CAPTURED);
}

TEST_F(InstallmentsTest, OnlyFulfilmentUsersRunInstallmentsAndOnlyForTheirCallCenter) {
  InstallmentWorld(3000, 2);
  Order order = Draft(2);
  ASSERT_TRUE(PayInInstallments(&order, "pay").ok());
  ASSERT_TRUE(Submit(&order).ok());
  fd::RunInstallmentsResponse run;
  EXPECT_EQ(Run(30, &run, nullptr, "agent").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  fd::RunInstallmentsRequest bad;
  bad.set_as_of("2027-02-30");
  grpc::Status s = suite->fulfillment->RunInstallments(suite->As(Id("wh")).get(), bad, &run);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("as_of"), std::string::npos);
  // Another call center's warehouse takes nothing of this order.
  OtherCallCenter(Id("other-cc"));
  Warehouse("other-wh", Id("other-cc"));
  ASSERT_TRUE(Run(30, &run, nullptr, "other-wh").ok());
  EXPECT_EQ(run.captured(), 0);
  EXPECT_EQ(PaymentsOf(order.order_id())[0].captured().minor_units(), 3000);
}

}  // namespace
}  // namespace callcenter::testing
