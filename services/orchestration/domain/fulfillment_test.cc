#include "services/orchestration/domain/fulfillment.h"

#include <random>

#include "gtest/gtest.h"
#include "libs/money/money_proto.h"
#include "services/orchestration/domain/order_math.h"

namespace callcenter::orchestration {
namespace {

using common::v1::OrderPayment;
using common::v1::Shipment;

struct LineSpec {
  int32_t quantity;
  int64_t net;
  int64_t tax;
};

// A CONFIRMED order of `lines` with `beyond` of charges and their tax.
Order Confirmed(const std::vector<LineSpec>& lines, int64_t beyond) {
  Order o;
  o.set_order_id("o1");
  o.set_currency("USD");
  o.set_status(common::v1::ORDER_STATUS_CONFIRMED);
  int64_t total = beyond;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto* l = o.add_lines();
    l->set_line_id("l" + std::to_string(i + 1));
    l->set_quantity(lines[i].quantity);
    *l->mutable_net_amount() = MoneyOf("USD", lines[i].net);
    *l->mutable_tax() = MoneyOf("USD", lines[i].tax);
    total += lines[i].net + lines[i].tax;
  }
  *o.mutable_total() = MoneyOf("USD", total);
  return o;
}

ShipmentLines Ship(std::vector<std::pair<std::string, int32_t>> units) {
  ShipmentLines lines;
  for (auto& [id, q] : units) {
    auto* s = lines.Add();
    s->set_line_id(id);
    s->set_quantity(q);
  }
  return lines;
}

// Invoices and records a shipment of `units`; returns its invoice amount.
int64_t Record(Order& o, const std::string& shipment_id,
               std::vector<std::pair<std::string, int32_t>> units) {
  const ShipmentLines lines = Ship(std::move(units));
  EXPECT_TRUE(CheckShipment(o, lines).ok());
  absl::StatusOr<int64_t> invoice = InvoiceAmount(o, lines);
  EXPECT_TRUE(invoice.ok());
  Shipment s;
  s.set_shipment_id(shipment_id);
  *s.mutable_lines() = lines;
  *s.mutable_invoice_amount() = MoneyOf("USD", *invoice);
  ApplyShipment(o, s);
  return *invoice;
}

TEST(FulfillmentTest, UnitsShareGivesTheLastUnitsTheCents) {
  struct Case {
    int64_t amount;
    int32_t quantity, before, units;
    int64_t want;
  } cases[] = {
      {1000, 3, 0, 1, 333},  // 3 units of 10.00: 3.33, 3.33, 3.34
      {1000, 3, 1, 1, 333}, {1000, 3, 2, 1, 334}, {1000, 3, 0, 3, 1000}, {1000, 3, 1, 2, 667},
      {1001, 4, 0, 1, 250},                                          // 250, 250, 250, 251
      {1001, 4, 3, 1, 251}, {1003, 4, 0, 2, 501},                    // 250, 251, 251, 251
      {1003, 4, 2, 2, 502}, {0, 5, 0, 5, 0},      {7, 10, 0, 3, 0},  // the last 7 of 10 units get a
                                                                     // cent
      {7, 10, 3, 7, 7},     {999, 1, 0, 1, 999},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(UnitsShare(c.amount, c.quantity, c.before, c.units), c.want)
        << c.amount << " over " << c.quantity << ", units " << c.before + 1 << ".."
        << c.before + c.units;
  }
}

TEST(FulfillmentTest, ChargesAndTheirTaxGoOnTheFirstInvoice) {
  Order o = Confirmed({{3, 3000, 240}, {1, 500, 40}}, /*beyond=*/795);  // 7.95 delivery + tax
  // First shipment: one unit of line 1 → 10.00 + 0.80 tax + 7.95.
  EXPECT_EQ(Record(o, "s1", {{"l1", 1}}), 1000 + 80 + 795);
  EXPECT_EQ(o.status(), common::v1::ORDER_STATUS_PARTIALLY_SHIPPED);
  EXPECT_EQ(o.lines(0).shipped_quantity(), 1);
  EXPECT_EQ(Record(o, "s2", {{"l1", 2}, {"l2", 1}}), 2000 + 160 + 500 + 40);
  EXPECT_EQ(o.status(), common::v1::ORDER_STATUS_SHIPPED);
  EXPECT_TRUE(o.shipments(1).capture_pending());
}

TEST(FulfillmentTest, ShipmentsAreChecked) {
  Order o = Confirmed({{3, 3000, 0}}, 0);
  EXPECT_EQ(CheckShipment(o, Ship({})).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckShipment(o, Ship({{"l1", 0}})).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckShipment(o, Ship({{"l1", 1}, {"l1", 1}})).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckShipment(o, Ship({{"nope", 1}})).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(CheckShipment(o, Ship({{"l1", 4}})).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckShipment(o, Ship({{"l1", 3}})).ok());
  o.mutable_lines(0)->set_canceled_quantity(1);
  EXPECT_EQ(CheckShipment(o, Ship({{"l1", 3}})).code(), absl::StatusCode::kFailedPrecondition);
  o.add_holds()->set_open(true);
  EXPECT_EQ(CheckShipment(o, Ship({{"l1", 1}})).code(), absl::StatusCode::kFailedPrecondition);
  o.mutable_holds(0)->set_open(false);
  for (auto status : {common::v1::ORDER_STATUS_DRAFT, common::v1::ORDER_STATUS_ON_HOLD,
                      common::v1::ORDER_STATUS_CANCELED, common::v1::ORDER_STATUS_SHIPPED}) {
    o.set_status(status);
    EXPECT_EQ(CheckShipment(o, Ship({{"l1", 1}})).code(), absl::StatusCode::kFailedPrecondition)
        << status;
  }
}

// Property: for any quantities and amounts and any way of splitting the
// units into shipments, the invoices add up to the order's total exactly,
// and each line's units get exactly its net amount and tax.
TEST(FulfillmentTest, InvoicesOfAFullyShippedOrderAddUpToItsTotal) {
  std::mt19937_64 rng(20261203);
  for (int round = 0; round < 2000; ++round) {
    std::vector<LineSpec> specs;
    const int n = 1 + static_cast<int>(rng() % 6);
    for (int i = 0; i < n; ++i) {
      specs.push_back({1 + static_cast<int32_t>(rng() % 9999),
                       static_cast<int64_t>(rng() % 100000000000),
                       static_cast<int64_t>(rng() % 1000000000)});
    }
    Order o = Confirmed(specs, static_cast<int64_t>(rng() % 100000));
    int64_t invoiced = 0;
    int shipments = 0;
    while (HasOpenQuantity(o)) {
      std::vector<std::pair<std::string, int32_t>> units;
      for (const auto& l : o.lines()) {
        const int32_t open = OpenQuantity(l);
        if (open == 0 || rng() % 3 == 0) continue;
        units.emplace_back(l.line_id(), 1 + static_cast<int32_t>(rng() % open));
      }
      if (units.empty()) continue;
      invoiced += Record(o, "s" + std::to_string(++shipments), units);
    }
    ASSERT_EQ(invoiced, o.total().minor_units()) << "round " << round;
    ASSERT_EQ(o.status(), common::v1::ORDER_STATUS_SHIPPED);
  }
}

OrderPayment* Pay(Order& o, const std::string& id, int64_t amount,
                  common::v1::PaymentStatus status = common::v1::PAYMENT_STATUS_AUTHORIZED) {
  OrderPayment* p = o.add_payments();
  p->set_payment_id(id);
  *p->mutable_amount() = MoneyOf("USD", amount);
  p->set_status(status);
  return p;
}

// Takes every planned capture of `shipment` as the payment service would,
// declining those of `declining`; returns the plan as "payment:amount".
std::vector<std::string> Settle(Order& o, int shipment, const std::string& declining = "") {
  std::vector<std::string> plan;
  Shipment& s = *o.mutable_shipments(shipment);
  while (auto next = NextCapture(o, s)) {
    plan.push_back(next->payment_id + ":" + std::to_string(next->amount));
    const bool declined = next->payment_id == declining;
    RecordCapture(o, s, *next, declined, declined ? "declined" : "", next->amount);
  }
  s.set_capture_pending(false);
  return plan;
}

TEST(FulfillmentTest, InvoicesArePaidInTheOrderPaymentsWereAdded) {
  Order o = Confirmed({{2, 10000, 0}}, 0);  // 100.00, two units of 50.00
  Pay(o, "check", 3000);
  Pay(o, "declined", 9000, common::v1::PAYMENT_STATUS_DECLINED);
  Pay(o, "card", 7000);
  ASSERT_TRUE(RecomputePaid(&o).ok());
  Record(o, "s1", {{"l1", 1}});
  EXPECT_EQ(Settle(o, 0), (std::vector<std::string>{"check:3000", "card:2000"}));
  EXPECT_EQ(o.shipments(0).captured().minor_units(), 5000);
  EXPECT_EQ(o.payments(0).status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(o.payments(2).status(), common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED);
  EXPECT_EQ(o.payments(2).captured().minor_units(), 2000);
  EXPECT_EQ(ReleaseUnneeded(o), 0);  // a unit is still open
  Record(o, "s2", {{"l1", 1}});
  EXPECT_EQ(Settle(o, 1), (std::vector<std::string>{"card:5000"}));
  EXPECT_EQ(o.payments(2).status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(o.paid_total().minor_units(), 10000);
  EXPECT_EQ(o.balance_due().minor_units(), 0);
}

TEST(FulfillmentTest, ADeclinedCaptureLeavesTheInvoiceDueAndReleasesThePayment) {
  Order o = Confirmed({{2, 10000, 0}}, 0);
  Pay(o, "card", 10000);
  ASSERT_TRUE(RecomputePaid(&o).ok());
  Record(o, "s1", {{"l1", 1}});
  EXPECT_EQ(Settle(o, 0), (std::vector<std::string>{"card:5000"}));
  Record(o, "s2", {{"l1", 1}});
  EXPECT_EQ(Settle(o, 1, "card"), (std::vector<std::string>{"card:5000"}));
  EXPECT_TRUE(o.shipments(1).captures(0).declined());
  EXPECT_EQ(InvoiceDue(o.shipments(1)), 5000);
  // The card keeps what it took, and nothing more counts.
  EXPECT_EQ(o.payments(0).status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(o.payments(0).captured().minor_units(), 5000);
  EXPECT_EQ(o.balance_due().minor_units(), 5000);
  // Another payment for the balance pays the invoice; asking again does
  // not ask the declined card twice.
  Pay(o, "card2", 5000);
  ASSERT_TRUE(RecomputePaid(&o).ok());
  EXPECT_EQ(Settle(o, 1), (std::vector<std::string>{"card2:5000"}));
  EXPECT_EQ(InvoiceDue(o.shipments(1)), 0);
  EXPECT_EQ(o.balance_due().minor_units(), 0);
}

TEST(FulfillmentTest, WhatNoInvoiceNeedsIsReleasedOnceNothingCanShip) {
  Order o = Confirmed({{3, 3000, 0}}, 0);
  Pay(o, "gift", 500);
  Pay(o, "card", 2500);
  Pay(o, "spare", 1000);  // more than the total: the rest goes back
  ASSERT_TRUE(RecomputePaid(&o).ok());
  Record(o, "s1", {{"l1", 2}});
  EXPECT_EQ(Settle(o, 0), (std::vector<std::string>{"gift:500", "card:1500"}));
  o.mutable_lines(0)->set_canceled_quantity(1);  // a cancellation notice
  EXPECT_EQ(ReleaseUnneeded(o), 1000 + 1000);
  EXPECT_EQ(o.payments(1).status(), common::v1::PAYMENT_STATUS_CAPTURED);  // at 15.00
  EXPECT_EQ(o.payments(2).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(o.paid_total().minor_units(), 2000);
}

TEST(FulfillmentTest, ExpectedShipDateAndBackorders) {
  order::v1::CallCenter cc;
  EXPECT_EQ(ExpectedShipDate("2026-12-30", cc), "2027-01-01");  // 0 means 2 days
  cc.set_default_lead_time_days(5);
  EXPECT_EQ(ExpectedShipDate("2026-12-30", cc), "2027-01-04");
  Order o = Confirmed({{2, 100, 0}}, 0);
  o.set_expected_ship_date("2026-12-10");
  EXPECT_FALSE(IsBackordered(o, cc, "2026-12-10"));
  EXPECT_TRUE(IsBackordered(o, cc, "2026-12-11"));
  cc.set_backorder_days(3);
  EXPECT_FALSE(IsBackordered(o, cc, "2026-12-13"));
  EXPECT_TRUE(IsBackordered(o, cc, "2026-12-14"));
  o.mutable_lines(0)->set_shipped_quantity(2);  // nothing open: never backordered
  EXPECT_FALSE(IsBackordered(o, cc, "2027-06-01"));
  EXPECT_TRUE(CheckDate("d", "2026-02-28").ok());
  EXPECT_FALSE(CheckDate("d", "2026-02-30").ok());
  EXPECT_FALSE(CheckDate("d", "2026-2-3").ok());
  EXPECT_FALSE(CheckDate("d", "").ok());
}

// Submitted at noon UTC on 2026-03-01; lines of products p1, p2, ...
Order SubmittedOn(std::vector<LineSpec> lines) {
  Order o = Confirmed(lines, 0);
  for (int i = 0; i < o.lines_size(); ++i)
    o.mutable_lines(i)->set_product_id("p" + std::to_string(i + 1));
  o.mutable_submitted_at()->set_seconds(1772366400);  // 2026-03-01T12:00:00Z
  return o;
}

order::v1::CallCenter Notices(int first, int second, int cancellation) {
  order::v1::CallCenter cc;
  cc.set_first_notice_days(first);
  cc.set_second_notice_days(second);
  cc.set_cancellation_notice_days(cancellation);
  return cc;
}

void Recorded(Order& o, const std::vector<std::string>& kinds) {
  for (const auto& k : kinds) o.add_delay_notices()->set_kind(k);
}

TEST(FulfillmentTest, NoticesFallDueCountedFromTheSubmitDateEachOnce) {
  Order o = SubmittedOn({{2, 2000, 0}});
  const auto cc = Notices(10, 20, 30);
  using V = std::vector<std::string>;
  EXPECT_EQ(DueNotices(o, cc, false, {}, "2026-03-10"), V{});
  EXPECT_EQ(DueNotices(o, cc, false, {}, "2026-03-11"), V{kFirstNotice});  // submit + 10
  Recorded(o, {kFirstNotice});
  EXPECT_EQ(DueNotices(o, cc, false, {}, "2026-03-11"), V{});
  EXPECT_EQ(DueNotices(o, cc, false, {}, "2026-03-21"), V{kSecondNotice});
  Recorded(o, {kSecondNotice});
  EXPECT_EQ(DueNotices(o, cc, false, {}, "2026-03-31"), V{kCancellationNotice});
  // A run that missed days records every notice it passed, in order.
  Order late = SubmittedOn({{1, 1000, 0}});
  EXPECT_EQ(DueNotices(late, cc, false, {}, "2026-04-30"),
            (V{kFirstNotice, kSecondNotice, kCancellationNotice}));
  // Switched off (0), an exempt customer, an exempt product's lines, nothing
  // open, a status that cannot ship: nothing.
  EXPECT_EQ(DueNotices(late, Notices(0, 20, 0), false, {}, "2026-04-30"), V{kSecondNotice});
  EXPECT_EQ(DueNotices(late, cc, true, {}, "2026-04-30"), V{});
  EXPECT_EQ(DueNotices(late, cc, false, {"p1"}, "2026-04-30"), V{});
  Order shipped = SubmittedOn({{1, 1000, 0}});
  Record(shipped, "s1", {{"l1", 1}});
  EXPECT_EQ(DueNotices(shipped, cc, false, {}, "2026-04-30"), V{});
  Order canceled = SubmittedOn({{1, 1000, 0}});
  canceled.set_status(common::v1::ORDER_STATUS_CANCELED);
  EXPECT_EQ(DueNotices(canceled, cc, false, {}, "2026-04-30"), V{});
  Order draft = Confirmed({{1, 1000, 0}}, 0);  // never submitted
  EXPECT_EQ(DueNotices(draft, cc, false, {}, "2026-04-30"), V{});
}

TEST(FulfillmentTest, TheCancellationNoticeCancelsTheOpenUnitsNotExempt) {
  // Nothing shipped, nothing exempt: CANCELED.
  Order none = SubmittedOn({{2, 2000, 160}, {1, 500, 40}});
  EXPECT_EQ(CancelOpenQuantity(none, {}), 3);
  EXPECT_EQ(none.status(), common::v1::ORDER_STATUS_CANCELED);
  // An exempt product's line stays open; the order is still CONFIRMED.
  Order exempt = SubmittedOn({{2, 2000, 160}, {1, 500, 40}});
  EXPECT_EQ(CancelOpenQuantity(exempt, {"p2"}), 2);
  EXPECT_EQ(exempt.status(), common::v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(exempt.lines(0).canceled_quantity(), 2);
  EXPECT_EQ(exempt.lines(1).canceled_quantity(), 0);
  // Part shipped: the rest canceled, SHIPPED; the invoices plus what the
  // canceled units were worth make the total, and the payment's rest is
  // released with nothing due.
  Order part = SubmittedOn({{3, 1000, 80}});
  Pay(part, "card", part.total().minor_units());
  ASSERT_TRUE(RecomputePaid(&part).ok());
  const int64_t invoice = Record(part, "s1", {{"l1", 1}});
  EXPECT_EQ(invoice, 333 + 26);
  Settle(part, 0);
  EXPECT_EQ(CancelOpenQuantity(part, {}), 2);
  EXPECT_EQ(part.status(), common::v1::ORDER_STATUS_SHIPPED);
  EXPECT_EQ(CanceledValue(part), 667 + 54);  // the last two units: their cents
  EXPECT_EQ(invoice + CanceledValue(part), part.total().minor_units());
  EXPECT_EQ(ReleaseUnneeded(part), part.total().minor_units() - invoice);
  EXPECT_EQ(part.payments(0).status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(part.paid_total().minor_units(), invoice);
  EXPECT_EQ(part.balance_due().minor_units(), 0);
}

TEST(FulfillmentTest, ChecksAndGiftCardsAreTakenAtSubmitAndAppliedFirstCome) {
  Order o = Confirmed({{2, 10000, 0}}, 0);  // 100.00, two units of 50.00
  Pay(o, "gift", 3000)->set_method(common::v1::PAYMENT_METHOD_GIFT_CARD);
  Pay(o, "card", 5000)->set_method(common::v1::PAYMENT_METHOD_CARD);
  Pay(o, "check", 2000)->set_method(common::v1::PAYMENT_METHOD_CHECK);
  EXPECT_EQ(MarkPrepaidTaken(o), (std::vector<std::string>{"gift", "check"}));
  ASSERT_TRUE(RecomputePaid(&o).ok());
  EXPECT_EQ(o.payments(0).status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(o.payments(1).status(), common::v1::PAYMENT_STATUS_AUTHORIZED);
  EXPECT_EQ(o.paid_total().minor_units(), 10000);
  EXPECT_EQ(MarkPrepaidTaken(o).size(), 0u);  // once
  // The first invoice: the gift card's 30.00 first (added first), then the card.
  Record(o, "s1", {{"l1", 1}});
  EXPECT_EQ(Settle(o, 0), (std::vector<std::string>{"gift:3000", "card:2000"}));
  EXPECT_EQ(o.payments(0).captured().minor_units(), 3000);  // taken at submit, unchanged
  EXPECT_EQ(Available(o, o.payments(0)), 0);
  EXPECT_EQ(o.payments(1).status(), common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED);
  Record(o, "s2", {{"l1", 1}});
  EXPECT_EQ(Settle(o, 1), (std::vector<std::string>{"card:3000", "check:2000"}));
  EXPECT_EQ(o.payments(1).status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(o.payments(2).status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(ReleaseUnneeded(o), 0);
  EXPECT_EQ(o.paid_total().minor_units(), 10000);
  EXPECT_EQ(o.balance_due().minor_units(), 0);
}

TEST(FulfillmentTest, PrepaidTakenAtSubmitGoesBackWithAnOrderNothingShippedOf) {
  Order o = Confirmed({{1, 5000, 0}}, 0);
  Pay(o, "gift", 5000)->set_method(common::v1::PAYMENT_METHOD_GIFT_CARD);
  MarkPrepaidTaken(o);
  MarkLivePaymentsVoided(&o);
  EXPECT_EQ(o.payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(o.paid_total().minor_units(), 0);
  // Once something shipped, it stays taken.
  Order shipped = Confirmed({{2, 5000, 0}}, 0);
  Pay(shipped, "gift", 5000)->set_method(common::v1::PAYMENT_METHOD_GIFT_CARD);
  MarkPrepaidTaken(shipped);
  Record(shipped, "s1", {{"l1", 1}});
  MarkLivePaymentsVoided(&shipped);
  EXPECT_EQ(shipped.payments(0).status(), common::v1::PAYMENT_STATUS_CAPTURED);
}

}  // namespace
}  // namespace callcenter::orchestration

namespace callcenter::orchestration {
namespace {

// A payment taken with a schedule: 3333, 3333, 3334, the first `first`.
OrderPayment* PayInInstallments(Order& o, const std::string& id, common::v1::PaymentStatus status,
                                common::v1::PaymentStatus first) {
  OrderPayment* p = Pay(o, id, 10000, status);
  for (int64_t part : {3333, 3333, 3334}) {
    auto* i = p->add_installments();
    *i->mutable_amount() = MoneyOf("USD", part);
    i->set_status(common::v1::PAYMENT_STATUS_PENDING);
  }
  p->mutable_installments(0)->set_status(first);
  if (first == common::v1::PAYMENT_STATUS_CAPTURED) *p->mutable_captured() = MoneyOf("USD", 3333);
  return p;
}

TEST(FulfillmentTest, ShipmentsNeitherCaptureNorReleaseAnInstallmentPayment) {
  Order o = Confirmed({{2, 10000, 0}}, 0);
  PayInInstallments(o, "plan", common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED,
                    common::v1::PAYMENT_STATUS_CAPTURED);
  ASSERT_TRUE(RecomputePaid(&o).ok());
  EXPECT_EQ(o.paid_total().minor_units(), 10000);
  EXPECT_EQ(Uncaptured(o.payments(0)), 0);
  Record(o, "s1", {{"l1", 2}});
  EXPECT_TRUE(Settle(o, 0).empty());  // the installments pay it, when due
  EXPECT_EQ(ReleaseUnneeded(o), 0);
  EXPECT_EQ(o.payments(0).status(), common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED);
  EXPECT_EQ(o.paid_total().minor_units(), 10000);

  // A declined installment is due again; a payment for it pays the invoice.
  o.mutable_payments(0)->mutable_installments(1)->set_status(common::v1::PAYMENT_STATUS_DECLINED);
  ASSERT_TRUE(RecomputePaid(&o).ok());
  EXPECT_EQ(o.paid_total().minor_units(), 10000 - 3333);
  EXPECT_EQ(o.balance_due().minor_units(), 3333);
  Pay(o, "card", 3333);
  ASSERT_TRUE(RecomputePaid(&o).ok());
  EXPECT_EQ(o.balance_due().minor_units(), 0);
  EXPECT_EQ(Settle(o, 0), (std::vector<std::string>{"card:3333"}));
}

TEST(FulfillmentTest, AnUndoneOrCanceledOrderShowsItsInstallmentPaymentVoided) {
  Order o = Confirmed({{1, 10000, 0}}, 0);
  PayInInstallments(o, "plan", common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED,
                    common::v1::PAYMENT_STATUS_CAPTURED);
  MarkLivePaymentsVoided(&o);
  EXPECT_EQ(o.payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(o.paid_total().minor_units(), 0);
}

}  // namespace
}  // namespace callcenter::orchestration
