#include "services/orchestration/domain/order_math.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/money/money_proto.h"
#include "libs/priced_line/fingerprint.h"
#include "libs/status/status.h"

namespace callcenter::orchestration {
namespace {

Order WithPayments(int64_t total, std::vector<std::pair<int64_t, common::v1::PaymentStatus>> pays) {
  Order o;
  o.set_currency("USD");
  o.mutable_total()->set_minor_units(total);
  for (auto [amount, status] : pays) {
    auto* p = o.add_payments();
    p->mutable_amount()->set_minor_units(amount);
    p->set_status(status);
  }
  EXPECT_TRUE(RecomputePaid(&o).ok());
  return o;
}

TEST(OrderMathTest, DeclinedAndVoidedNeverCount) {
  Order o = WithPayments(5000, {{3000, common::v1::PAYMENT_STATUS_AUTHORIZED},
                                {9000, common::v1::PAYMENT_STATUS_DECLINED},
                                {1000, common::v1::PAYMENT_STATUS_VOIDED},
                                {500, common::v1::PAYMENT_STATUS_CAPTURED}});
  EXPECT_EQ(o.paid_total().minor_units(), 3500);
  EXPECT_EQ(o.balance_due().minor_units(), 1500);
  absl::Status s = CheckPaymentsCoverTotal(o);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("15.00 is still due"), absl::string_view::npos);
}

TEST(OrderMathTest, CoverageNeedsAnAcceptedPayment) {
  EXPECT_FALSE(CheckPaymentsCoverTotal(WithPayments(0, {})).ok());
  EXPECT_FALSE(
      CheckPaymentsCoverTotal(WithPayments(100, {{100, common::v1::PAYMENT_STATUS_DECLINED}})).ok());
  EXPECT_TRUE(
      CheckPaymentsCoverTotal(WithPayments(100, {{100, common::v1::PAYMENT_STATUS_AUTHORIZED}})).ok());
}

TEST(OrderMathTest, ApplyPricingMatchesLinesById) {
  Order o;
  o.set_currency("USD");
  o.add_lines()->set_line_id("a");
  o.add_lines()->set_line_id("b");
  pricing::v1::PriceOrderResponse r;
  auto* b = r.add_lines();
  b->set_line_id("b");
  b->mutable_net_amount()->set_minor_units(200);
  auto* a = r.add_lines();
  a->set_line_id("a");
  a->mutable_net_amount()->set_minor_units(100);
  r.mutable_total()->set_minor_units(300);
  ASSERT_TRUE(ApplyPricing(r, &o).ok());
  EXPECT_EQ(o.lines(0).net_amount().minor_units(), 100);
  EXPECT_EQ(o.lines(1).net_amount().minor_units(), 200);
  EXPECT_EQ(o.balance_due().minor_units(), 300);
  o.add_lines()->set_line_id("c");
  EXPECT_EQ(ApplyPricing(r, &o).code(), absl::StatusCode::kInternal);
}

// Lines pricing left out (their fingerprint matched) keep their prices;
// an answer that does not add up is refused, not half applied.
TEST(OrderMathTest, LinesLeftOutAsUnchangedKeepTheirPrices) {
  Order o;
  o.set_currency("USD");
  o.set_status(common::v1::ORDER_STATUS_DRAFT);
  for (const char* id : {"a", "b", "c"}) {
    auto* l = o.add_lines();
    l->set_line_id(id);
    *l->mutable_unit_price() = MoneyOf("USD", 100);
    *l->mutable_net_amount() = MoneyOf("USD", 100);
  }
  pricing::v1::PriceOrderRequest request;
  for (const auto& l : o.lines()) request.add_lines()->set_line_id(l.line_id());
  AddPricedFingerprints(o, &request);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(request.lines(i).priced_fingerprint(), priced_line::Fingerprint(o.lines(i)));
  }
  pricing::v1::PriceOrderResponse r;
  auto* b = r.add_lines();
  b->set_line_id("b");
  *b->mutable_unit_price() = MoneyOf("USD", 80);
  *b->mutable_net_amount() = MoneyOf("USD", 80);
  r.set_unchanged_lines(2);
  *r.mutable_total() = MoneyOf("USD", 280);
  ASSERT_TRUE(ApplyPricing(r, &o).ok());
  EXPECT_EQ(o.lines(0).net_amount().minor_units(), 100);
  EXPECT_EQ(o.lines(1).net_amount().minor_units(), 80);
  EXPECT_EQ(o.lines(2).net_amount().minor_units(), 100);
  EXPECT_EQ(o.balance_due().minor_units(), 280);
  r.set_unchanged_lines(1);  // 1 + 1 of 3 lines
  Order before = o;
  EXPECT_EQ(ApplyPricing(r, &o).code(), absl::StatusCode::kInternal);
  EXPECT_EQ(o.SerializeAsString(), before.SerializeAsString());
}

