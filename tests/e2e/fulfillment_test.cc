// After submit (DOMAIN 9) through FulfillmentService on the front door's
// port: shipments, one invoice each, captures per invoice, a declined
// capture's hold and balance due, the expected ship date and backorders,
// and a shipment interrupted between its save and its captures.

#include <set>
#include <thread>

#include "absl/time/clock.h"
#include "callcenter/payment/v1/payment_mock.grpc.pb.h"
#include "tests/e2e/front_door_fixture.h"

namespace callcenter::testing {
namespace {

class FulfillmentTest : public FrontDoorTest {
 protected:
  // World, a warehouse system's user ("wh") and an order of 3 × A (20.00)
  // and 1 × B (15.00) paid by `token` and submitted.
  Order SubmittedOrder(const std::string& token = "tok_4242") {
    World();
    Warehouse("wh", Id("cc"));
    Order order = Start();
    EXPECT_TRUE(AddLine(&order, "A", 3).ok());
    EXPECT_TRUE(AddLine(&order, "B", 1).ok());
    EXPECT_TRUE(Pay(&order, token, "pay").ok());
    EXPECT_TRUE(Submit(&order).ok());
    EXPECT_EQ(order.status(), common::v1::ORDER_STATUS_CONFIRMED);
    return order;
  }

  grpc::Status SetDate(const Order& order, const std::string& date, Order* out,
                       const std::string& user = "wh") {
    fd::SetExpectedShipDateRequest req;
    req.set_request_id(Id("date-" + date));
    req.set_order_id(order.order_id());
    req.set_expected_ship_date(date);
    fd::SetExpectedShipDateResponse resp;
    grpc::Status s = suite->fulfillment->SetExpectedShipDate(suite->As(Id(user)).get(), req, &resp);
    if (s.ok()) *out = resp.order();
    return s;
  }

  // A FRAUD hold placed by the agent; on success *out is the order.
  grpc::Status Hold(const Order& order, const std::string& request_id, Order* out) {
    fd::PlaceHoldRequest req;
    req.set_request_id(Id(request_id));
    req.set_order_id(order.order_id());
    req.set_hold_code("FRAUD");
    req.set_note("the card holder called about the order");
    fd::PlaceHoldResponse resp;
    grpc::Status s = suite->front->PlaceHold(suite->As(Id("agent")).get(), req, &resp);
    if (s.ok()) *out = resp.order();
    return s;
  }

  // The supervisor clears hold `hold_id`; on success *out is the order.
  grpc::Status Clear(const Order& order, const std::string& hold_id, const std::string& request_id,
                     Order* out) {
    fd::ClearHoldRequest req;
    req.set_request_id(Id(request_id));
    req.set_order_id(order.order_id());
    req.set_hold_id(hold_id);
    req.set_reason("checked with the customer");
    fd::ClearHoldResponse resp;
    grpc::Status s = suite->front->ClearHold(suite->As(Id("super")).get(), req, &resp);
    if (s.ok()) *out = resp.order();
    return s;
  }

