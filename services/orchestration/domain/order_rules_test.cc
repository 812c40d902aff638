// Table-driven tests of the front door's order edits and decisions.
#include "services/orchestration/domain/order_rules.h"

#include "gtest/gtest.h"
#include "libs/status/status.h"

namespace callcenter::orchestration {
namespace {

using common::v1::Money;

Money Usd(int64_t m) {
  Money x;
  x.set_currency("USD");
  x.set_minor_units(m);
  return x;
}

// A priced order: `total`, of which `paid` is paid.
Order Priced(int64_t total, int64_t paid) {
  Order o;
  o.set_currency("USD");
  *o.mutable_total() = Usd(total);
  *o.mutable_paid_total() = Usd(paid);
  *o.mutable_balance_due() = Usd(total - paid);
  return o;
}

TEST(OrderRulesTest, PaymentAmount) {
  struct Case {
    const char* name;
    int64_t total, paid;
    bool has_amount;
    Money amount;
    int32_t percent_bp;
    int64_t want;               // when OK
    absl::StatusCode code;      // else
    std::string field, reason;  // of an INVALID_ARGUMENT
  };
  const auto ok = absl::StatusCode::kOk;
  const auto bad = absl::StatusCode::kInvalidArgument;
  const auto pre = absl::StatusCode::kFailedPrecondition;
  const Case cases[] = {
      {"empty amount: the balance due", 10000, 2500, false, {}, 0, 7500, ok, "", ""},
      {"nothing due", 10000, 10000, false, {}, 0, 0, pre, "", ""},
      {"an amount", 10000, 0, true, Usd(4000), 0, 4000, ok, "", ""},
      {"exactly the balance due", 10000, 2500, true, Usd(7500), 0, 7500, ok, "", ""},
      {"a cent above it", 10000, 2500, true, Usd(7501), 0, 0, bad, "amount",
       "PAYMENT_EXCEEDS_BALANCE"},
      {"another currency", 10000, 0, true,
       [] {
         Money m = Usd(100);
         m.set_currency("EUR");
         return m;
       }(),
       0, 0, bad, "amount.currency", "INVALID_FIELD"},
      {"zero", 10000, 0, true, Usd(0), 0, 0, bad, "amount", "INVALID_FIELD"},
      {"negative", 10000, 0, true, Usd(-5), 0, 0, bad, "amount", "INVALID_FIELD"},
      {"25% of 8.50 rounds half away from zero", 850, 0, false, {}, 2500, 213, ok, "", ""},
      {"100%", 850, 0, false, {}, 10000, 850, ok, "", ""},
      {"a share above the balance",
       10000,
       5000,
       false,
       {},
       6000,
       0,
       bad,
       "percent_of_total_bp",
       "PAYMENT_EXCEEDS_BALANCE"},
      {"percent beyond 100%",
       10000,
       0,
       false,
       {},
       10001,
       0,
       bad,
       "percent_of_total_bp",
       "INVALID_FIELD"},
      {"negative percent", 10000, 0, false, {}, -1, 0, bad, "percent_of_total_bp", "INVALID_FIELD"},
      {"both amount and percent", 10000, 0, true, Usd(100), 100, 0, bad, "percent_of_total_bp",
       "INVALID_FIELD"},
      {"a share of nothing", 1, 0, false, {}, 1, 0, pre, "", ""},
  };
  for (const Case& c : cases) {
    const Order order = Priced(c.total, c.paid);
    absl::StatusOr<int64_t> got =
        PaymentAmount(order, c.has_amount ? &c.amount : nullptr, c.percent_bp);
    if (c.code == ok) {
      ASSERT_TRUE(got.ok()) << c.name << ": " << got.status();
      EXPECT_EQ(*got, c.want) << c.name;
      continue;
    }
    ASSERT_FALSE(got.ok()) << c.name;
    EXPECT_EQ(got.status().code(), c.code) << c.name;
    if (!c.field.empty()) {
      ASSERT_FALSE(FieldViolationsOf(got.status()).empty()) << c.name;
      EXPECT_EQ(FieldViolationsOf(got.status())[0].first, c.field) << c.name;
      EXPECT_EQ(ReasonOf(got.status()), c.reason) << c.name;
    }
  }
}

TEST(OrderRulesTest, LineEdits) {
  Order o;
  OrderEvent added = AddLine(o, "L1", "P1", 2, common::v1::LINE_ORIGIN_UNSPECIFIED, "ann");
  EXPECT_EQ(o.lines(0).origin(), common::v1::LINE_ORIGIN_NONE);
  EXPECT_EQ(added.kind(), "line_added");
  EXPECT_EQ(added.detail(), "2 x P1");
  EXPECT_EQ(AddLine(o, "L2", "P2", 1, common::v1::LINE_ORIGIN_UPSELL, "ann").detail(),
            "1 x P2 from a prompt (LINE_ORIGIN_UPSELL)");
  absl::StatusOr<OrderEvent> changed = ChangeQuantity(o, "L1", 5, "ann");
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->detail(), "P1: 2 -> 5");
  EXPECT_EQ(o.lines(0).quantity(), 5);
  EXPECT_EQ(ChangeQuantity(o, "nope", 1, "ann").status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<OrderEvent> removed = RemoveLine(o, "L1", "ann");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->detail(), "P1");
  ASSERT_EQ(o.lines_size(), 1);
  EXPECT_EQ(o.lines(0).line_id(), "L2");
  EXPECT_EQ(RemoveLine(o, "L1", "ann").status().code(), absl::StatusCode::kNotFound);
}

TEST(OrderRulesTest, NewDraftTakesCallCenterAndCustomerTerms) {
  order::v1::CallCenter cc;
  cc.set_call_center_id("cc");
  cc.set_currency("EUR");
  (*cc.mutable_financial_dimensions())["cost_center"] = "phone";
  order::v1::Customer customer;
  customer.set_customer_id("cust");
  customer.mutable_delivery_address()->set_country("DE");
  const Order o = NewDraft(cc, customer, "ann");
  EXPECT_EQ(o.status(), common::v1::ORDER_STATUS_DRAFT);
  EXPECT_EQ(o.call_center_id(), "cc");
  EXPECT_EQ(o.customer_id(), "cust");
  EXPECT_EQ(o.currency(), "EUR");
  EXPECT_EQ(o.created_by(), "ann");
  EXPECT_EQ(o.financial_dimensions().at("cost_center"), "phone");
  EXPECT_EQ(o.delivery_address().country(), "DE");
  EXPECT_EQ(o.lines_size(), 0);
}

TEST(OrderRulesTest, OverridePrice) {
  struct Case {
    const char* name;
    int64_t system_price, new_price;
    const char* want_detail;
  };
  const Case cases[] = {
      {"down", 850, 800, "TEA: 8.50 -> 8.00 (MATCH)"},
      {"up", 850, 1000, "TEA: 8.50 -> 10.00 (MATCH)"},
      {"to zero", 850, 0, "TEA: 8.50 -> 0.00 (MATCH)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    common::v1::OrderLine line;
    line.set_product_id("TEA");
    *line.mutable_unit_price() = Usd(c.system_price);
    const OrderEvent e = OverridePrice(line, Usd(c.new_price), c.system_price, "MATCH", "ann");
    EXPECT_EQ(line.unit_price().minor_units(), c.new_price);
    EXPECT_TRUE(line.price_overridden());
    EXPECT_EQ(line.override_reason_code(), "MATCH");
    EXPECT_EQ(e.kind(), "price_overridden");
    EXPECT_EQ(e.user_id(), "ann");
    EXPECT_EQ(e.detail(), c.want_detail);
  }
}

TEST(OrderRulesTest, FreeSourceLinesComeOnceEach) {
  Order o;
  o.set_currency("USD");
  AddLine(o, "L1", "MUG", 1, common::v1::LINE_ORIGIN_NONE, "ann");
  int n = 0;
  auto ids = [&] { return "F" + std::to_string(++n); };
  std::vector<OrderEvent> events =
      AddFreeSourceLines(o, "SPRING", {"MUG", "PEN", "PEN", "CAP"}, ids, "ann");
  ASSERT_EQ(events.size(), 2u);  // MUG was on the order, PEN once
  ASSERT_EQ(o.lines_size(), 3);
  EXPECT_EQ(o.lines(1).product_id(), "PEN");
  EXPECT_TRUE(o.lines(1).price_overridden());
  EXPECT_EQ(o.lines(1).unit_price().minor_units(), 0);
  EXPECT_EQ(o.lines(1).override_reason_code(), "FREE_WITH_SOURCE_CODE");
  EXPECT_EQ(events[1].detail(), "1 x CAP free with source code SPRING");
  EXPECT_TRUE(AddFreeSourceLines(o, "SPRING", {"PEN", "CAP"}, ids, "ann").empty());
}

TEST(OrderRulesTest, Delivery) {
  order::v1::CallCenter cc;
  cc.add_delivery_modes("STANDARD");
  cc.add_delivery_modes("EXPRESS");
  common::v1::Address us, usa;
  us.set_country("US");
  usa.set_country("USA");
  struct Case {
    const char* mode;
    const common::v1::Address* address;
    std::string field;  // "" = accepted
  };
  const Case cases[] = {
      {"STANDARD", nullptr, ""},
      {"EXPRESS", &us, ""},
      {"DRONE", nullptr, "delivery_mode"},
      {"STANDARD", &usa, "address.country"},
  };
  for (const Case& c : cases) {
    absl::Status s = CheckDelivery(cc, c.mode, c.address);
    if (c.field.empty()) {
      EXPECT_TRUE(s.ok()) << c.mode << ": " << s;
    } else {
      EXPECT_EQ(FieldViolationsOf(s).at(0).first, c.field) << c.mode;
    }
  }
}

TEST(OrderRulesTest, SubmitHoldAndCancel) {
  using common::v1::OrderStatus;
  struct Case {
    OrderStatus status;
    bool may_cancel;
    absl::StatusCode hold, cancel;
  };
  const auto ok = absl::StatusCode::kOk;
  const auto pre = absl::StatusCode::kFailedPrecondition;
  const auto denied = absl::StatusCode::kPermissionDenied;
  const Case cases[] = {
      {common::v1::ORDER_STATUS_DRAFT, true, ok, ok},
      {common::v1::ORDER_STATUS_ON_HOLD, true, ok, ok},
      {common::v1::ORDER_STATUS_CONFIRMED, true, ok, pre},
      {common::v1::ORDER_STATUS_PARTIALLY_SHIPPED, true, ok, pre},
      {common::v1::ORDER_STATUS_SHIPPED, true, ok, pre},
      {common::v1::ORDER_STATUS_CANCELED, true, pre, pre},
      {common::v1::ORDER_STATUS_DRAFT, false, ok, denied},
  };
  for (const Case& c : cases) {
    Order o;
    o.set_status(c.status);
    order::v1::CallCenterUser user;
    user.set_user_id("ann");
    user.set_may_cancel(c.may_cancel);
    EXPECT_EQ(CheckMayHold(o).code(), c.hold) << OrderStatus_Name(c.status);
    EXPECT_EQ(CheckMayCancel(o, user).code(), c.cancel) << OrderStatus_Name(c.status);
  }
  Order o;
  EXPECT_EQ(SubmitOutcome(o), common::v1::ORDER_STATUS_CONFIRMED);
  o.add_holds()->set_open(false);
  EXPECT_EQ(SubmitOutcome(o), common::v1::ORDER_STATUS_CONFIRMED);  // cleared holds don't hold
  o.add_holds()->set_open(true);
  EXPECT_EQ(SubmitOutcome(o), common::v1::ORDER_STATUS_ON_HOLD);
  o.set_status(common::v1::ORDER_STATUS_DRAFT);
  EXPECT_EQ(RequireDraft(o).code(), ok);
  o.set_status(common::v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(RequireDraft(o).code(), pre);
}

TEST(OrderRulesTest, FeatureSwitches) {
  order::v1::CallCenter cc;
  cc.set_call_center_id("cc1");
  EXPECT_TRUE(RequireFeature(true, cc, kDirectedSelling, "source codes are").ok());
  absl::Status off = RequireFeature(false, cc, kDirectedSelling, "source codes are");
  EXPECT_EQ(off.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(off.message(),
            "directed selling is switched off for call center cc1: source codes are refused");
  EXPECT_EQ(ReasonOf(off), kReasonFeatureDisabled);
  EXPECT_EQ(MetadataOf(off).at("feature"), "directed selling");
}

TEST(OrderRulesTest, ContinuityPlanning) {
  pricing::v1::PriceOrderResponse priced;
  auto* plain = priced.add_lines();
  plain->set_product_id("TEA");
  auto* vitamins = priced.add_lines();
  vitamins->set_product_id("VIT");
  vitamins->set_quantity(2);
  *vitamins->mutable_net_amount() = Usd(3000);
  vitamins->mutable_continuity()->set_interval_days(30);
  vitamins->mutable_continuity()->set_repeats(6);
  auto* refill = priced.add_lines();
  refill->set_product_id("KIT");
  refill->set_quantity(1);
  refill->mutable_continuity()->set_product_id("REFILL");
  *refill->mutable_continuity()->mutable_price() = Usd(900);
  Order order;
  auto pay = [&](const char* id, common::v1::PaymentMethod m, common::v1::PaymentStatus st) {
    auto* p = order.add_payments();
    p->set_payment_id(id);
    p->set_method(m);
    p->set_status(st);
    p->set_last4(std::string(id).substr(0, 4));
  };
  pay("1111-a", common::v1::PAYMENT_METHOD_CARD, common::v1::PAYMENT_STATUS_DECLINED);
  pay("2222-b", common::v1::PAYMENT_METHOD_CARD, common::v1::PAYMENT_STATUS_AUTHORIZED);
  pay("3333-c", common::v1::PAYMENT_METHOD_CHECK, common::v1::PAYMENT_STATUS_AUTHORIZED);
  const auto plans = PlanContinuity(priced, order, "2026-12-02");
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_EQ(plans[0].product_id(), "VIT");
  EXPECT_EQ(plans[0].quantity(), 2);
  EXPECT_EQ(plans[0].price().minor_units(), 3000);  // no plan price: the line's net amount
  EXPECT_EQ(plans[0].interval_days(), 30);
  EXPECT_EQ(plans[0].repeats(), 6);
  EXPECT_EQ(plans[0].start_date(), "2026-12-02");
  EXPECT_EQ(plans[0].payment_token(), "2222-b");  // the authorised card, not the check
  EXPECT_EQ(plans[0].payment_last4(), "2222");
  EXPECT_EQ(plans[1].product_id(), "REFILL");  // the plan ships another product
  EXPECT_EQ(plans[1].price().minor_units(), 900);
}

}  // namespace
}  // namespace callcenter::orchestration

namespace callcenter::orchestration {
namespace {

TEST(OrderRulesTest, InstallmentsOnlyWhereOfferedAndEligible) {
  Order draft;
  draft.set_status(common::v1::ORDER_STATUS_DRAFT);
  draft.set_source_code("CAT");
  order::v1::Customer eligible;
  eligible.set_customer_id("c1");
  eligible.set_installment_eligible(true);
  order::v1::Customer not_eligible = eligible;
  not_eligible.set_installment_eligible(false);
  Order confirmed = draft;
  confirmed.set_status(common::v1::ORDER_STATUS_CONFIRMED);
  Order no_source = draft;
  no_source.clear_source_code();
  const std::vector<std::string> offered = {"plan"};
  struct Row {
    const char* name;
    const Order* order;
    common::v1::PaymentMethod method;
    std::vector<std::string> offered;
    const order::v1::Customer* customer;
    std::vector<std::string> ineligible;
    absl::StatusCode want;
    const char* names;  // what the message names
  };
  const Row rows[] = {
      {"card", &draft, common::v1::PAYMENT_METHOD_CARD, offered, &eligible, {},
       absl::StatusCode::kOk, ""},
      {"on account", &draft, common::v1::PAYMENT_METHOD_ON_ACCOUNT, offered, &eligible, {},
       absl::StatusCode::kOk, ""},
      {"check", &draft, common::v1::PAYMENT_METHOD_CHECK, offered, &eligible, {},
       absl::StatusCode::kInvalidArgument, "method"},
      {"gift card", &draft, common::v1::PAYMENT_METHOD_GIFT_CARD, offered, &eligible, {},
       absl::StatusCode::kInvalidArgument, "method"},
      {"submitted", &confirmed, common::v1::PAYMENT_METHOD_CARD, offered, &eligible, {},
       absl::StatusCode::kFailedPrecondition, "draft"},
      {"not offered", &draft, common::v1::PAYMENT_METHOD_CARD, {"other"}, &eligible, {},
       absl::StatusCode::kFailedPrecondition, "does not offer"},
      {"no source code", &no_source, common::v1::PAYMENT_METHOD_CARD, {}, &eligible, {},
       absl::StatusCode::kFailedPrecondition, "source code"},
      {"customer", &draft, common::v1::PAYMENT_METHOD_CARD, offered, &not_eligible, {},
       absl::StatusCode::kFailedPrecondition, "customer c1"},
      {"product", &draft, common::v1::PAYMENT_METHOD_CARD, offered, &eligible, {"sofa"},
       absl::StatusCode::kFailedPrecondition, "product sofa"},
  };
  for (const Row& r : rows) {
    absl::Status s =
        CheckInstallmentsAllowed(*r.order, r.method, "plan", r.offered, *r.customer, r.ineligible);
    EXPECT_EQ(s.code(), r.want) << r.name << ": " << s;
    EXPECT_NE(std::string(s.message()).find(r.names), std::string::npos) << r.name << ": " << s;
    if (r.want == absl::StatusCode::kFailedPrecondition) {
      EXPECT_EQ(ReasonOf(s), "INSTALLMENTS_NOT_ALLOWED") << r.name;
    }
  }
}

}  // namespace
}  // namespace callcenter::orchestration