// What an installment payment may still take once lines were canceled:
// the order's total less the canceled units' value, its other payments and
// what it took; nothing to cap while no line is canceled.
TEST(OrderMathTest, InstallmentsMayTakeWhatTheOrderStillOwes) {
  Order o;
  o.set_currency("USD");
  auto* line = o.add_lines();
  line->set_quantity(5);
  *line->mutable_net_amount() = MoneyOf("USD", 10000);
  *line->mutable_tax() = MoneyOf("USD", 0);
  *o.mutable_total() = MoneyOf("USD", 10000);
  auto* plan = o.add_payments();
  plan->set_payment_id("plan");
  plan->set_status(common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED);
  *plan->mutable_amount() = MoneyOf("USD", 9000);
  auto* gift = o.add_payments();
  gift->set_payment_id("gift");
  gift->set_status(common::v1::PAYMENT_STATUS_AUTHORIZED);
  *gift->mutable_amount() = MoneyOf("USD", 1000);
  EXPECT_EQ(InstallmentsMayStillTake(o, "plan", 3000), std::nullopt);
  line->set_canceled_quantity(3);  // 60.00 canceled: 40.00 owed, 10.00 by the gift card
  EXPECT_EQ(InstallmentsMayStillTake(o, "plan", 0), 3000);
  EXPECT_EQ(InstallmentsMayStillTake(o, "plan", 2500), 500);
  EXPECT_EQ(InstallmentsMayStillTake(o, "plan", 3000), 0);
  EXPECT_EQ(InstallmentsMayStillTake(o, "plan", 5000), 0);  // never below nothing
  gift->set_status(common::v1::PAYMENT_STATUS_VOIDED);       // a voided one pays nothing
  EXPECT_EQ(InstallmentsMayStillTake(o, "plan", 0), 4000);
}