  static std::string Date(absl::Time t) {
    return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone());
  }
};

TEST_F(FulfillmentTest, ShippedInTwoPartsEachInvoiceCapturedOnce) {
  Order order = SubmittedOrder();
  const int64_t total = order.total().minor_units();
  ASSERT_GT(total, 0);
  // Submitted today: expected in the default lead time of 2 days.
  EXPECT_EQ(order.expected_ship_date(), Date(absl::Now() + absl::Hours(48)));
  EXPECT_FALSE(order.backordered());

  Order first;
  ASSERT_TRUE(Ship(Shipment(order, "S1", {{0, 2}}), &first).ok());
  EXPECT_EQ(first.status(), common::v1::ORDER_STATUS_PARTIALLY_SHIPPED);
  EXPECT_EQ(first.lines(0).shipped_quantity(), 2);
  EXPECT_EQ(first.lines(1).shipped_quantity(), 0);
  ASSERT_EQ(first.shipments_size(), 1);
  const auto& s1 = first.shipments(0);
  EXPECT_EQ(s1.carrier(), "UPS");
  EXPECT_EQ(s1.tracking_number(), "1ZS1");
  EXPECT_FALSE(s1.capture_pending());
  // Two of the line's three units: ⌊n/3⌋ each (the extra cents go to the
  // last units), plus everything beyond the lines on the first invoice.
  const auto& a = order.lines(0);
  int64_t beyond = total;
  for (const auto& l : order.lines())
    beyond -= l.net_amount().minor_units() + l.tax().minor_units();
  const int64_t expected_first =
      2 * (a.net_amount().minor_units() / 3) + 2 * (a.tax().minor_units() / 3) + beyond;
  EXPECT_EQ(s1.invoice_amount().minor_units(), expected_first);
  EXPECT_EQ(s1.captured().minor_units(), expected_first);
  ASSERT_EQ(s1.captures_size(), 1);
  EXPECT_EQ(s1.captures(0).payment_id(), order.payments(0).payment_id());
  EXPECT_FALSE(s1.captures(0).declined());
  EXPECT_EQ(first.payments(0).status(), common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED);
  EXPECT_EQ(first.payments(0).captured().minor_units(), expected_first);
  EXPECT_EQ(first.paid_total().minor_units(), total);
  EXPECT_EQ(first.balance_due().minor_units(), 0);
  // The payment service agrees; the rest stays authorised for later.
  auto payments = PaymentsOf(order.order_id());
  ASSERT_EQ(payments.size(), 1u);
  EXPECT_EQ(payments[0].status(), common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED);
  EXPECT_EQ(payments[0].captured().minor_units(), expected_first);

  // The same request again answers the same; the same shipment id under
  // another request changes nothing.
  Order again;
  ASSERT_TRUE(Ship(Shipment(order, "S1", {{0, 2}}), &again).ok());
  EXPECT_EQ(again.version(), first.version());
  EXPECT_EQ(again.shipments_size(), 1);
  auto other_request = Shipment(order, "S1", {{0, 1}});
  other_request.set_request_id(Id("ship-S1-again"));
  ASSERT_TRUE(Ship(other_request, &again).ok());
  EXPECT_EQ(again.shipments_size(), 1);
  EXPECT_EQ(again.lines(0).shipped_quantity(), 2);
  EXPECT_EQ(PaymentsOf(order.order_id())[0].captured().minor_units(), expected_first);

  Order second;
  ASSERT_TRUE(Ship(Shipment(order, "S2", {{0, 1}, {1, 1}}), &second).ok());
  EXPECT_EQ(second.status(), common::v1::ORDER_STATUS_SHIPPED);
  EXPECT_EQ(second.lines(0).shipped_quantity(), 3);
  EXPECT_EQ(second.lines(1).shipped_quantity(), 1);
  ASSERT_EQ(second.shipments_size(), 2);
  // All the invoices of a fully shipped order: its total, to the cent.
  EXPECT_EQ(second.shipments(0).invoice_amount().minor_units() +
                second.shipments(1).invoice_amount().minor_units(),
            total);
  EXPECT_EQ(second.shipments(1).captured().minor_units(), total - expected_first);
  EXPECT_EQ(second.payments(0).status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(second.payments(0).captured().minor_units(), total);
  EXPECT_FALSE(second.backordered());
  payments = PaymentsOf(order.order_id());
  EXPECT_EQ(payments[0].status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(payments[0].captured().minor_units(), total);
  EXPECT_EQ(CountEvents(second, "shipped"), 2);
  EXPECT_EQ(CountEvents(second, "payment_captured"), 2);
  // Nothing is left to ship; a shipped order is read-only for the agent.
  Order none;
  EXPECT_EQ(Ship(Shipment(order, "S3", {{1, 1}}), &none).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(AddLine(&second, "B", 1, "late-line").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Get(order.order_id()).version(), second.version());
}

TEST_F(FulfillmentTest, ShipmentsBeyondTheOpenQuantityOrOfOthersAreRefusedAndWriteNothing) {
  Order order = SubmittedOrder();
  Order out;
  // More than ordered, unknown line, zero units, a line twice, no lines.
  EXPECT_EQ(Ship(Shipment(order, "X1", {{0, 4}}), &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  auto unknown = Shipment(order, "X2", {{0, 1}});
  unknown.mutable_lines(0)->set_line_id("no-such-line");
  EXPECT_EQ(Ship(unknown, &out).error_code(), grpc::StatusCode::NOT_FOUND);
  grpc::Status s = Ship(Shipment(order, "X3", {{0, 0}}), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("lines[0].quantity"), std::string::npos) << s.error_message();
  EXPECT_EQ(Ship(Shipment(order, "X4", {{0, 1}, {0, 1}}), &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Ship(Shipment(order, "X5", {}), &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto no_id = Shipment(order, "", {{0, 1}});
  EXPECT_EQ(Ship(no_id, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // An agent without may_record_fulfillment; a warehouse of another call
  // center (made for the purpose).
  EXPECT_EQ(Ship(Shipment(order, "X6", {{0, 1}}), &out, "agent").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  OtherCallCenter(Id("cc-other"));
  Warehouse("wh-other", Id("cc-other"));
  EXPECT_EQ(Ship(Shipment(order, "X7", {{0, 1}}), &out, "wh-other").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(SetDate(order, "2030-01-01", &out, "wh-other").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A draft does not ship.
  Order draft = Start("", Id("start-draft"));
  ASSERT_TRUE(AddLine(&draft, "A", 1, "draft-line").ok());
  EXPECT_EQ(Ship(Shipment(draft, "X8", {{0, 1}}), &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // Nothing was written: the order and its payment are as submitted.
  const Order after = Get(order.order_id());
  EXPECT_EQ(after.version(), order.version());
  EXPECT_EQ(after.shipments_size(), 0);
  EXPECT_EQ(PaymentsOf(order.order_id())[0].status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
}

TEST_F(FulfillmentTest, AnOrderOnHoldDoesNotShipAndAHoldAfterAShipmentKeepsItsStatus) {
  Order order = SubmittedOrder();
  Order held;
  grpc::Status s = Hold(order, "hold", &held);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(held.status(), common::v1::ORDER_STATUS_ON_HOLD);
  Order out;
  EXPECT_EQ(Ship(Shipment(order, "H1", {{0, 1}}), &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  Order cleared;
  s = Clear(order, held.holds(0).hold_id(), "clear", &cleared);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(cleared.status(), common::v1::ORDER_STATUS_CONFIRMED);
  ASSERT_TRUE(Ship(Shipment(order, "H1", {{0, 1}}), &out).ok());
  EXPECT_EQ(out.status(), common::v1::ORDER_STATUS_PARTIALLY_SHIPPED);
  // Held again after the shipment: still PARTIALLY_SHIPPED, and it blocks.
  ASSERT_TRUE(Hold(order, "hold-2", &held).ok());
  EXPECT_EQ(held.status(), common::v1::ORDER_STATUS_PARTIALLY_SHIPPED);
  s = Ship(Shipment(order, "H2", {{0, 1}}), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Get(order.order_id()).shipments_size(), 1);
}

// A card that authorised but whose capture is declined (test connector:
// 0009): the goods left, so the shipment is recorded; the order goes on
// hold PAYMENT with the invoice's balance due; the agent takes another
// card for it and clears the hold.
TEST_F(FulfillmentTest, ADeclinedCaptureHoldsTheOrderUntilTheBalanceIsPaid) {
  Order order = SubmittedOrder("tok_0009");
  const int64_t total = order.total().minor_units();
  Order shipped;
  ASSERT_TRUE(Ship(Shipment(order, "D1", {{0, 3}, {1, 1}}), &shipped).ok());
  EXPECT_EQ(shipped.status(), common::v1::ORDER_STATUS_SHIPPED);
  ASSERT_EQ(shipped.shipments_size(), 1);
  EXPECT_EQ(shipped.shipments(0).invoice_amount().minor_units(), total);
  EXPECT_EQ(shipped.shipments(0).captured().minor_units(), 0);
  ASSERT_EQ(shipped.shipments(0).captures_size(), 1);
  EXPECT_TRUE(shipped.shipments(0).captures(0).declined());
  EXPECT_EQ(shipped.payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(shipped.balance_due().minor_units(), total);
  std::string hold_id;
  for (const auto& h : shipped.holds()) {
    if (h.open() && h.hold_code() == "PAYMENT") hold_id = h.hold_id();
  }
  ASSERT_FALSE(hold_id.empty());
  EXPECT_EQ(CountEvents(shipped, "capture_declined"), 1);
  // No live authorisation is left behind for the declined card.
  EXPECT_EQ(PaymentsOf(order.order_id())[0].status(), common::v1::PAYMENT_STATUS_VOIDED);

  // More than the balance is refused; exactly it is accepted and captured.
  EXPECT_EQ(Pay(&shipped, "tok_4242", "pay-too-much", total + 1).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status s = Pay(&shipped, "tok_4242", "pay-balance");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(shipped.balance_due().minor_units(), 0);
  ASSERT_EQ(shipped.payments_size(), 2);
  EXPECT_EQ(shipped.payments(1).status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(shipped.shipments(0).captured().minor_units(), total);
  auto payments = PaymentsOf(order.order_id());
  ASSERT_EQ(payments.size(), 2u);
  EXPECT_EQ(payments[1].captured().minor_units(), total);
  // Nothing more is due: a further payment is refused.
  EXPECT_EQ(Pay(&shipped, "tok_4242", "pay-more", 100).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  Order cleared;
  s = Clear(order, hold_id, "clear-payment", &cleared);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(cleared.status(), common::v1::ORDER_STATUS_SHIPPED);
  for (const auto& h : cleared.holds()) EXPECT_FALSE(h.open());
}

TEST_F(FulfillmentTest, TheExpectedShipDateMovesAndMakesTheOrderBackordered) {
  Order order = SubmittedOrder();
  Order moved;
  // A past date: today is later than it (backorder_days 0).
  ASSERT_TRUE(SetDate(order, Date(absl::Now() - absl::Hours(72)), &moved).ok());
  EXPECT_EQ(moved.expected_ship_date(), Date(absl::Now() - absl::Hours(72)));
  EXPECT_TRUE(moved.backordered());
  EXPECT_TRUE(Get(order.order_id()).backordered());
  EXPECT_EQ(CountEvents(moved, "expected_ship_date_set"), 1);
  ASSERT_TRUE(SetDate(order, Date(absl::Now() + absl::Hours(240)), &moved).ok());
  EXPECT_FALSE(moved.backordered());
  Order out;
  for (const char* bad : {"2026-13-01", "yesterday", "2026-02-30", ""}) {
    grpc::Status s = SetDate(order, bad, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_NE(s.error_message().find("expected_ship_date"), std::string::npos) << bad;
  }
  EXPECT_EQ(SetDate(order, "2031-01-01", &out, "agent").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Fully shipped: no open quantity, never backordered, no date to move.
  Order shipped;
  ASSERT_TRUE(Ship(Shipment(order, "B1", {{0, 3}, {1, 1}}), &shipped).ok());
  EXPECT_FALSE(shipped.backordered());
  EXPECT_EQ(SetDate(order, "2031-02-01", &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

// A front door that stops after saving a shipment, before its captures:
// recovery makes them, and a retry of the same request captures nothing
// more. The card is captured exactly the invoice, once.
TEST_F(FulfillmentTest, AShipmentInterruptedBeforeItsCapturesIsFinishedByRecovery) {
  Order order = SubmittedOrder();
  orchestration::OrderEntryOptions crashing;
  crashing.crash_after_step = orchestration::kStepShipmentSaved;
  auto doomed = suite->ExtraFulfillment(crashing);
  const auto request = Shipment(order, "C1", {{0, 1}});
  Order out;
  EXPECT_EQ(Ship(request, &out, "wh", doomed.get()).error_code(), grpc::StatusCode::UNAVAILABLE);
  Order saved = Get(order.order_id());
  ASSERT_EQ(saved.shipments_size(), 1);
  EXPECT_TRUE(saved.shipments(0).capture_pending());
  EXPECT_EQ(PaymentsOf(order.order_id())[0].captured().minor_units(), 0);
  const int64_t invoice = saved.shipments(0).invoice_amount().minor_units();

  ASSERT_TRUE(suite->front_door().recovery().Run(absl::ZeroDuration()).ok());
  Order recovered = Get(order.order_id());
  EXPECT_FALSE(recovered.shipments(0).capture_pending());
  EXPECT_EQ(recovered.shipments(0).captured().minor_units(), invoice);
  EXPECT_EQ(PaymentsOf(order.order_id())[0].captured().minor_units(), invoice);

  // The warehouse retries: the same answer, nothing captured twice.
  ASSERT_TRUE(Ship(request, &out).ok());
  EXPECT_EQ(out.shipments_size(), 1);
  EXPECT_EQ(out.shipments(0).captured().minor_units(), invoice);
  EXPECT_EQ(PaymentsOf(order.order_id())[0].captured().minor_units(), invoice);
  EXPECT_EQ(CountEvents(out, "payment_captured"), 1);
}

// A retry before recovery ran finishes the captures itself, once.
TEST_F(FulfillmentTest, AShipmentInterruptedBeforeItsCapturesIsFinishedByTheRetry) {
  Order order = SubmittedOrder();
  orchestration::OrderEntryOptions crashing;
  crashing.crash_after_step = orchestration::kStepShipmentSaved;
  auto doomed = suite->ExtraFulfillment(crashing);
  const auto request = Shipment(order, "R1", {{0, 3}, {1, 1}});
  Order out;
  EXPECT_EQ(Ship(request, &out, "wh", doomed.get()).error_code(), grpc::StatusCode::UNAVAILABLE);
  ASSERT_TRUE(Ship(request, &out).ok());
  EXPECT_EQ(out.status(), common::v1::ORDER_STATUS_SHIPPED);
  EXPECT_EQ(out.shipments(0).captured().minor_units(), order.total().minor_units());
  ASSERT_TRUE(suite->front_door().recovery().Run(absl::ZeroDuration()).ok());
  EXPECT_EQ(PaymentsOf(order.order_id())[0].captured().minor_units(), order.total().minor_units());
  EXPECT_EQ(Get(order.order_id()).version(), out.version());
}

// The payment service refuses the void of a declined card's authorisation
// (its rest released on the order): the shipment's saga stays open, and
// recovery voids it, so no authorisation is left live off its order.
TEST_F(FulfillmentTest, AReleaseThatDidNotReachThePaymentServiceIsFinishedByRecovery) {
  Order order = SubmittedOrder("tok_0009");
  auto door = suite->ExtraFulfillment({}, [](orchestration::Downstream& d) {
    std::shared_ptr<payment::v1::PaymentService::StubInterface> real = std::move(d.payments);
    auto stub = std::make_unique<::testing::NiceMock<payment::v1::MockPaymentServiceStub>>();
    ON_CALL(*stub, CapturePayment)
        .WillByDefault([real](grpc::ClientContext* ctx, const auto& req, auto* resp) {
          return real->CapturePayment(ctx, req, resp);
        });
    ON_CALL(*stub, VoidAllForOrder).WillByDefault([](auto*, const auto&, auto*) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "payment service unreachable");
    });
    d.payments = std::move(stub);
  });
  Order out;
  EXPECT_EQ(Ship(Shipment(order, "V1", {{0, 3}, {1, 1}}), &out, "wh", door.get()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  const Order saved = Get(order.order_id());
  ASSERT_EQ(saved.shipments_size(), 1);
  EXPECT_EQ(saved.payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);  // on the order
  EXPECT_EQ(PaymentsOf(order.order_id())[0].status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
  ASSERT_TRUE(suite->front_door().recovery().Run(absl::ZeroDuration()).ok());
  EXPECT_EQ(PaymentsOf(order.order_id())[0].status(), common::v1::PAYMENT_STATUS_VOIDED);
}

// An authorisation older than auth_validity_days (default 7) is authorised
// again before its capture.
TEST_F(FulfillmentTest, AnOldAuthorisationIsAuthorisedAgainBeforeItsCapture) {
  Order order = SubmittedOrder();
  const int reauthorized_before = suite->connector->reauthorizations();
  orchestration::OrderEntryOptions later;
  const absl::Time eight_days_on = absl::Now() + absl::Hours(24 * 8);
  later.clock = [eight_days_on] { return eight_days_on; };
  // Its tokens are checked against its own clock: one valid then.
  later.max_token_lifetime = absl::Hours(24 * 9);
  auto door = suite->ExtraFulfillment(later);
  Order out;
  grpc::Status s =
      Ship(Shipment(order, "A1", {{0, 1}}), &out, "wh", door.get(), absl::Hours(24 * 8 + 1));
  ASSERT_TRUE(s.ok()) << s.error_message();
  const auto payment = PaymentsOf(order.order_id())[0];
  EXPECT_EQ(suite->connector->reauthorizations(), reauthorized_before + 1);
  EXPECT_EQ(payment.status(), common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED);
  // Eight days on, the order expected in two is backordered.
  EXPECT_TRUE(out.backordered());
}

// Notices 1, 2 and 3 days after submit for this test's call center.
class DelayNoticeTest : public FulfillmentTest {
 protected:
  void NoticeDays(int first, int second, int cancellation) {
    EditCallCenter([&](order::v1::CallCenter& cc) {
      cc.set_first_notice_days(first);
      cc.set_second_notice_days(second);
      cc.set_cancellation_notice_days(cancellation);
    });
  }

  grpc::Status Run(int days_on, fd::RunDelayedOrderNoticesResponse* out,
                   const std::string& user = "wh") {
    fd::RunDelayedOrderNoticesRequest req;
    req.set_as_of(Date(absl::Now() + absl::Hours(24) * days_on));
    return suite->fulfillment->RunDelayedOrderNotices(suite->As(Id(user)).get(), req, out);
  }

  std::vector<std::string> Kinds(const fd::RunDelayedOrderNoticesResponse& r,
                                 const std::string& order_id) {
    std::vector<std::string> kinds;
    for (const auto& n : r.notices()) {
      if (n.order_id() == order_id) kinds.push_back(fd::NoticeKind_Name(n.kind()));
    }
    return kinds;
  }
};

// Two front doors (replicas) running the same date at once, as two
// schedulers might: each order's notice is recorded once, by one of them.
TEST_F(DelayNoticeTest, TwoFrontDoorsRunningTheSameDateRecordEachNoticeOnce) {
  World();
  Warehouse("wh", Id("cc"));
  NoticeDays(1, 0, 0);
  std::set<std::string> order_ids;
  for (int i = 0; i < 6; ++i) {
    const std::string tag = std::to_string(i);
    Order order = Start("", Id("start-" + tag));
    ASSERT_TRUE(AddLine(&order, "A", 1, Id("line-" + tag)).ok());
    ASSERT_TRUE(Pay(&order, "tok_4242", "pay-" + tag).ok());
    ASSERT_TRUE(Submit(&order, "submit-" + tag).ok());
    order_ids.insert(order.order_id());
  }
  auto second = suite->ExtraFulfillment({});
  fd::RunDelayedOrderNoticesRequest req;
  req.set_as_of(Date(absl::Now() + absl::Hours(24)));
  fd::RunDelayedOrderNoticesResponse a, b;
  grpc::Status sa, sb;
  std::thread one([&] { sa = suite->fulfillment->RunDelayedOrderNotices(suite->As(Id("wh")).get(), req, &a); });
  std::thread two([&] { sb = second->RunDelayedOrderNotices(suite->As(Id("wh")).get(), req, &b); });
  one.join();
  two.join();
  std::multiset<std::string> noticed;
  for (const auto* r : {&a, &b}) {
    for (const auto& n : r->notices()) {
      if (order_ids.count(n.order_id())) noticed.insert(n.order_id());
    }
  }
  // A run that met the other's save on an order may stop there; the
  // scheduler runs the date again, which records only what is missing.
  if (!sa.ok() || !sb.ok()) {
    fd::RunDelayedOrderNoticesResponse again;
    ASSERT_TRUE(Run(1, &again).ok());
    for (const auto& n : again.notices()) {
      if (order_ids.count(n.order_id())) noticed.insert(n.order_id());
    }
  }
  EXPECT_EQ(noticed.size(), order_ids.size());
  for (const std::string& id : order_ids) {
    EXPECT_EQ(noticed.count(id), 1u) << id;
    const Order after = Get(id);
    EXPECT_EQ(after.delay_notices_size(), 1) << id;
    EXPECT_EQ(CountEvents(after, "delay_notice"), 1) << id;
  }
}

TEST_F(DelayNoticeTest, FirstSecondThenCancellationWhichCancelsAnOrderWithNothingShipped) {
  World();
  Warehouse("wh", Id("cc"));
  NoticeDays(1, 2, 3);
  Coupon("SORRY", 1000, 1);
  Order order = Start();
  ASSERT_TRUE(AddLine(&order, "A", 2).ok());
  ASSERT_TRUE(ApplyCoupon(&order, "SORRY").ok());
  ASSERT_TRUE(Pay(&order, "tok_4242", "pay").ok());
  ASSERT_TRUE(Submit(&order).ok());
  using V = std::vector<std::string>;

  fd::RunDelayedOrderNoticesResponse run;
  ASSERT_TRUE(Run(0, &run).ok());
  EXPECT_EQ(run.notices_size(), 0);
  ASSERT_TRUE(Run(1, &run).ok());
  ASSERT_EQ(Kinds(run, order.order_id()), V{"NOTICE_KIND_FIRST"});
  EXPECT_EQ(run.notices(0).customer_id(), Id("cust"));
  EXPECT_EQ(run.notices(0).on(), Date(absl::Now() + absl::Hours(24)));
  // The same date again records nothing.
  fd::RunDelayedOrderNoticesResponse again;
  ASSERT_TRUE(Run(1, &again).ok());
  EXPECT_EQ(again.notices_size(), 0);
  const Order after_first = Get(order.order_id());
  ASSERT_EQ(after_first.delay_notices_size(), 1);
  EXPECT_EQ(after_first.delay_notices(0).kind(), "first");
  EXPECT_EQ(CountEvents(after_first, "delay_notice"), 1);
  EXPECT_EQ(after_first.status(), common::v1::ORDER_STATUS_CONFIRMED);

  fd::RunDelayedOrderNoticesResponse second;
  ASSERT_TRUE(Run(2, &second).ok());
  EXPECT_EQ(Kinds(second, order.order_id()), V{"NOTICE_KIND_SECOND"});
  fd::RunDelayedOrderNoticesResponse cancellation;
  ASSERT_TRUE(Run(3, &cancellation).ok());
  EXPECT_EQ(Kinds(cancellation, order.order_id()), V{"NOTICE_KIND_CANCELLATION"});
  const Order canceled = Get(order.order_id());
  EXPECT_EQ(canceled.status(), common::v1::ORDER_STATUS_CANCELED);
  EXPECT_EQ(canceled.lines(0).canceled_quantity(), 2);
  EXPECT_EQ(canceled.delay_notices_size(), 3);
  EXPECT_EQ(CountEvents(canceled, "quantity_canceled"), 1);
  EXPECT_EQ(canceled.payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(PaymentsOf(order.order_id())[0].status(), common::v1::PAYMENT_STATUS_VOIDED);
  grpc::ClientContext ctx;
  pricing::v1::CheckCouponRequest check;
  check.set_coupon_code(Id("SORRY"));
  pricing::v1::CheckCouponResponse checked;
  EXPECT_TRUE(suite->pricing->CheckCoupon(&ctx, check, &checked).ok());  // its use released
  // Later runs: nothing more for it.
  fd::RunDelayedOrderNoticesResponse later;
  ASSERT_TRUE(Run(9, &later).ok());
  EXPECT_EQ(later.notices_size(), 0);
}

TEST_F(DelayNoticeTest, ExemptCustomersAndProductsAndPartlyShippedOrders) {
  World();
  Warehouse("wh", Id("cc"));
  NoticeDays(0, 0, 2);  // only the cancellation notice
  {
    grpc::ClientContext ctx;
    pricing::v1::UpsertProductRequest req;
    auto* p = req.mutable_product();
    p->set_product_id(Id("PRE"));
    p->set_name("Pre-order");
    *p->mutable_base_price() = Usd(3000);
    *p->mutable_unit_cost() = Usd(1000);
    p->set_notice_exempt(true);
    pricing::v1::UpsertProductResponse resp;
    ASSERT_TRUE(suite->pricing->UpsertProduct(&ctx, req, &resp).ok());
  }
  // 1: A and the exempt pre-order: A canceled, the pre-order stays open.
  Order mixed = Start("", Id("start-mixed"));
  ASSERT_TRUE(AddLine(&mixed, "A", 1, "mixed-a").ok());
  ASSERT_TRUE(AddLine(&mixed, "PRE", 1, "mixed-pre").ok());
  ASSERT_TRUE(Pay(&mixed, "tok_4242", "pay-mixed").ok());
  ASSERT_TRUE(Submit(&mixed, "submit-mixed").ok());
  // 2: 3 × A, one shipped: the other two canceled, SHIPPED, the rest released.
  Order part = Start("", Id("start-part"));
  ASSERT_TRUE(AddLine(&part, "A", 3, "part-a").ok());
  ASSERT_TRUE(Pay(&part, "tok_4242", "pay-part").ok());
  ASSERT_TRUE(Submit(&part, "submit-part").ok());
  Order shipped;
  ASSERT_TRUE(Ship(Shipment(part, "P1", {{0, 1}}), &shipped).ok());
  const int64_t invoice = shipped.shipments(0).invoice_amount().minor_units();
  // 3: only the exempt product: no notice at all.
  Order only_exempt = Start("", Id("start-exempt"));
  ASSERT_TRUE(AddLine(&only_exempt, "PRE", 2, "exempt-pre").ok());
  ASSERT_TRUE(Pay(&only_exempt, "tok_4242", "pay-exempt").ok());
  ASSERT_TRUE(Submit(&only_exempt, "submit-exempt").ok());

  fd::RunDelayedOrderNoticesResponse run;
  EXPECT_EQ(Run(2, &run, "agent").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Run(2, &run).ok());
  EXPECT_EQ(run.notices_size(), 2);
  EXPECT_EQ(Kinds(run, only_exempt.order_id()).size(), 0u);

  const Order m = Get(mixed.order_id());
  EXPECT_EQ(m.status(), common::v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(m.lines(0).canceled_quantity(), 1);
  EXPECT_EQ(m.lines(1).canceled_quantity(), 0);
  EXPECT_EQ(m.balance_due().minor_units(), 0);

  const Order p = Get(part.order_id());
  EXPECT_EQ(p.status(), common::v1::ORDER_STATUS_SHIPPED);
  EXPECT_EQ(p.lines(0).canceled_quantity(), 2);
  EXPECT_EQ(p.payments(0).status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(p.paid_total().minor_units(), invoice);
  EXPECT_EQ(p.balance_due().minor_units(), 0);
  const auto payments = PaymentsOf(part.order_id());
  EXPECT_EQ(payments[0].status(), common::v1::PAYMENT_STATUS_CAPTURED);  // the rest released
  EXPECT_EQ(payments[0].captured().minor_units(), invoice);

  // An exempt customer gets no notice at all.
  EditCustomer([](order::v1::Customer& c) { c.set_notice_exempt(true); });
  Order vip = Start("", Id("start-vip"));
  ASSERT_TRUE(AddLine(&vip, "A", 1, "vip-a").ok());
  ASSERT_TRUE(Pay(&vip, "tok_4242", "pay-vip").ok());
  ASSERT_TRUE(Submit(&vip, "submit-vip").ok());
  fd::RunDelayedOrderNoticesResponse vip_run;
  ASSERT_TRUE(Run(5, &vip_run).ok());
  EXPECT_EQ(Kinds(vip_run, vip.order_id()).size(), 0u);
  EXPECT_EQ(Get(vip.order_id()).status(), common::v1::ORDER_STATUS_CONFIRMED);
  // A bad date names the field.
  fd::RunDelayedOrderNoticesRequest bad;
  bad.set_as_of("2026-02-30");
  fd::RunDelayedOrderNoticesResponse out;
  grpc::Status s = suite->fulfillment->RunDelayedOrderNotices(suite->As(Id("wh")).get(), bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("as_of"), std::string::npos);
}

TEST_F(FulfillmentTest, PurgeKeepsSummariesOfFinishedOrdersOnly) {
  Order shipped_order = SubmittedOrder();
  Order shipped;
  ASSERT_TRUE(Ship(Shipment(shipped_order, "F1", {{0, 3}, {1, 1}}), &shipped).ok());
  ASSERT_EQ(shipped.status(), common::v1::ORDER_STATUS_SHIPPED);
  Order canceled = Start("", Id("start-cancel"));
  ASSERT_TRUE(AddLine(&canceled, "A", 1, "cancel-line").ok());
  {
    fd::CancelOrderRequest req;
    req.set_request_id(Id("cancel"));
    req.set_order_id(canceled.order_id());
    req.set_reason("customer changed their mind");
    fd::CancelOrderResponse resp;
    ASSERT_TRUE(suite->front->CancelOrder(suite->As(Id("super")).get(), req, &resp).ok());
  }
  Order draft = Start("", Id("start-draft"));  // not finished: stays
  Order confirmed = Start("", Id("start-open"));
  ASSERT_TRUE(AddLine(&confirmed, "B", 1, "open-line").ok());
  ASSERT_TRUE(Pay(&confirmed, "tok_4242", "pay-open").ok());
  ASSERT_TRUE(Submit(&confirmed, "submit-open").ok());  // still to ship: stays

  auto purge = [&](const std::string& date, const std::string& customer,
                   fd::PurgeOrdersResponse* out, const std::string& user = "wh") {
    fd::PurgeOrdersRequest req;
    req.set_created_on_or_before(date);
    req.set_customer_id(customer);
    return suite->fulfillment->PurgeOrders(suite->As(Id(user)).get(), req, out);
  };
  fd::PurgeOrdersResponse out;
  EXPECT_EQ(purge(Date(absl::Now()), "", &out, "agent").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(purge("03/12/2026", "", &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(purge(Date(absl::Now() - absl::Hours(48)), "", &out).ok());  // created later
  EXPECT_EQ(out.purged_order_ids_size(), 0);
  ASSERT_TRUE(purge(Date(absl::Now()), Id("someone-else"), &out).ok());
  EXPECT_EQ(out.purged_order_ids_size(), 0);
  ASSERT_TRUE(purge(Date(absl::Now()), Id("cust"), &out).ok());
  std::set<std::string> purged(out.purged_order_ids().begin(), out.purged_order_ids().end());
  EXPECT_EQ(purged, (std::set<std::string>{shipped_order.order_id(), canceled.order_id()}));
  fd::PurgeOrdersResponse again;
  ASSERT_TRUE(purge(Date(absl::Now()), "", &again).ok());
  EXPECT_EQ(again.purged_order_ids_size(), 0);  // safe to repeat

  // GetOrder answers the summary.
  const Order summary = Get(shipped_order.order_id());
  EXPECT_TRUE(summary.archived());
  EXPECT_EQ(summary.status(), common::v1::ORDER_STATUS_SHIPPED);
  EXPECT_EQ(summary.customer_id(), Id("cust"));
  EXPECT_EQ(summary.total().minor_units(), shipped_order.total().minor_units());
  EXPECT_TRUE(summary.has_created_at());
  EXPECT_TRUE(summary.has_submitted_at());
  EXPECT_EQ(summary.lines_size(), 0);
  EXPECT_EQ(summary.payments_size(), 0);
  EXPECT_EQ(summary.events_size(), 0);
  EXPECT_FALSE(Get(draft.order_id()).archived());
  EXPECT_FALSE(Get(confirmed.order_id()).archived());
  // The customer's history lists it as archived.
  fd::ListCustomerOrdersRequest list;
  list.set_customer_id(Id("cust"));
  fd::ListCustomerOrdersResponse listed;
  ASSERT_TRUE(suite->front->ListCustomerOrders(suite->As(Id("agent")).get(), list, &listed).ok());
  int archived = 0;
  for (const auto& o : listed.orders()) archived += o.archived() ? 1 : 0;
  EXPECT_EQ(archived, 2);
  // A summary is read-only.
  Order held;
  EXPECT_EQ(Hold(shipped_order, "hold-archived", &held).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

class PrepaidTest : public FulfillmentTest {
 protected:
  void GiftCard(int64_t balance) {
    grpc::ClientContext ctx;
    payment::v1::UpsertGiftCardRequest req;
    req.mutable_gift_card()->set_gift_card_number(Id("GC"));
    *req.mutable_gift_card()->mutable_balance() = Usd(balance);
    payment::v1::UpsertGiftCardResponse resp;
    ASSERT_TRUE(suite->payments->UpsertGiftCard(&ctx, req, &resp).ok());
  }
  int64_t GiftCardBalance() {
    grpc::ClientContext ctx;
    payment::v1::GetGiftCardRequest req;
    req.set_gift_card_number(Id("GC"));
    payment::v1::GetGiftCardResponse resp;
    EXPECT_TRUE(suite->payments->GetGiftCard(&ctx, req, &resp).ok());
    return resp.gift_card().balance().minor_units();
  }
  // World, then a draft of 3 × A and 1 × B paid 30.00 by gift card and the
  // rest by card.
  Order PaidByGiftCardAndCard() {
    World();
    Warehouse("wh", Id("cc"));
    GiftCard(3000);
    Order order = Start();
    EXPECT_TRUE(AddLine(&order, "A", 3).ok());
    EXPECT_TRUE(AddLine(&order, "B", 1).ok());
    fd::AddPaymentRequest req;
    req.set_request_id(Id("pay-gift"));
    req.set_order_id(order.order_id());
    req.set_method(common::v1::PAYMENT_METHOD_GIFT_CARD);
    req.set_gift_card_number(Id("GC"));
    *req.mutable_amount() = Usd(3000);
    fd::AddPaymentResponse resp;
    grpc::Status s = suite->front->AddPayment(suite->As(Id("agent")).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    order = resp.order();
    EXPECT_TRUE(Pay(&order, "tok_4242", "pay-card").ok());
    return order;
  }
};

TEST_F(PrepaidTest, AGiftCardIsTakenAtSubmitAndAppliedToTheFirstInvoice) {
  Order order = PaidByGiftCardAndCard();
  ASSERT_TRUE(Submit(&order).ok());
  const int64_t total = order.total().minor_units();
  EXPECT_EQ(order.payments(0).status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(order.payments(0).captured().minor_units(), 3000);
  EXPECT_EQ(order.payments(1).status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
  EXPECT_EQ(order.paid_total().minor_units(), total);
  auto payments = PaymentsOf(order.order_id());
  EXPECT_EQ(payments[0].status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(GiftCardBalance(), 0);

  Order first;
  ASSERT_TRUE(Ship(Shipment(order, "G1", {{0, 2}}), &first).ok());
  const auto& s1 = first.shipments(0);
  ASSERT_GE(s1.captures_size(), 1);
  EXPECT_EQ(s1.captures(0).payment_id(), order.payments(0).payment_id());  // first-come
  EXPECT_EQ(s1.captures(0).amount().minor_units(), 3000);
  EXPECT_EQ(s1.captured().minor_units(), s1.invoice_amount().minor_units());
  const int64_t from_card = s1.invoice_amount().minor_units() - 3000;
  EXPECT_EQ(first.payments(1).captured().minor_units(), from_card);
  Order second;
  ASSERT_TRUE(Ship(Shipment(order, "G2", {{0, 1}, {1, 1}}), &second).ok());
  EXPECT_EQ(second.status(), common::v1::ORDER_STATUS_SHIPPED);
  payments = PaymentsOf(order.order_id());
  EXPECT_EQ(payments[0].captured().minor_units(), 3000);
  EXPECT_EQ(payments[1].status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(payments[1].captured().minor_units(), total - 3000);
  EXPECT_EQ(second.balance_due().minor_units(), 0);
}

TEST_F(PrepaidTest, ACanceledHeldOrderGivesTheGiftCardBackWhole) {
  Order order = PaidByGiftCardAndCard();
  ASSERT_TRUE(Submit(&order).ok());
  EXPECT_EQ(GiftCardBalance(), 0);
  // Held (nothing shipped), then canceled.
  Order held;
  ASSERT_TRUE(Hold(order, "hold", &held).ok());
  fd::CancelOrderRequest req;
  req.set_request_id(Id("cancel"));
  req.set_order_id(order.order_id());
  req.set_reason("changed their mind");
  fd::CancelOrderResponse resp;
  grpc::Status s = suite->front->CancelOrder(suite->As(Id("super")).get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.order().payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  const auto payments = PaymentsOf(order.order_id());
  EXPECT_EQ(payments[0].status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(payments[1].status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(GiftCardBalance(), 3000);
}

// The submit's save fails after the gift card was taken: the submit is
// undone and the gift card given back.
TEST_F(PrepaidTest, AnUndoneSubmitGivesTheGiftCardBack) {
  Order order = PaidByGiftCardAndCard();
  auto broken = suite->ExtraFrontDoor({}, FailingSaves("SubmitOrder", /*commit=*/false));
  EXPECT_FALSE(Submit(&order, "submit", broken.get()).ok());
  const Order after = Get(order.order_id());
  EXPECT_EQ(after.status(), common::v1::ORDER_STATUS_DRAFT);
  EXPECT_EQ(PaymentsOf(order.order_id())[0].status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(GiftCardBalance(), 3000);
}

}  // namespace
}  // namespace callcenter::testing
