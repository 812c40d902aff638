#include "services/orchestration/domain/returns.h"

#include <random>

#include "gtest/gtest.h"
#include "libs/money/money_proto.h"
#include "services/orchestration/domain/fulfillment.h"

namespace callcenter::orchestration {
namespace {

using common::v1::OrderLine;

OrderLine Line(int32_t quantity, int32_t shipped, int64_t net, int64_t tax) {
  OrderLine l;
  l.set_line_id("l1");
  l.set_product_id("P1");
  l.set_quantity(quantity);
  l.set_shipped_quantity(shipped);
  *l.mutable_net_amount() = MoneyOf("USD", net);
  *l.mutable_tax() = MoneyOf("USD", tax);
  return l;
}

// DOMAIN 10: returned units are counted back from the last invoiced unit.
TEST(ReturnsTest, CreditsAreTheReturnedUnitsInvoicedShares) {
  struct Row {
    int32_t quantity, shipped;
    int64_t net, tax;
    int32_t returned_before, units;
    int64_t credit;
  } rows[] = {
      // 3 units of 10.00: invoiced 3.33, 3.33, 3.34; the last one back first.
      {3, 3, 1000, 0, 0, 1, 334},
      {3, 3, 1000, 0, 1, 1, 333},
      {3, 3, 1000, 0, 0, 3, 1000},
      // With tax 0.80 (0.26, 0.27, 0.27 per unit).
      {3, 3, 1000, 80, 0, 2, 334 + 333 + 27 + 27},
      // Two of three shipped (3.33, 3.33): returning both gives 6.66.
      {3, 2, 1000, 0, 0, 2, 666},
      {3, 2, 1000, 0, 0, 1, 333},
      // Nothing to round.
      {4, 4, 2000, 100, 1, 2, 1000 + 50},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(
        ReturnedUnitsCredit(Line(r.quantity, r.shipped, r.net, r.tax), r.returned_before, r.units),
        r.credit)
        << r.quantity << " units, " << r.shipped << " shipped, returning " << r.units << " after "
        << r.returned_before;
  }
}

// Returning every shipped unit of a line, in any steps, gives back exactly
// what its shipments invoiced for it.
TEST(ReturnsTest, ReturningEveryUnitGivesBackExactlyWhatWasInvoiced) {
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    const int32_t q = 1 + static_cast<int32_t>(rng() % 12);
    const int32_t shipped = 1 + static_cast<int32_t>(rng() % q);
    const int64_t net = rng() % 100000, tax = rng() % 9000;
    const OrderLine line = Line(q, shipped, net, tax);
    const int64_t invoiced = UnitsShare(net, q, 0, shipped) + UnitsShare(tax, q, 0, shipped);
    int64_t credited = 0;
    int32_t returned = 0;
    while (returned < shipped) {
      const int32_t units = 1 + static_cast<int32_t>(rng() % (shipped - returned));
      credited += ReturnedUnitsCredit(line, returned, units);
      returned += units;
    }
    ASSERT_EQ(credited, invoiced) << q << " units, " << shipped << " shipped, " << net;
  }
}

TEST(ReturnsTest, ChargesArePercentOrFixedAndNeverBelowZero) {
  struct Row {
    int32_t bp;
    int64_t fixed, credit, charge;
  } rows[] = {
      {1000, 0, 5000, 500},  // 10%
      {1500, 0, 333, 50},    // 15% of 3.33 = 0.4995 -> 0.50 (half away from zero)
      {0, 700, 5000, 700},   // fixed per return
      {0, 700, 500, 500},    // never more than the credit
      {1000, 100, 5000, 600}, {0, 0, 5000, 0},
  };
  for (const Row& r : rows) {
    order::v1::ReturnReason reason;
    reason.set_charge_bp(r.bp);
    *reason.mutable_charge_amount() = MoneyOf("USD", r.fixed);
    EXPECT_EQ(ReturnCharge(reason, r.credit), r.charge) << r.bp << " bp + " << r.fixed;
  }
}

TEST(ReturnsTest, AdjustmentsStayWithinTheUsersAllowance) {
  struct Row {
    int64_t computed, requested;
    int32_t max_bp;
    absl::StatusCode code;
  } rows[] = {
      {10000, 11000, 1000, absl::StatusCode::kOk},  // +10% of 100.00
      {10000, 9000, 1000, absl::StatusCode::kOk},   // -10%
      {10000, 11001, 1000, absl::StatusCode::kPermissionDenied},
      {10000, 8999, 1000, absl::StatusCode::kPermissionDenied},
      {10000, 10000, 0, absl::StatusCode::kOk},  // no change needs no allowance
      {10000, 10001, 0, absl::StatusCode::kPermissionDenied},
      {10000, -1, 20000, absl::StatusCode::kInvalidArgument},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(CheckCreditAdjustment(r.computed, r.requested, r.max_bp, "u1").code(), r.code)
        << r.computed << " -> " << r.requested << " within " << r.max_bp;
  }
}

common::v1::OrderPayment* Paid(Order& o, common::v1::PaymentMethod method, int64_t captured) {
  auto* p = o.add_payments();
  p->set_payment_id("p" + std::to_string(o.payments_size()));
  p->set_method(method);
  *p->mutable_amount() = MoneyOf("USD", captured);
  *p->mutable_captured() = MoneyOf("USD", captured);
  p->set_status(common::v1::PAYMENT_STATUS_CAPTURED);
  return p;
}

TEST(ReturnsTest, TheRefundMethodFollowsD365sRule) {
  using common::v1::PaymentMethod;
  order::v1::CallCenter on_account, check, unset;
  on_account.set_refund_method(common::v1::PAYMENT_METHOD_ON_ACCOUNT);
  check.set_refund_method(common::v1::PAYMENT_METHOD_CHECK);
  struct Row {
    std::vector<PaymentMethod> paid_with;
    const order::v1::CallCenter* call_center;
    PaymentMethod expected;
  } rows[] = {
      {{common::v1::PAYMENT_METHOD_CARD}, &on_account, common::v1::PAYMENT_METHOD_CARD},
      {{common::v1::PAYMENT_METHOD_GIFT_CARD}, &check, common::v1::PAYMENT_METHOD_GIFT_CARD},
      {{common::v1::PAYMENT_METHOD_CHECK}, &on_account, common::v1::PAYMENT_METHOD_ON_ACCOUNT},
      {{common::v1::PAYMENT_METHOD_ON_ACCOUNT}, &check, common::v1::PAYMENT_METHOD_CHECK},
      {{common::v1::PAYMENT_METHOD_CARD, common::v1::PAYMENT_METHOD_CARD},
       &check,
       common::v1::PAYMENT_METHOD_CHECK},
      {{common::v1::PAYMENT_METHOD_CARD, common::v1::PAYMENT_METHOD_GIFT_CARD},
       &on_account,
       common::v1::PAYMENT_METHOD_ON_ACCOUNT},
      {{common::v1::PAYMENT_METHOD_CHECK}, &unset, common::v1::PAYMENT_METHOD_CHECK},
  };
  for (const Row& r : rows) {
    Order o;
    o.set_currency("USD");
    for (PaymentMethod m : r.paid_with) Paid(o, m, 1000);
    EXPECT_EQ(RefundMethodFor(o, *r.call_center), r.expected);
  }
  // A declined or voided payment (nothing captured) does not count.
  Order o;
  o.set_currency("USD");
  Paid(o, common::v1::PAYMENT_METHOD_CARD, 0)->set_status(common::v1::PAYMENT_STATUS_DECLINED);
  Paid(o, common::v1::PAYMENT_METHOD_CARD, 1000);
  EXPECT_EQ(RefundMethodFor(o, check), common::v1::PAYMENT_METHOD_CARD);
}

TEST(ReturnsTest, RefundsNeverExceedWhatWasCapturedLessRefunded) {
  Order o;
  o.set_currency("USD");
  Paid(o, common::v1::PAYMENT_METHOD_CHECK, 3000);
  Paid(o, common::v1::PAYMENT_METHOD_CARD, 5000);
  EXPECT_EQ(Refundable(o), 8000);
  // By check: from the last payment added first.
  std::vector<v1::ReturnRefund> first = PlanRefunds(o, 6000, common::v1::PAYMENT_METHOD_CHECK);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].payment_id(), "p2");
  EXPECT_EQ(first[0].amount().minor_units(), 5000);
  EXPECT_EQ(first[1].amount().minor_units(), 1000);
  EXPECT_EQ(o.payments(1).status(), common::v1::PAYMENT_STATUS_REFUNDED);
  EXPECT_EQ(o.payments(0).status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(o.payments(0).refunded().minor_units(), 1000);
  // Only 20.00 is left, whatever is asked.
  std::vector<v1::ReturnRefund> rest = PlanRefunds(o, 9000, common::v1::PAYMENT_METHOD_CHECK);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].amount().minor_units(), 2000);
  EXPECT_EQ(Refundable(o), 0);
  EXPECT_TRUE(PlanRefunds(o, 100, common::v1::PAYMENT_METHOD_CHECK).empty());
}