// A return's credit taken off the installments is no longer owed either:
// the plan takes that much less, and the balance due does not show it.
TEST(OrderMathTest, CreditTakenOffTheInstallmentsIsNoLongerOwed) {
  Order o;
  o.set_currency("USD");
  *o.mutable_total() = MoneyOf("USD", 30000);
  auto* plan = o.add_payments();
  plan->set_payment_id("plan");
  plan->set_status(common::v1::PAYMENT_STATUS_PARTIALLY_CAPTURED);
  *plan->mutable_amount() = MoneyOf("USD", 30000);
  plan->add_installments()->set_status(common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(InstallmentsMayStillTake(o, "plan", 10000), std::nullopt);
  *o.mutable_installments_credit() = MoneyOf("USD", 15000);
  EXPECT_EQ(InstallmentsMayStillTake(o, "plan", 10000), 5000);
  EXPECT_EQ(InstallmentsMayStillTake(o, "plan", 15000), 0);
  // The last installment released: the plan took 150.00 of 300.00.
  *plan->mutable_amount() = MoneyOf("USD", 15000);
  plan->set_status(common::v1::PAYMENT_STATUS_CAPTURED);
  ASSERT_TRUE(RecomputePaid(&o).ok());
  EXPECT_EQ(o.paid_total().minor_units(), 15000);
  EXPECT_EQ(o.balance_due().minor_units(), 0);
  o.clear_installments_credit();  // without it, 150.00 would show as due
  ASSERT_TRUE(RecomputePaid(&o).ok());
  EXPECT_EQ(o.balance_due().minor_units(), 15000);
}

// Repricing an order that already holds prices must leave exactly what
// pricing a fresh copy leaves (ApplyPricing skips fields that hold the
// price already), presence of empty amounts included.
TEST(OrderMathTest, RepricingInPlaceEqualsPricingAFreshCopy) {
  // A field added to these messages must be compared by ApplyPricing too.
  EXPECT_EQ(common::v1::Money::descriptor()->field_count(), 2);
  EXPECT_EQ(common::v1::AppliedDiscount::descriptor()->field_count(), 4);
  std::mt19937 rng(3);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  auto money = [&](common::v1::Money* m) {
    if (pick(4) == 0) return;  // absent
    m->set_currency(pick(5) == 0 ? "EUR" : "USD");
    m->set_minor_units(pick(3) == 0 ? 0 : pick(1000));
  };
  auto price = [&](const Order& order) {
    pricing::v1::PriceOrderResponse r;
    for (const auto& line : order.lines()) {
      auto* p = r.add_lines();
      p->set_line_id(line.line_id());
      if (pick(3) != 0) p->set_product_name(absl::StrCat("name ", pick(3)));
      money(p->mutable_base_price());
      money(p->mutable_unit_price());
      money(p->mutable_discount());
      money(p->mutable_net_amount());
      money(p->mutable_tax());
      for (int d = pick(3); d > 0; --d) {
        auto* x = p->add_discounts();
        x->set_discount_id(absl::StrCat("D", pick(3)));
        if (pick(2)) x->set_name("Spring");
        if (pick(2)) x->set_coupon_code("C1");
        money(x->mutable_amount());
      }
      p->set_margin_bp(pick(5000));
    }
    money(r.mutable_total());
    return r;
  };
  for (int n = 0; n < 300; ++n) {
    Order order;
    order.set_currency("USD");
    order.set_status(common::v1::ORDER_STATUS_DRAFT);
    for (int i = pick(6); i >= 0; --i) order.add_lines()->set_line_id(absl::StrCat("l", i));
    ASSERT_TRUE(ApplyPricing(price(order), &order).ok());
    // Some lines priced again the same, some differently.
    pricing::v1::PriceOrderResponse again = price(order);
    for (int i = 0; i < again.lines_size(); ++i) {
      if (pick(2) == 0) continue;
      const auto& line = order.lines(i);
      auto* p = again.mutable_lines(i);
      p->set_product_name(line.product_name());
      if (line.has_base_price()) *p->mutable_base_price() = line.base_price(); else p->clear_base_price();
      if (line.has_unit_price()) *p->mutable_unit_price() = line.unit_price(); else p->clear_unit_price();
      if (line.has_discount()) *p->mutable_discount() = line.discount(); else p->clear_discount();
      if (line.has_net_amount()) *p->mutable_net_amount() = line.net_amount(); else p->clear_net_amount();
      if (line.has_tax()) *p->mutable_tax() = line.tax(); else p->clear_tax();
      *p->mutable_discounts() = line.discounts();
    }
    Order fresh = order;
    for (auto& line : *fresh.mutable_lines()) {
      line.clear_product_name();
      line.clear_base_price();
      line.clear_unit_price();
      line.clear_discount();
      line.clear_net_amount();
      line.clear_tax();
      line.clear_discounts();
    }
    ASSERT_TRUE(ApplyPricing(again, &order).ok());
    ASSERT_TRUE(ApplyPricing(again, &fresh).ok());
    ASSERT_EQ(order.SerializeAsString(), fresh.SerializeAsString()) << n;
  }
}

TEST(OrderMathTest, AnEmptyOrderPricesToZeroInItsCurrency) {
  Order o;
  o.set_currency("EUR");
  EXPECT_TRUE(HasNothingToPrice(o));
  ASSERT_TRUE(ApplyZeroPricing(&o).ok());
  for (const auto* m : {&o.subtotal(), &o.discount_total(), &o.charges_total(), &o.tax_total(),
                        &o.total(), &o.paid_total(), &o.balance_due()}) {
    EXPECT_EQ(m->currency(), "EUR");
    EXPECT_EQ(m->minor_units(), 0);
  }
  o.set_delivery_mode("EXPRESS");  // a delivery charge may apply
  EXPECT_FALSE(HasNothingToPrice(o));
  o.clear_delivery_mode();
  o.add_lines()->set_line_id("a");
  EXPECT_FALSE(HasNothingToPrice(o));
}

TEST(OrderMathTest, LivePaymentsMarkedVoidedNoLongerCount) {
  Order o;
  o.set_currency("USD");
  o.mutable_total()->set_minor_units(5000);
  auto pay = [&](common::v1::PaymentStatus status, int64_t amount) {
    auto* p = o.add_payments();
    p->set_status(status);
    p->mutable_amount()->set_minor_units(amount);
  };
  pay(common::v1::PAYMENT_STATUS_AUTHORIZED, 3000);
  pay(common::v1::PAYMENT_STATUS_PENDING, 1000);
  pay(common::v1::PAYMENT_STATUS_DECLINED, 5000);
  pay(common::v1::PAYMENT_STATUS_CAPTURED, 2000);  // money taken: a refund, not a void
  ASSERT_TRUE(RecomputePaid(&o).ok());
  EXPECT_EQ(o.paid_total().minor_units(), 5000);
  MarkLivePaymentsVoided(&o);
  EXPECT_EQ(o.payments(0).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(o.payments(1).status(), common::v1::PAYMENT_STATUS_VOIDED);
  EXPECT_EQ(o.payments(2).status(), common::v1::PAYMENT_STATUS_DECLINED);
  EXPECT_EQ(o.payments(3).status(), common::v1::PAYMENT_STATUS_CAPTURED);
  EXPECT_EQ(o.paid_total().minor_units(), 2000);
  EXPECT_EQ(o.balance_due().minor_units(), 3000);
}

TEST(OrderMathTest, PaymentsThatWouldWrapArePaidNothingAndRefused) {
  // Four authorisations of about 4.6e16 once summed, unchecked, to exactly
  // the order total (the wrap-around attack). Checked, they are an error.
  Order o;
  o.set_currency("USD");
  o.mutable_total()->set_minor_units(1000);
  for (int64_t amount : {int64_t{4611686018427387904}, int64_t{4611686018427387904},
                         int64_t{4611686018427387904}, int64_t{4611686018427388904}}) {
    auto* p = o.add_payments();
    p->set_status(common::v1::PAYMENT_STATUS_AUTHORIZED);
    p->mutable_amount()->set_minor_units(amount);
  }
  absl::Status s = RecomputePaid(&o);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(s), kReasonAmountOverflow);
  EXPECT_FALSE(o.has_paid_total());  // nothing written on the order
}

}  // namespace
}  // namespace callcenter::orchestration