// A credit beyond what was captured comes off the installments still due
// (at most what they would still take), and stays counted on the order.
TEST(ReturnsTest, ACreditBeyondTheCapturesComesOffTheInstallmentsStillDue) {
  Order o;
  o.set_currency("USD");
  *o.mutable_total() = MoneyOf("USD", 30000);
  auto* plan = o.add_payments();
  plan->set_payment_id("plan");
  plan->set_method(common::v1::PAYMENT_METHOD_CARD);
  plan->set_status(common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED);
  *plan->mutable_amount() = MoneyOf("USD", 30000);
  *plan->mutable_captured() = MoneyOf("USD", 10000);
  for (auto status : {common::v1::PAYMENT_STATUS_CAPTURED, common::v1::PAYMENT_STATUS_PENDING,
                      common::v1::PAYMENT_STATUS_PENDING}) {
    auto* i = plan->add_installments();
    *i->mutable_amount() = MoneyOf("USD", 10000);
    i->set_status(status);
  }
  EXPECT_EQ(CreditInstallments(o, 0), 0);
  EXPECT_FALSE(o.has_installments_credit());
  EXPECT_EQ(CreditInstallments(o, 5000), 5000);
  EXPECT_EQ(o.installments_credit().minor_units(), 5000);
  // 200.00 planned, 50.00 credited: 150.00 more at most, whatever is asked.
  EXPECT_EQ(CreditInstallments(o, 90000), 15000);
  EXPECT_EQ(o.installments_credit().minor_units(), 20000);
  EXPECT_EQ(CreditInstallments(o, 100), 0);
  // A declined installment is not taken: its amount is due again, as the
  // balance due, and the credit comes off that too.
  o.clear_installments_credit();
  plan->mutable_installments(1)->set_status(common::v1::PAYMENT_STATUS_DECLINED);
  EXPECT_EQ(CreditInstallments(o, 90000), 10000);
  o.clear_installments_credit();
  *o.mutable_balance_due() = MoneyOf("USD", 10000);
  EXPECT_EQ(CreditInstallments(o, 90000), 20000);
  // The plan done (its last installment declined): only the balance due.
  o.clear_installments_credit();
  plan->mutable_installments(2)->set_status(common::v1::PAYMENT_STATUS_DECLINED);
  plan->set_status(common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(CreditInstallments(o, 90000), 10000);
  o.clear_balance_due();
  o.clear_installments_credit();
  plan->set_status(common::v1::PAYMENT_STATUS_VOIDED);  // a voided plan: nothing to credit
  EXPECT_EQ(CreditInstallments(o, 90000), 0);
  // Without a schedule there is nothing to take it off, balance due or not.
  Order card;
  card.set_currency("USD");
  Paid(card, common::v1::PAYMENT_METHOD_CARD, 5000);
  *card.mutable_balance_due() = MoneyOf("USD", 1000);
  EXPECT_EQ(CreditInstallments(card, 1000), 0);
}

TEST(ReturnsTest, ApprovalIsNeededAtOrAboveTheThreshold) {
  order::v1::CallCenter cc;
  EXPECT_FALSE(NeedsApproval(cc, 1'000'000));  // 0: none needed
  *cc.mutable_refund_approval_threshold() = MoneyOf("USD", 5000);
  EXPECT_FALSE(NeedsApproval(cc, 4999));
  EXPECT_TRUE(NeedsApproval(cc, 5000));
}

Order ShippedOrder() {
  Order o;
  o.set_order_id("o1");
  o.set_currency("USD");
  o.set_status(common::v1::ORDER_STATUS_PARTIALLY_SHIPPED);
  *o.add_lines() = Line(3, 2, 3000, 240);
  OrderLine l2 = Line(1, 0, 500, 0);
  l2.set_line_id("l2");
  *o.add_lines() = l2;
  return o;
}

v1::StartReturnRequest Request(const std::string& line_id, int32_t quantity,
                               v1::Disposition disposition, const std::string& reason = "DAMAGED") {
  v1::StartReturnRequest r;
  r.set_order_id("o1");
  r.set_reason_code(reason);
  auto* l = r.add_lines();
  l->set_line_id(line_id);
  l->set_quantity(quantity);
  l->set_disposition(disposition);
  return r;
}

TEST(ReturnsTest, PlanningAReturnChecksEveryRule) {
  order::v1::CallCenter cc;
  auto* reason = cc.add_return_reasons();
  reason->set_reason_code("DAMAGED");
  reason->set_charge_bp(1000);
  const Order o = ShippedOrder();
  absl::StatusOr<v1::ReturnOrder> ok = PlanReturn(o, cc, Request("l1", 2, v1::DISPOSITION_CREDIT));
  ASSERT_TRUE(ok.ok()) << ok.status();
  // 2 shipped units of 30.00 + 2.40 tax: 20.00 + 1.60 = 21.60, less 10%.
  EXPECT_EQ(ok->lines(0).credit().minor_units(), 2160);
  EXPECT_EQ(ok->charge().minor_units(), 216);
  EXPECT_EQ(ok->credit_total().minor_units(), 1944);
  EXPECT_EQ(ok->status(), v1::RETURN_STATUS_AWAITING_RECEIPT);
  EXPECT_EQ(PlanReturn(o, cc, Request("l1", 1, v1::DISPOSITION_CREDIT_ONLY))->status(),
            v1::RETURN_STATUS_RECEIVED);
  EXPECT_EQ(PlanReturn(o, cc, Request("l1", 3, v1::DISPOSITION_CREDIT)).status().code(),
            absl::StatusCode::kFailedPrecondition);  // only 2 shipped
  EXPECT_EQ(PlanReturn(o, cc, Request("l2", 1, v1::DISPOSITION_CREDIT)).status().code(),
            absl::StatusCode::kFailedPrecondition);  // not shipped
  EXPECT_EQ(PlanReturn(o, cc, Request("l1", 1, v1::DISPOSITION_CREDIT, "NOPE")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanReturn(o, cc, Request("l9", 1, v1::DISPOSITION_CREDIT)).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(PlanReturn(o, cc, Request("l1", 0, v1::DISPOSITION_CREDIT)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanReturn(o, cc, Request("l1", 1, v1::DISPOSITION_UNSPECIFIED)).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Returned already: fewer left.
  Order after = o;
  BookReturnedUnits(after, *ok);
  EXPECT_EQ(after.lines(0).returned_quantity(), 2);
  EXPECT_EQ(PlanReturn(after, cc, Request("l1", 1, v1::DISPOSITION_CREDIT)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  Order draft = o;
  draft.set_status(common::v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(PlanReturn(draft, cc, Request("l1", 1, v1::DISPOSITION_CREDIT)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ReturnsTest, PriceMatchCreditsTheDifferenceOnShippedUnitsWithinTheMaximum) {
  order::v1::CallCenter cc;
  *cc.mutable_max_order_credit() = MoneyOf("USD", 1000);
  Order o = ShippedOrder();  // l1: 3 units for 30.00 (10.00 each), 2 shipped
  EXPECT_EQ(*PriceMatchCredit(o, cc, o.lines(0), 800), 400);  // 2.00 x 2
  EXPECT_EQ(PriceMatchCredit(o, cc, o.lines(0), 1000).status().code(),
            absl::StatusCode::kInvalidArgument);  // not lower
  EXPECT_EQ(PriceMatchCredit(o, cc, o.lines(0), 400).status().code(),
            absl::StatusCode::kFailedPrecondition);  // 12.00 > 10.00 max
  EXPECT_EQ(PriceMatchCredit(o, cc, o.lines(1), 100).status().code(),
            absl::StatusCode::kFailedPrecondition);  // not shipped
  // A second match counts from the last matched price and the credits so far.
  *o.mutable_lines(0)->mutable_matched_unit_price() = MoneyOf("USD", 800);
  *o.mutable_credits_total() = MoneyOf("USD", 400);
  EXPECT_EQ(*PriceMatchCredit(o, cc, o.lines(0), 500), 600);
  EXPECT_EQ(PriceMatchCredit(o, cc, o.lines(0), 499).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ReturnsTest, ReceiptsCountOnlyGoodsThatComeBack) {
  v1::ReturnOrder ret;
  ret.set_status(v1::RETURN_STATUS_AWAITING_RECEIPT);
  auto* a = ret.add_lines();
  a->set_line_id("l1");
  a->set_quantity(2);
  a->set_disposition(v1::DISPOSITION_CREDIT);
  auto* b = ret.add_lines();
  b->set_line_id("l2");
  b->set_quantity(1);
  b->set_disposition(v1::DISPOSITION_CREDIT_ONLY);
  google::protobuf::RepeatedPtrField<common::v1::ShipmentLine> lines;
  auto* s = lines.Add();
  s->set_line_id("l1");
  s->set_quantity(1);
  EXPECT_EQ(*ReceiveReturnedUnits(ret, lines), 1);
  EXPECT_EQ(ret.status(), v1::RETURN_STATUS_AWAITING_RECEIPT);
  s->set_quantity(2);
  EXPECT_EQ(ReceiveReturnedUnits(ret, lines).status().code(),
            absl::StatusCode::kFailedPrecondition);  // one left
  s->set_line_id("l2");
  s->set_quantity(1);
  EXPECT_EQ(ReceiveReturnedUnits(ret, lines).status().code(),
            absl::StatusCode::kInvalidArgument);  // credit only
  s->set_line_id("l1");
  EXPECT_EQ(*ReceiveReturnedUnits(ret, lines), 1);
  EXPECT_EQ(ret.status(), v1::RETURN_STATUS_RECEIVED);
  EXPECT_EQ(CheckMayCancelReturn(ret).code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace callcenter::orchestration
