// Table-driven tests of the pricing rules (DOMAIN.md section 3), to the cent.
#include "services/pricing/domain/engine.h"

#include <map>
#include <random>
#include <set>

#include "gtest/gtest.h"
#include "libs/money/money.h"
#include "libs/priced_line/fingerprint.h"
#include "libs/status/status.h"

namespace callcenter::pricing {
namespace {

constexpr char kToday[] = "2026-06-15";

common::v1::Money Usd(int64_t m) {
  common::v1::Money x;
  x.set_currency("USD");
  x.set_minor_units(m);
  return x;
}

v1::Product Product(const std::string& id, int64_t price) {
  v1::Product p;
  p.set_product_id(id);
  p.set_name(id);
  *p.mutable_base_price() = Usd(price);
  *p.mutable_unit_cost() = Usd(price / 2);
  p.set_allow_price_override(true);
  return p;
}

v1::Discount Simple(const std::string& id, v1::Concurrency c, int priority,
                    std::vector<std::string> products) {
  v1::Discount d;
  d.set_discount_id(id);
  d.set_name(id);
  d.set_kind(v1::DISCOUNT_KIND_SIMPLE);
  d.set_concurrency(c);
  d.set_priority(priority);
  for (auto& p : products) d.add_product_ids(p);
  return d;
}
v1::Discount Percent(const std::string& id, v1::Concurrency c, int priority, int32_t bp,
                     std::vector<std::string> products = {}) {
  v1::Discount d = Simple(id, c, priority, products);
  d.set_percent_bp(bp);
  return d;
}
v1::Discount AmountOff(const std::string& id, v1::Concurrency c, int priority, int64_t amount,
                       std::vector<std::string> products = {}) {
  v1::Discount d = Simple(id, c, priority, products);
  *d.mutable_amount_off() = Usd(amount);
  return d;
}
v1::Discount FixedPrice(const std::string& id, v1::Concurrency c, int priority, int64_t price,
                        std::vector<std::string> products = {}) {
  v1::Discount d = Simple(id, c, priority, products);
  *d.mutable_fixed_price() = Usd(price);
  return d;
}

using Tables = Snapshot::Tables;

struct Order {
  std::vector<std::pair<std::string, int>> lines;
  std::vector<std::string> coupons;
  common::v1::ConcurrencyModel model = common::v1::CONCURRENCY_MODEL_WITHIN_PRIORITY_NEVER_ACROSS;
  std::string customer = "C1";
  std::vector<std::string> price_groups;
  std::string customer_group;
  bool explain = false;
};

// A request in USD for today with `lines` (product, quantity), ids L1, L2...
v1::PriceOrderRequest Request(const std::vector<std::pair<std::string, int>>& lines) {
  v1::PriceOrderRequest r;
  r.set_currency("USD");
  r.set_pricing_date(kToday);
  int i = 0;
  for (const auto& [product, qty] : lines) {
    auto* l = r.add_lines();
    l->set_line_id("L" + std::to_string(++i));
    l->set_product_id(product);
    l->set_quantity(qty);
  }
  return r;
}

v1::PriceOrderResponse Price(Tables t, const Order& o) {
  auto snap = Snapshot::Build(std::move(t));
  v1::PriceOrderRequest r = Request(o.lines);
  r.set_customer_id(o.customer);
  r.set_concurrency_model(o.model);
  for (const auto& g : o.price_groups) r.add_call_center_price_groups(g);
  r.set_customer_price_group(o.customer_group);
  for (const auto& c : o.coupons) r.add_coupon_codes(c);
  r.set_explain(o.explain);
  auto out = PriceOrder(*snap, r);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : v1::PriceOrderResponse();
}

// ------------------------------------------------------------ base prices

TEST(EngineTest, BasePriceTimesQuantity) {
  Tables t;
  t.products = {Product("A", 850)};
  auto r = Price(t, {{{"A", 3}}});
  EXPECT_EQ(r.lines(0).unit_price().minor_units(), 850);
  EXPECT_EQ(r.lines(0).net_amount().minor_units(), 2550);
  EXPECT_EQ(r.subtotal().minor_units(), 2550);
  EXPECT_EQ(r.total().minor_units(), 2550);
}

// Sums never wrap: prices or quantities beyond 64 bits are an error
// naming where, whatever the master data holds.
TEST(EngineTest, OverflowIsAnErrorNotAWrappedTotal) {
  struct Case {
    const char* name;
    int64_t price;
    std::vector<std::pair<std::string, int>> lines;
    std::string field;
  };
  const Case cases[] = {
      {"price times quantity", int64_t{1} << 62, {{"A", 4}}, "lines[0].quantity"},
      {"lines adding up", int64_t{1} << 61, {{"A", 2}, {"A", 2}}, "subtotal"},
  };
  for (const Case& c : cases) {
    Tables t;
    t.products = {Product("A", c.price)};
    auto snap = Snapshot::Build(std::move(t));
    auto out = PriceOrder(*snap, Request(c.lines));
    ASSERT_FALSE(out.ok()) << c.name << ": total " << out->total().minor_units();
    EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(ReasonOf(out.status()), kReasonAmountOverflow) << c.name;
    EXPECT_EQ(FieldViolationsOf(out.status())[0].first, c.field) << c.name;
  }
  // Right at the API's limits it prices exactly: 500 lines of 9,999 units at 10^12.
  Tables t;
  t.products = {Product("A", money::kMaxAmount)};
  auto snap = Snapshot::Build(std::move(t));
  const std::vector<std::pair<std::string, int>> at_the_limit(500, {"A", 9999});
  auto out = PriceOrder(*snap, Request(at_the_limit));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->total().minor_units(), money::kMaxAmount * 9999 * 500);
}

v1::TradeAgreement Agreement(const std::string& id, int64_t price, const std::string& customer,
                             const std::string& group, int from_qty = 0, std::string from = "",
                             std::string to = "") {
  v1::TradeAgreement a;
  a.set_trade_agreement_id(id);
  a.set_product_id("A");
  a.set_customer_id(customer);
  a.set_price_group_id(group);
  *a.mutable_price() = Usd(price);
  a.set_from_quantity(from_qty);
  a.set_valid_from(from);
  a.set_valid_to(to);
  return a;
}

TEST(EngineTest, TradeAgreements) {
  v1::PriceGroup high, low;
  high.set_price_group_id("HIGH");
  high.set_priority(10);
  low.set_price_group_id("LOW");
  low.set_priority(1);
  struct Case {
    std::string name;
    std::vector<v1::TradeAgreement> agreements;
    int quantity;
    int64_t want_unit;
  } cases[] = {
      {"none: base price", {}, 1, 1000},
      {"all customers", {Agreement("t1", 900, "", "")}, 1, 900},
      {"higher agreement still replaces base", {Agreement("t1", 1100, "", "")}, 1, 1100},
      {"lowest of customer and all", {Agreement("t1", 900, "", ""), Agreement("t2", 850, "C1", "")}, 1, 850},
      {"other customer ignored", {Agreement("t1", 700, "C2", "")}, 1, 1000},
      {"quantity break not reached", {Agreement("t1", 800, "", "", 5)}, 4, 1000},
      {"quantity break reached", {Agreement("t1", 800, "", "", 5)}, 5, 800},
      {"expired", {Agreement("t1", 800, "", "", 0, "2026-01-01", "2026-06-14")}, 1, 1000},
      {"valid through today", {Agreement("t1", 800, "", "", 0, "2026-01-01", "2026-06-15")}, 1, 800},
      {"not yet valid", {Agreement("t1", 800, "", "", 0, "2026-06-16")}, 1, 1000},
      {"only highest-priority group counts",
       {Agreement("t1", 950, "", "HIGH"), Agreement("t2", 700, "", "LOW")}, 1, 950},
      {"lower group used when the higher has none for the quantity",
       {Agreement("t1", 950, "", "HIGH", 10), Agreement("t2", 700, "", "LOW")}, 1, 700},
      {"group agreement vs cheaper all-customers", {Agreement("t1", 950, "", "HIGH"), Agreement("t2", 900, "", "")}, 1, 900},
      {"group not on the order", {Agreement("t1", 500, "", "OTHER")}, 1, 1000},
  };
  for (const Case& c : cases) {
    Tables t;
    t.products = {Product("A", 1000)};
    t.price_groups = {high, low};
    t.trade_agreements = c.agreements;
    Order o{{{"A", c.quantity}}};
    o.price_groups = {"HIGH", "LOW"};
    auto r = Price(t, o);
    EXPECT_EQ(r.lines(0).unit_price().minor_units(), c.want_unit) << c.name;
    EXPECT_EQ(r.lines(0).net_amount().minor_units(), c.want_unit * c.quantity) << c.name;
  }
}

// ------------------------------------------------------ simple discounts

TEST(EngineTest, PercentRoundsHalfAwayFromZeroPerLine) {
  Tables t;
  t.products = {Product("A", 850)};
  t.discounts = {Percent("d", v1::CONCURRENCY_BEST_PRICE, 1, 2500)};
  auto r = Price(t, {{{"A", 1}}});
  EXPECT_EQ(r.lines(0).discount().minor_units(), 213);  // 2.125 -> 2.13
  EXPECT_EQ(r.lines(0).net_amount().minor_units(), 637);
  auto three = Price(t, {{{"A", 3}}});
  EXPECT_EQ(three.lines(0).discount().minor_units(), 638);  // 6.375 -> 6.38
  EXPECT_EQ(three.lines(0).net_amount().minor_units(), 1912);
  ASSERT_EQ(three.lines(0).discounts_size(), 1);
  EXPECT_EQ(three.lines(0).discounts(0).discount_id(), "d");
}

TEST(EngineTest, SimpleKinds) {
  struct Case {
    std::string name;
    v1::Discount discount;
    int quantity;
    int64_t want_discount;
  } cases[] = {
      {"percent", Percent("d", v1::CONCURRENCY_BEST_PRICE, 1, 1000), 2, 400},
      {"amount per unit", AmountOff("d", v1::CONCURRENCY_BEST_PRICE, 1, 150), 2, 300},
      {"amount capped at the price", AmountOff("d", v1::CONCURRENCY_BEST_PRICE, 1, 5000), 2, 4000},
      {"fixed price per unit", FixedPrice("d", v1::CONCURRENCY_BEST_PRICE, 1, 1500), 2, 1000},
      {"fixed price above the price: nothing", FixedPrice("d", v1::CONCURRENCY_BEST_PRICE, 1, 2500), 2, 0},
      {"other product", Percent("d", v1::CONCURRENCY_BEST_PRICE, 1, 1000, {"B"}), 2, 0},
  };
  for (const Case& c : cases) {
    Tables t;
    t.products = {Product("A", 2000)};
    t.discounts = {c.discount};
    auto r = Price(t, {{{"A", c.quantity}}});
    EXPECT_EQ(r.lines(0).discount().minor_units(), c.want_discount) << c.name;
    EXPECT_EQ(r.discount_total().minor_units(), c.want_discount) << c.name;
  }
}

TEST(EngineTest, ExpiredPreventedAndPriceGroupScopedDiscounts) {
  Tables t;
  t.products = {Product("A", 1000), Product("B", 1000)};
  t.products[1].set_prevent_discounts(true);
  v1::Discount expired = Percent("exp", v1::CONCURRENCY_BEST_PRICE, 5, 5000);
  expired.set_valid_to("2026-06-14");
  v1::Discount scoped = Percent("grp", v1::CONCURRENCY_BEST_PRICE, 1, 1000);
  scoped.add_price_group_ids("VIP");
  t.discounts = {expired, scoped};
  auto none = Price(t, {{{"A", 1}, {"B", 1}}});
  EXPECT_EQ(none.discount_total().minor_units(), 0);
  Order vip{{{"A", 1}, {"B", 1}}};
  vip.customer_group = "VIP";
  auto r = Price(t, vip);
  EXPECT_EQ(r.lines(0).discount().minor_units(), 100);
  EXPECT_EQ(r.lines(1).discount().minor_units(), 0);  // prevent_discounts
}

// --------------------------------------------------------- quantity tiers

TEST(EngineTest, QuantityTiers) {
  v1::Discount q;
  q.set_discount_id("qty");
  q.set_kind(v1::DISCOUNT_KIND_QUANTITY);
  q.set_concurrency(v1::CONCURRENCY_BEST_PRICE);
  auto* t1 = q.add_tiers();
  t1->set_min_quantity(3);
  *t1->mutable_amount_off() = Usd(100);
  auto* t2 = q.add_tiers();
  t2->set_min_quantity(10);
  t2->set_percent_bp(1500);
  struct Case {
    int quantity;
    int64_t want;
  } cases[] = {{2, 0}, {3, 300}, {9, 900}, {10, 1500}, {11, 1650}};
  for (const Case& c : cases) {
    Tables t;
    t.products = {Product("A", 1000)};
    t.discounts = {q};
    auto r = Price(t, {{{"A", c.quantity}}});
    EXPECT_EQ(r.lines(0).discount().minor_units(), c.want) << c.quantity;
  }
}

// ----------------------------------------------------------- mix and match

v1::Discount MixMatch(const std::string& id, int needed, std::vector<std::string> products) {
  v1::Discount d;
  d.set_discount_id(id);
  d.set_kind(v1::DISCOUNT_KIND_MIX_AND_MATCH);
  d.set_concurrency(v1::CONCURRENCY_BEST_PRICE);
  d.set_mix_match_needed(needed);
  for (auto& p : products) d.add_product_ids(p);
  return d;
}

TEST(EngineTest, MixAndMatchFixedPriceForTheSet) {
  Tables t;
  t.products = {Product("A", 4000), Product("B", 6000)};
  v1::Discount d = MixMatch("mm", 2, {"A", "B"});
  *d.mutable_fixed_price() = Usd(7000);  // A 40.00 + B 60.00 -> 70.00
  t.discounts = {d};
  auto r = Price(t, {{{"A", 1}, {"B", 1}}});
  EXPECT_EQ(r.discount_total().minor_units(), 3000);
  EXPECT_EQ(r.lines(0).discount().minor_units(), 1200);  // in proportion 40:60
  EXPECT_EQ(r.lines(1).discount().minor_units(), 1800);
  EXPECT_EQ(r.total().minor_units(), 7000);
}

TEST(EngineTest, MixAndMatchPercentSetsMostExpensiveFirst) {
  Tables t;
  t.products = {Product("A", 4000), Product("B", 6000), Product("C", 1000)};
  v1::Discount d = MixMatch("mm", 2, {"A", "B", "C"});
  d.set_percent_bp(3000);
  t.discounts = {d};
  // Units: B 60, A 40, C 10: one set (B, A) -> 30.00 off; C is left over.
  auto r = Price(t, {{{"A", 1}, {"B", 1}, {"C", 1}}});
  EXPECT_EQ(r.lines(0).discount().minor_units(), 1200);
  EXPECT_EQ(r.lines(1).discount().minor_units(), 1800);
  EXPECT_EQ(r.lines(2).discount().minor_units(), 0);
  // Two sets of the same product: 4 units of A, 30% off each set.
  auto four = Price(t, {{{"A", 4}}});
  EXPECT_EQ(four.lines(0).discount().minor_units(), 4800);
}

TEST(EngineTest, MixAndMatchAmountOffTheSet) {
  Tables t;
  t.products = {Product("A", 1000), Product("B", 1000)};
  v1::Discount d = MixMatch("mm", 3, {"A", "B"});
  *d.mutable_amount_off() = Usd(1000);
  t.discounts = {d};
  auto r = Price(t, {{{"A", 2}, {"B", 1}}});
  EXPECT_EQ(r.lines(0).discount().minor_units() + r.lines(1).discount().minor_units(), 1000);
  // Per unit 3.33, 3.33, 3.34 (the odd cent to the last unit): A 6.66, B 3.34.
  EXPECT_EQ(r.lines(0).discount().minor_units(), 666);
  EXPECT_EQ(r.lines(1).discount().minor_units(), 334);
}

// ------------------------------------------------------------ concurrency

struct ConcurrencyCase {
  std::string name;
  std::vector<v1::Discount> discounts;
  common::v1::ConcurrencyModel model;
  int64_t want_discount;
  std::vector<std::string> want_ids;
};

void RunConcurrency(const std::vector<ConcurrencyCase>& cases, int64_t price = 10000) {
  for (const ConcurrencyCase& c : cases) {
    Tables t;
    t.products = {Product("A", price)};
    t.discounts = c.discounts;
    Order o{{{"A", 1}}};
    o.model = c.model;
    auto r = Price(t, o);
    EXPECT_EQ(r.lines(0).discount().minor_units(), c.want_discount) << c.name;
    std::vector<std::string> ids;
    for (const auto& d : r.lines(0).discounts()) ids.push_back(d.discount_id());
    EXPECT_EQ(ids, c.want_ids) << c.name;
  }
}

constexpr auto kWithin = common::v1::CONCURRENCY_MODEL_WITHIN_PRIORITY_NEVER_ACROSS;
constexpr auto kAcross = common::v1::CONCURRENCY_MODEL_BEST_PRICE_COMPOUND_ACROSS;
constexpr auto kEx = v1::CONCURRENCY_EXCLUSIVE;
constexpr auto kBest = v1::CONCURRENCY_BEST_PRICE;
constexpr auto kComp = v1::CONCURRENCY_COMPOUND;

TEST(EngineTest, ConcurrencyWithinPriorityNeverAcross) {
  RunConcurrency({
      {"best exclusive wins alone",
       {Percent("ex10", kEx, 1, 1000), Percent("ex15", kEx, 1, 1500), Percent("c20", kComp, 1, 2000)},
       kWithin, 1500, {"ex15"}},
      {"compound combine: amount first, then percent of the reduced price",
       {Percent("c10", kComp, 1, 1000), AmountOff("c5", kComp, 1, 500)},
       kWithin, 500 + 950, {"c5", "c10"}},
      {"fixed price, then amount, then percent",
       {Percent("c10", kComp, 1, 1000), AmountOff("c5", kComp, 1, 500), FixedPrice("f80", kComp, 1, 8000)},
       kWithin, 2000 + 500 + 750, {"f80", "c5", "c10"}},
      {"best price beats a weaker combination",
       {Percent("c10", kComp, 1, 1000), Percent("c5", kComp, 1, 500), Percent("b20", kBest, 1, 2000)},
       kWithin, 2000, {"b20"}},
      {"combination beats a weaker best price",
       {Percent("c10", kComp, 1, 1000), Percent("c10b", kComp, 1, 1000), Percent("b15", kBest, 1, 1500)},
       kWithin, 1000 + 900, {"c10", "c10b"}},
      {"tie: combination wins over best price",
       {AmountOff("c5", kComp, 1, 500), AmountOff("c5b", kComp, 1, 500), AmountOff("b10", kBest, 1, 1000)},
       kWithin, 1000, {"c5", "c5b"}},
      {"tie between best prices: lower id",
       {Percent("bz", kBest, 1, 1000), Percent("ba", kBest, 1, 1000)},
       kWithin, 1000, {"ba"}},
      {"tie between exclusives: lower id",
       {Percent("ez", kEx, 1, 1000), Percent("ea", kEx, 1, 1000)},
       kWithin, 1000, {"ea"}},
      {"highest priority that has one; lower priorities ignored",
       {Percent("p2", kBest, 2, 1000), Percent("p1", kBest, 1, 5000)},
       kWithin, 1000, {"p2"}},
      {"a lower-priority exclusive does not beat a higher priority",
       {Percent("p2", kBest, 2, 1000), Percent("ex1", kEx, 1, 5000)},
       kWithin, 1000, {"p2"}},
      {"exclusive at the top priority beats compound at the same priority",
       {Percent("ex", kEx, 3, 500), Percent("c1", kComp, 3, 1000), Percent("c2", kComp, 3, 1000)},
       kWithin, 500, {"ex"}},
  });
}

TEST(EngineTest, ConcurrencyBestPriceWithinCompoundAcross) {
  RunConcurrency({
      {"winners of each priority compound, highest first",
       {Percent("p2a", kBest, 2, 1000), Percent("p2b", kBest, 2, 2000), AmountOff("p1", kBest, 1, 1000)},
       kAcross, 2000 + 1000, {"p2b", "p1"}},
      {"compound ones count as best price within a priority",
       {Percent("c10", kComp, 2, 1000), Percent("c15", kComp, 2, 1500), Percent("p1", kBest, 1, 1000)},
       kAcross, 1500 + 850, {"c15", "p1"}},
      {"percent applies to the already reduced price",
       {Percent("p3", kBest, 3, 5000), Percent("p2", kBest, 2, 5000), Percent("p1", kBest, 1, 5000)},
       kAcross, 5000 + 2500 + 1250, {"p3", "p2", "p1"}},
      {"exclusive ends it",
       {Percent("ex", kEx, 2, 1000), Percent("p1", kBest, 1, 5000)},
       kAcross, 1000, {"ex"}},
  });
}

// ------------------------------------------------------------- thresholds

v1::Discount Threshold(const std::string& id, v1::Concurrency c, int priority,
                       std::vector<std::pair<int64_t, int32_t>> pct_tiers,
                       std::vector<std::pair<int64_t, int64_t>> amount_tiers = {}) {
  v1::Discount d;
  d.set_discount_id(id);
  d.set_name(id);
  d.set_kind(v1::DISCOUNT_KIND_THRESHOLD);
  d.set_concurrency(c);
  d.set_priority(priority);
  for (auto [min, bp] : pct_tiers) {
    auto* t = d.add_tiers();
    *t->mutable_min_amount() = Usd(min);
    t->set_percent_bp(bp);
  }
  for (auto [min, amt] : amount_tiers) {
    auto* t = d.add_tiers();
    *t->mutable_min_amount() = Usd(min);
    *t->mutable_amount_off() = Usd(amt);
  }
  return d;
}

TEST(EngineTest, ThresholdAmountSpreadSoCentsAddUp) {
  Tables t;
  t.products = {Product("A", 2000), Product("B", 2000), Product("C", 2000)};
  t.discounts = {Threshold("th", kBest, 1, {}, {{5000, 1000}})};
  auto r = Price(t, {{{"A", 1}, {"B", 1}, {"C", 1}}});
  EXPECT_EQ(r.lines(0).discount().minor_units(), 333);
  EXPECT_EQ(r.lines(1).discount().minor_units(), 333);
  EXPECT_EQ(r.lines(2).discount().minor_units(), 334);
  EXPECT_EQ(r.threshold_discount_total().minor_units(), 1000);
  EXPECT_EQ(r.total().minor_units(), 5000);
}

TEST(EngineTest, ThresholdHighestTierReached) {
  Tables t;
  t.products = {Product("A", 1000)};
  t.discounts = {Threshold("th", kBest, 1, {{5000, 500}, {10000, 1000}})};
  EXPECT_EQ(Price(t, {{{"A", 4}}}).discount_total().minor_units(), 0);
  EXPECT_EQ(Price(t, {{{"A", 5}}}).discount_total().minor_units(), 250);
  EXPECT_EQ(Price(t, {{{"A", 10}}}).discount_total().minor_units(), 1000);
}

TEST(EngineTest, ThresholdEligibilityByLineDiscounts) {
  // A has a compound line discount, B a best-price one, C none.
  Tables base;
  base.products = {Product("A", 10000), Product("B", 10000), Product("C", 10000)};
  base.discounts = {Percent("cA", kComp, 1, 1000, {"A"}), Percent("bB", kBest, 1, 1000, {"B"})};
  struct Case {
    v1::Concurrency threshold;
    int64_t want_a, want_b, want_c;
  } cases[] = {
      // Subtotal after line discounts 280.00 reaches 100.00: 10% off eligible lines.
      {kEx, 1000, 1000, 1000},             // undiscounted lines only: C
      {kBest, 1000, 1000, 1000},           // undiscounted lines only: C
      {kComp, 1000 + 900, 1000, 1000},     // also A (all compound): 10% of 90.00
  };
  for (const Case& c : cases) {
    Tables t = base;
    t.discounts.push_back(Threshold("th", c.threshold, 1, {{10000, 1000}}));
    auto r = Price(t, {{{"A", 1}, {"B", 1}, {"C", 1}}});
    EXPECT_EQ(r.lines(0).discount().minor_units(), c.want_a) << c.threshold;
    EXPECT_EQ(r.lines(1).discount().minor_units(), c.want_b) << c.threshold;
    EXPECT_EQ(r.lines(2).discount().minor_units(), c.want_c) << c.threshold;
  }
}

TEST(EngineTest, ThresholdOnlyAtItsHighestPriority) {
  Tables t;
  t.products = {Product("A", 10000)};
  t.discounts = {Threshold("hi", kBest, 2, {{5000, 500}}), Threshold("lo", kBest, 1, {{5000, 2000}})};
  auto r = Price(t, {{{"A", 1}}});
  EXPECT_EQ(r.discount_total().minor_units(), 500);
}

// D365's own worked example (DOMAIN 3), one unit of each product, priced
// under both concurrency models.
TEST(EngineTest, D365WorkedExampleUnderBothModels) {
  Tables t;
  t.products = {Product("Prod1", 1000), Product("Prod2", 2000), Product("Prod3", 1000)};
  t.discounts = {
      Percent("BP1", kBest, 10, 1500, {"Prod1", "Prod2"}),
      Percent("BP2", kBest, 5, 2000),
      AmountOff("C1", kComp, 10, 100, {"Prod1", "Prod2"}),
      Percent("C2", kComp, 10, 1000, {"Prod1", "Prod2"}),
      Percent("C3", kComp, 5, 2500),
      Threshold("C4", kComp, 5, {{1, 1000}}),
  };
  struct Case {
    common::v1::ConcurrencyModel model;
    int64_t want_prod1, want_prod2, want_prod3;
  } cases[] = {
      // 10.00 -1.00 -0.90 (C1, C2) -0.81 (C4); 20.00 -3.00 (BP1); 10.00 -2.50 (C3) -0.75 (C4).
      {kWithin, 729, 1700, 675},
      // 10.00 -1.50 (BP1) -2.13 (C3: 25% of 8.50); 20.00 -3.00 -4.25; 10.00 -2.50 (C3,
      // and the priority-5 threshold C4 skips a line that has a priority-5 discount).
      {kAcross, 637, 1275, 750},
  };
  for (const Case& c : cases) {
    Order o{{{"Prod1", 1}, {"Prod2", 1}, {"Prod3", 1}}};
    o.model = c.model;
    auto r = Price(t, o);
    ASSERT_EQ(r.lines_size(), 3);
    EXPECT_EQ(r.lines(0).net_amount().minor_units(), c.want_prod1) << c.model;
    EXPECT_EQ(r.lines(1).net_amount().minor_units(), c.want_prod2) << c.model;
    EXPECT_EQ(r.lines(2).net_amount().minor_units(), c.want_prod3) << c.model;
  }
}

// ---------------------------------------------------------------- margins

TEST(EngineTest, MarginIsTruncatedBasisPointsOfTheNetUnitPrice) {
  struct Case {
    int64_t net_amount, unit_cost;
    int32_t quantity, want_bp;
  } cases[] = {
      {1000, 600, 1, 4000},                      // 10.00 at cost 6.00: 40 %
      {3000, 667, 3, 3330},                      // 10.00 each at cost 6.67: 33.30 %
      {1000, 1000, 1, 0},                        // at cost
      {900, 1000, 1, -1111},                     // below cost: -11.11 % truncated toward zero
      {1000, 0, 1, 10000},                       // free to make
      {333, 100, 3, 990},                        // net unit 1.11 exactly 333/3: (333-300)/333
      {0, 100, 1, kMarginFloorBp},               // sold for nothing
      {1, 1000000000000, 9999, kMarginFloorBp},  // far under cost: floored, never wraps
      {1000000000000, 1, 9999, 9999},            // 10^12 at the limits: no overflow
  };
  for (const Case& c : cases) {
    EXPECT_EQ(MarginBp(c.net_amount, c.unit_cost, c.quantity), c.want_bp)
        << c.net_amount << " " << c.unit_cost << " x" << c.quantity;
  }
}

TEST(EngineTest, MarginBands) {
  struct Case {
    int32_t margin, acceptable, questionable;
    common::v1::MarginAlert want;
  } cases[] = {
      {3000, 3000, 1000, common::v1::MARGIN_ALERT_OK},       // at acceptable
      {2999, 3000, 1000, common::v1::MARGIN_ALERT_WARNING},  // just under
      {1000, 3000, 1000, common::v1::MARGIN_ALERT_WARNING},  // at questionable
      {999, 3000, 1000, common::v1::MARGIN_ALERT_BLOCKED},   // just under
      {-500, 3000, 0, common::v1::MARGIN_ALERT_BLOCKED},     // questionable 0: below cost blocked
      {0, 3000, 0, common::v1::MARGIN_ALERT_WARNING},
      {5000, 0, 0, common::v1::MARGIN_ALERT_UNSPECIFIED},  // alerts off
  };
  for (const Case& c : cases) {
    EXPECT_EQ(MarginAlertFor(c.margin, c.acceptable, c.questionable), c.want)
        << c.margin << " " << c.acceptable << " " << c.questionable;
  }
}

TEST(EngineTest, LinesCarryMarginsAfterDiscountsOnlyWhenAsked) {
  Tables t;
  t.products = {Product("A", 10000), Product("B", 10000)};  // cost 50.00 each
  t.discounts = {Percent("a30", kBest, 1, 3000, {"A"})};
  auto snap = Snapshot::Build(t);
  v1::PriceOrderRequest r = Request({{"A", 2}, {"B", 1}});
  auto off = PriceOrder(*snap, r);
  ASSERT_TRUE(off.ok()) << off.status();
  EXPECT_EQ(off->lines(0).margin_bp(), 0);
  EXPECT_EQ(off->lines(0).margin_alert(), common::v1::MARGIN_ALERT_UNSPECIFIED);
  r.set_margin_acceptable_bp(4000);
  r.set_margin_questionable_bp(3000);
  auto on = PriceOrder(*snap, r);
  ASSERT_TRUE(on.ok()) << on.status();
  // A: 70.00 a unit after 30 % off, cost 50.00: 28.57 % -> BLOCKED.
  EXPECT_EQ(on->lines(0).margin_bp(), 2857);
  EXPECT_EQ(on->lines(0).margin_alert(), common::v1::MARGIN_ALERT_BLOCKED);
  // B: 100.00 at cost 50.00: 50 % -> OK.
  EXPECT_EQ(on->lines(1).margin_bp(), 5000);
  EXPECT_EQ(on->lines(1).margin_alert(), common::v1::MARGIN_ALERT_OK);
  EXPECT_EQ(on->total().minor_units(), off->total().minor_units());  // margins change no price
}

// ---------------------------------------------------------------- coupons

TEST(EngineTest, CouponUnlocksItsDiscount) {
  Tables t;
  t.products = {Product("A", 1000)};
  v1::Discount d = Percent("spring", kBest, 1, 2000);
  d.set_requires_coupon(true);
  t.discounts = {d};
  v1::Coupon c;
  c.set_coupon_code("SPRING20");
  c.set_discount_id("spring");
  c.set_active(true);
  c.set_max_uses(1);
  t.coupons = {c};
  EXPECT_EQ(Price(t, {{{"A", 1}}}).discount_total().minor_units(), 0);
  Order o{{{"A", 1}}};
  o.coupons = {"SPRING20"};
  auto r = Price(t, o);
  EXPECT_EQ(r.discount_total().minor_units(), 200);
  EXPECT_EQ(r.lines(0).discounts(0).coupon_code(), "SPRING20");
  ASSERT_EQ(r.coupon_results_size(), 1);
  EXPECT_TRUE(r.coupon_results(0).applied());
  // Used up: the discount no longer applies and the reason says why.
  t.coupon_uses["SPRING20"] = 1;
  auto used = Price(t, o);
  EXPECT_EQ(used.discount_total().minor_units(), 0);
  EXPECT_FALSE(used.coupon_results(0).applied());
  EXPECT_NE(used.coupon_results(0).reason().find("used up"), std::string::npos);
}

TEST(EngineTest, CheckCouponReasons) {
  Tables t;
  v1::Coupon c;
  c.set_coupon_code("C");
  c.set_discount_id("d");
  c.set_active(true);
  c.set_valid_from("2026-01-01");
  c.set_valid_to("2026-12-31");
  c.set_max_uses(10);
  c.set_max_uses_per_customer(1);
  v1::Coupon inactive = c;
  inactive.set_coupon_code("OFF");
  inactive.set_active(false);
  t.coupons = {c, inactive};
  t.coupon_uses_by_customer[Snapshot::Tables::UsesKey("C", "C9")] = 1;
  auto s = Snapshot::Build(t);
  EXPECT_TRUE(CheckCoupon(*s, "C", "C1", kToday).ok());
  EXPECT_EQ(CheckCoupon(*s, "NOPE", "C1", kToday).code(), absl::StatusCode::kNotFound);
  EXPECT_NE(CheckCoupon(*s, "OFF", "C1", kToday).message().find("inactive"), absl::string_view::npos);
  EXPECT_NE(CheckCoupon(*s, "C", "C1", "2027-01-01").message().find("expired"), absl::string_view::npos);
  EXPECT_NE(CheckCoupon(*s, "C", "C1", "2025-12-31").message().find("not valid yet"), absl::string_view::npos);
  EXPECT_NE(CheckCoupon(*s, "C", "C9", kToday).message().find("used up"), absl::string_view::npos);
}

// -------------------------------------------------------- price overrides

TEST(EngineTest, OverriddenLineKeepsItsPriceAndTakesNoDiscount) {
  Tables t;
  t.products = {Product("A", 1000)};
  t.discounts = {Percent("d", kBest, 1, 5000)};
  auto snap = Snapshot::Build(t);
  v1::PriceOrderRequest r;
  r.set_currency("USD");
  r.set_pricing_date(kToday);
  auto* l = r.add_lines();
  l->set_line_id("L1");
  l->set_product_id("A");
  l->set_quantity(2);
  *l->mutable_manual_unit_price() = Usd(900);
  auto out = PriceOrder(*snap, r);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->lines(0).price_overridden());
  EXPECT_EQ(out->lines(0).net_amount().minor_units(), 1800);
}

TEST(EngineTest, CheckPriceOverride) {
  v1::Product p = Product("A", 1000);  // unit cost 5.00
  EXPECT_TRUE(CheckPriceOverride(p, 1000, 900, 1000).ok());   // exactly 10% below
  EXPECT_EQ(CheckPriceOverride(p, 1000, 899, 1000).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckPriceOverride(p, 1000, 999, 0).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckPriceOverride(p, 1000, 1200, 0).ok());     // above the price is fine
  EXPECT_EQ(CheckPriceOverride(p, 1000, 499, 10000).code(), absl::StatusCode::kInvalidArgument);
  p.set_allow_price_override(false);
  EXPECT_EQ(CheckPriceOverride(p, 1000, 900, 1000).code(), absl::StatusCode::kFailedPrecondition);
}

// ------------------------------------------------------ charges and tax

TEST(EngineTest, DeliveryTiersAndTaxByPrefixThenCountry) {
  Tables t;
  t.products = {Product("A", 850)};
  v1::DeliveryCharge c;
  c.set_delivery_mode("STD");
  for (auto [from, amount] : {std::pair<int64_t, int64_t>{0, 595}, {5000, 795}, {10000, 0}}) {
    auto* tier = c.add_tiers();
    *tier->mutable_from_amount() = Usd(from);
    *tier->mutable_amount() = Usd(amount);
  }
  v1::DeliveryCharge pct;
  pct.set_delivery_mode("PCT");
  auto* tier = pct.add_tiers();
  *tier->mutable_from_amount() = Usd(0);
  tier->set_percent_bp(1000);
  t.delivery_charges = {c, pct};
  v1::TaxRate country, prefix;
  country.set_tax_rate_id("us");
  country.set_country("US");
  country.set_rate_bp(500);
  prefix.set_tax_rate_id("ny");
  prefix.set_postal_prefix("100");
  prefix.set_rate_bp(887);
  t.tax_rates = {country, prefix};
  auto snap = Snapshot::Build(t);
  struct Case {
    int quantity;
    std::string mode, postal;
    int64_t charges, tax, total;
  } cases[] = {
      {3, "STD", "90210", 595, 128 + 30, 2550 + 595 + 158},   // 5%: 1.275 -> 1.28, 0.2975 -> 0.30
      {7, "STD", "10001", 795, 528 + 71, 5950 + 795 + 599},   // 8.87%: 5.27765, 0.705165
      {14, "STD", "90210", 0, 595, 11900 + 595},              // free delivery from 100.00
      {3, "PCT", "90210", 255, 128 + 13, 2550 + 255 + 141},   // 10% of 25.50; tax 0.1275 -> 0.13
      {3, "NONE", "", 0, 128, 2550 + 128},                    // unknown mode: no charge
  };
  for (const Case& k : cases) {
    v1::PriceOrderRequest r;
    r.set_currency("USD");
    r.set_pricing_date(kToday);
    auto* l = r.add_lines();
    l->set_line_id("L1");
    l->set_product_id("A");
    l->set_quantity(k.quantity);
    r.set_delivery_mode(k.mode);
    r.mutable_delivery_address()->set_country("US");
    r.mutable_delivery_address()->set_postal_code(k.postal);
    auto out = PriceOrder(*snap, r);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->charges_total().minor_units(), k.charges) << k.quantity << k.mode;
    EXPECT_EQ(out->tax_total().minor_units(), k.tax) << k.quantity << k.mode;
    EXPECT_EQ(out->total().minor_units(), k.total) << k.quantity << k.mode;
  }
}

TEST(EngineTest, Errors) {
  Tables t;
  t.products = {Product("A", 100)};
  auto snap = Snapshot::Build(t);
  v1::PriceOrderRequest r;
  r.set_currency("USD");
  r.set_pricing_date(kToday);
  auto* l = r.add_lines();
  l->set_product_id("A");
  l->set_quantity(0);
  EXPECT_EQ(PriceOrder(*snap, r).status().code(), absl::StatusCode::kInvalidArgument);
  l->set_quantity(1);
  l->set_product_id("nope");
  EXPECT_EQ(PriceOrder(*snap, r).status().code(), absl::StatusCode::kNotFound);
  r.set_currency("EUR");
  l->set_product_id("A");
  EXPECT_EQ(PriceOrder(*snap, r).status().code(), absl::StatusCode::kFailedPrecondition);
}

// ---------------------------------------------------- randomized property

// A random world for the property tests: five products, `discounts`
// discounts of every kind (percent, amount off, fixed price, mix and
// match, percent and amount-off thresholds) with random concurrency and
// priority, each for every product or one; an order of 1 to 6 lines under
// either concurrency model.
void RandomWorld(std::mt19937& rng, int discounts, Tables* t, Order* o) {
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const v1::Concurrency conc[] = {kEx, kBest, kComp};
  for (int p = 0; p < 5; ++p) t->products.push_back(Product("P" + std::to_string(p), 1 + pick(20000)));
  for (int d = 0; d < discounts; ++d) {
    const std::string id = "D" + std::to_string(d);
    const std::vector<std::string> prods = pick(2) ? std::vector<std::string>{} :
                                                     std::vector<std::string>{"P" + std::to_string(pick(5))};
    switch (pick(6)) {
      case 0: t->discounts.push_back(Percent(id, conc[pick(3)], pick(3), 1 + pick(10000), prods)); break;
      case 1: t->discounts.push_back(AmountOff(id, conc[pick(3)], pick(3), 1 + pick(30000), prods)); break;
      case 2: t->discounts.push_back(FixedPrice(id, conc[pick(3)], pick(3), pick(20000), prods)); break;
      case 3: {
        v1::Discount m = MixMatch(id, 2 + pick(3), prods);
        m.set_concurrency(conc[pick(3)]);
        m.set_priority(pick(3));
        m.set_percent_bp(1 + pick(10000));
        t->discounts.push_back(m);
        break;
      }
      case 4: t->discounts.push_back(Threshold(id, conc[pick(3)], pick(3), {{pick(50000), 1 + pick(5000)}})); break;
      default:
        t->discounts.push_back(Threshold(id, conc[pick(3)], pick(3), {}, {{pick(50000), 1 + pick(50000)}}));
    }
  }
  for (int l = 0; l < 1 + pick(6); ++l) o->lines.push_back({"P" + std::to_string(pick(5)), 1 + pick(5)});
  o->model = pick(2) ? kWithin : kAcross;
}

TEST(EngineTest, RandomOrdersNeverGoBelowZeroAndTotalsAddUp) {
  std::mt19937 rng(42);
  for (int round = 0; round < 300; ++round) {
    Tables t;
    Order o;
    RandomWorld(rng, 9, &t, &o);
    auto r = Price(t, o);
    int64_t subtotal = 0, discounts = 0;
    for (const auto& line : r.lines()) {
      EXPECT_GE(line.net_amount().minor_units(), 0);
      EXPECT_EQ(line.net_amount().minor_units(),
                line.quantity() * line.unit_price().minor_units() - line.discount().minor_units());
      int64_t parts = 0;
      for (const auto& d : line.discounts()) parts += d.amount().minor_units();
      EXPECT_EQ(parts, line.discount().minor_units());
      subtotal += line.quantity() * line.unit_price().minor_units();
      discounts += line.discount().minor_units();
    }
    EXPECT_EQ(r.subtotal().minor_units(), subtotal);
    EXPECT_EQ(r.discount_total().minor_units(), discounts);
    EXPECT_EQ(r.total().minor_units(), subtotal - discounts + r.charges_total().minor_units() +
                                           r.tax_total().minor_units());
  }
}

// ------------------------------------------------- lines left out unchanged

// What of a priced line the fingerprint covers (the fields pricing sets on
// an order line), as bytes to compare.
std::string PricesOf(v1::PricedLine line) {
  line.clear_line_id();
  line.clear_product_id();
  line.clear_quantity();
  line.clear_price_overridden();
  line.clear_continuity();
  return line.SerializeAsString();
}

// A caller that holds an order's prices from its last answer and sends
// their fingerprints gets exactly the lines whose prices changed and the
// same totals; every line left out holds what a full answer would give it.
TEST(EngineTest, LinesPricedToTheHeldFingerprintAreLeftOut) {
  std::mt19937 rng(7);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  int left_out = 0, answered = 0;
  for (int round = 0; round < 400; ++round) {
    Tables t;
    Order o;
    RandomWorld(rng, 9, &t, &o);
    auto snap = Snapshot::Build(std::move(t));
    v1::PriceOrderRequest before = Request(o.lines);
    before.set_concurrency_model(o.model);
    if (pick(2) == 0) {  // margins and their alerts priced too
      before.set_margin_acceptable_bp(9000 + pick(1001));
      before.set_margin_questionable_bp(5000);
    }
    auto held = PriceOrder(*snap, before);
    ASSERT_TRUE(held.ok()) << held.status();
    // The agent's change: a line added, one removed or a quantity changed.
    v1::PriceOrderRequest after = before;
    switch (pick(4)) {
      case 0: {
        auto* l = after.add_lines();
        l->set_line_id("L99");
        l->set_product_id("P" + std::to_string(pick(5)));
        l->set_quantity(1 + pick(5));
        break;
      }
      case 1:
        if (after.lines_size() > 1) after.mutable_lines()->DeleteSubrange(pick(after.lines_size()), 1);
        break;
      case 2:
        after.mutable_lines(pick(after.lines_size()))->set_quantity(1 + pick(5));
        break;
      default:
        break;
    }
    auto full = PriceOrder(*snap, after);
    ASSERT_TRUE(full.ok()) << full.status();
    std::map<std::string, const v1::PricedLine*> held_by_id;
    for (const auto& l : held->lines()) held_by_id[l.line_id()] = &l;
    for (auto& l : *after.mutable_lines()) {
      auto it = held_by_id.find(l.line_id());
      if (it != held_by_id.end()) l.set_priced_fingerprint(priced_line::Fingerprint(*it->second));
    }
    auto elided = PriceOrder(*snap, after);
    ASSERT_TRUE(elided.ok()) << elided.status();
    ASSERT_EQ(elided->lines_size() + elided->unchanged_lines(), full->lines_size()) << round;
    std::map<std::string, const v1::PricedLine*> answered_by_id;
    for (const auto& l : elided->lines()) answered_by_id[l.line_id()] = &l;
    for (const auto& l : full->lines()) {
      auto it = answered_by_id.find(l.line_id());
      if (it != answered_by_id.end()) {
        EXPECT_EQ(it->second->SerializeAsString(), l.SerializeAsString()) << round;
        ++answered;
        // Answered only when the prices changed (or a plan rides along).
        auto was = held_by_id.find(l.line_id());
        EXPECT_TRUE(was == held_by_id.end() || l.has_continuity() ||
                    priced_line::Fingerprint(*was->second) != priced_line::Fingerprint(l))
            << round << " " << l.line_id();
      } else {
        ASSERT_TRUE(held_by_id.count(l.line_id())) << round << " " << l.line_id();
        EXPECT_EQ(PricesOf(*held_by_id[l.line_id()]), PricesOf(l)) << round << " " << l.line_id();
        ++left_out;
      }
    }
    v1::PriceOrderResponse totals = *elided, full_totals = *full;
    totals.clear_lines();
    totals.clear_unchanged_lines();
    full_totals.clear_lines();
    EXPECT_EQ(totals.SerializeAsString(), full_totals.SerializeAsString()) << round;
  }
  // Both happen often enough for the test to mean something.
  EXPECT_GT(left_out, 300);
  EXPECT_GT(answered, 150);
}

// Explained lines and lines with a continuity plan carry more than the
// fingerprint covers: always answered.
TEST(EngineTest, ExplainedAndContinuityLinesAreAlwaysAnswered) {
  Tables t;
  t.products = {Product("A", 1000), Product("S", 2000)};
  t.products[1].mutable_continuity()->set_interval_days(30);
  t.products[1].mutable_continuity()->set_repeats(3);
  auto snap = Snapshot::Build(std::move(t));
  v1::PriceOrderRequest r = Request({{"A", 1}, {"S", 1}});
  auto first = PriceOrder(*snap, r);
  ASSERT_TRUE(first.ok());
  for (int i = 0; i < 2; ++i) {
    r.mutable_lines(i)->set_priced_fingerprint(priced_line::Fingerprint(first->lines(i)));
  }
  auto again = PriceOrder(*snap, r);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->lines_size(), 1);
  EXPECT_EQ(again->lines(0).line_id(), "L2");  // the subscription
  EXPECT_TRUE(again->lines(0).has_continuity());
  EXPECT_EQ(again->unchanged_lines(), 1);
  EXPECT_EQ(again->total().minor_units(), 3000);
  r.set_explain(true);
  auto explained = PriceOrder(*snap, r);
  ASSERT_TRUE(explained.ok());
  EXPECT_EQ(explained->lines_size(), 2);
  EXPECT_EQ(explained->unchanged_lines(), 0);
}

// Found by the pricing fuzzer: a discount naming a product twice applies
// once (a compound one used to apply twice).
TEST(EngineTest, ADiscountNamingAProductTwiceAppliesOnce) {
  Tables t;
  t.products = {Product("A", 1000)};
  t.discounts = {Percent("C10", kComp, 1, 1000, {"A", "A"})};
  Order o{{{"A", 1}}};
  o.explain = true;
  auto r = Price(t, o);
  EXPECT_EQ(r.lines(0).discount().minor_units(), 100);
  EXPECT_EQ(r.lines(0).explanations_size(), 1);
}

// ----------------------------------------------------------- price details

constexpr auto kApplied = v1::DISCOUNT_OUTCOME_KIND_APPLIED;
constexpr auto kLost = v1::DISCOUNT_OUTCOME_KIND_LOST;
constexpr auto kBlocked = v1::DISCOUNT_OUTCOME_KIND_BLOCKED;
constexpr auto kIgnored = v1::DISCOUNT_OUTCOME_KIND_IGNORED;
constexpr auto kNoCoupon = v1::DISCOUNT_OUTCOME_KIND_NO_COUPON;
constexpr auto kBelow = v1::DISCOUNT_OUTCOME_KIND_BELOW_THRESHOLD;

// One discount's expected verdict on a line.
struct Outcome {
  std::string discount_id;
  v1::DiscountOutcomeKind outcome;
  int64_t amount = 0;     // APPLIED
  std::string beaten_by;  // LOST, BLOCKED, IGNORED
  int64_t needed = 0;     // BELOW_THRESHOLD
};

void ExpectOutcomes(const v1::PricedLine& line, const std::vector<Outcome>& want,
                    const std::string& where) {
  ASSERT_EQ(line.explanations_size(), static_cast<int>(want.size())) << where;
  for (const Outcome& w : want) {
    const v1::DiscountExplanation* got = nullptr;
    for (const auto& e : line.explanations()) {
      if (e.discount_id() == w.discount_id) got = &e;
    }
    ASSERT_NE(got, nullptr) << where << " " << w.discount_id;
    EXPECT_EQ(got->outcome(), w.outcome)
        << where << " " << w.discount_id << ": " << v1::DiscountOutcomeKind_Name(got->outcome());
    EXPECT_EQ(got->amount().minor_units(), w.amount) << where << " " << w.discount_id;
    EXPECT_EQ(got->beaten_by(), w.beaten_by) << where << " " << w.discount_id;
    EXPECT_EQ(got->amount_needed().minor_units(), w.needed) << where << " " << w.discount_id;
  }
}

// D365's worked example (DOMAIN 3) explained under both models: per line,
// every discount matching it and what became of it, with the amounts.
TEST(PriceDetailsTest, D365WorkedExampleUnderBothModels) {
  Tables t;
  t.products = {Product("Prod1", 1000), Product("Prod2", 2000), Product("Prod3", 1000)};
  t.discounts = {
      Percent("BP1", kBest, 10, 1500, {"Prod1", "Prod2"}),
      Percent("BP2", kBest, 5, 2000),
      AmountOff("C1", kComp, 10, 100, {"Prod1", "Prod2"}),
      Percent("C2", kComp, 10, 1000, {"Prod1", "Prod2"}),
      Percent("C3", kComp, 5, 2500),
      Threshold("C4", kComp, 5, {{1, 1000}}),
  };
  struct Case {
    common::v1::ConcurrencyModel model;
    std::vector<Outcome> prod1, prod2, prod3;
  } cases[] = {
      {kWithin,
       // C1 and C2 applied, BP1 lost to them, C4 applied, BP2 and C3 ignored.
       {{"C1", kApplied, 100},
        {"C2", kApplied, 90},
        {"BP1", kLost, 0, "C1+C2"},
        {"C4", kApplied, 81},
        {"BP2", kIgnored, 0, "C1+C2"},
        {"C3", kIgnored, 0, "C1+C2"}},
       // BP1 applied, C1 and C2 lost to it, C4 blocked by it, BP2 and C3 ignored.
       {{"BP1", kApplied, 300},
        {"C1", kLost, 0, "BP1"},
        {"C2", kLost, 0, "BP1"},
        {"C4", kBlocked, 0, "BP1"},
        {"BP2", kIgnored, 0, "BP1"},
        {"C3", kIgnored, 0, "BP1"}},
       // C3 applied, BP2 lost to it, C4 applied.
       {{"C3", kApplied, 250}, {"BP2", kLost, 0, "C3"}, {"C4", kApplied, 75}}},
      {kAcross,
       // Per priority one: BP1 at 10 (C1, C2 lost), C3 at 5 (BP2 lost); C4
       // blocked by the best-price BP1.
       {{"BP1", kApplied, 150},
        {"C1", kLost, 0, "BP1"},
        {"C2", kLost, 0, "BP1"},
        {"C3", kApplied, 213},
        {"BP2", kLost, 0, "C3"},
        {"C4", kBlocked, 0, "BP1"}},
       {{"BP1", kApplied, 300},
        {"C1", kLost, 0, "BP1"},
        {"C2", kLost, 0, "BP1"},
        {"C3", kApplied, 425},
        {"BP2", kLost, 0, "C3"},
        {"C4", kBlocked, 0, "BP1"}},
       // The priority-5 threshold skips a line with a priority-5 discount.
       {{"C3", kApplied, 250}, {"BP2", kLost, 0, "C3"}, {"C4", kBlocked, 0, "C3"}}},
  };
  for (const Case& c : cases) {
    Order o{{{"Prod1", 1}, {"Prod2", 1}, {"Prod3", 1}}};
    o.model = c.model;
    o.explain = true;
    auto r = Price(t, o);
    ASSERT_EQ(r.lines_size(), 3);
    const std::string model = common::v1::ConcurrencyModel_Name(c.model);
    ExpectOutcomes(r.lines(0), c.prod1, model + " Prod1");
    ExpectOutcomes(r.lines(1), c.prod2, model + " Prod2");
    ExpectOutcomes(r.lines(2), c.prod3, model + " Prod3");
    // Highest priority first.
    EXPECT_EQ(r.lines(0).explanations(0).priority(), 10) << model;
    EXPECT_EQ(r.lines(2).explanations(2).priority(), 5) << model;
  }
}

TEST(PriceDetailsTest, CouponsTiersExclusivesAndOverrides) {
  Tables t;
  t.products = {Product("A", 1000), Product("B", 2000)};
  v1::Discount coupon_only = Percent("COUP", kBest, 3, 5000, {"A"});
  coupon_only.set_requires_coupon(true);
  v1::Discount qty;
  qty.set_discount_id("QTY");
  qty.set_name("QTY");
  qty.set_kind(v1::DISCOUNT_KIND_QUANTITY);
  qty.set_concurrency(kBest);
  qty.set_priority(2);
  qty.add_product_ids("A");
  qty.add_tiers()->set_min_quantity(5);
  qty.mutable_tiers(0)->set_percent_bp(1000);
  t.discounts = {coupon_only, qty, Percent("EX", kEx, 1, 500, {"B"}),
                 Percent("B10", kBest, 1, 1000, {"B"}),
                 Threshold("T100", kBest, 1, {{10000, 500}})};
  Order o{{{"A", 2}, {"B", 1}}};
  o.explain = true;
  auto r = Price(t, o);
  // A: no coupon for COUP; 3 more units for QTY's 5 (at 10.00); the order
  // (40.00, B at 5 % off: 39.00) needs 61.00 more for T100.
  ExpectOutcomes(r.lines(0),
                 {{"COUP", kNoCoupon}, {"QTY", kBelow, 0, "", 3000}, {"T100", kBelow, 0, "", 6100}},
                 "A");
  // B: the exclusive EX goes first, though B10 would save more, and rules
  // B10 out.
  ExpectOutcomes(r.lines(1), {{"EX", kApplied, 100}, {"B10", kBlocked, 0, "EX"},
                              {"T100", kBelow, 0, "", 6100}},
                 "B");

  // An exclusive winner rules out every other discount of the line.
  Tables t2;
  t2.products = {Product("B", 2000)};
  t2.discounts = {Percent("EX", kEx, 1, 2500, {"B"}), Percent("B10", kBest, 1, 1000, {"B"}),
                  Percent("LOW", kComp, 0, 1000, {"B"}), Threshold("T1", kComp, 0, {{1, 500}})};
  Order one{{{"B", 1}}};
  one.explain = true;
  r = Price(t2, one);
  ExpectOutcomes(r.lines(0), {{"EX", kApplied, 500}, {"B10", kBlocked, 0, "EX"},
                              {"LOW", kBlocked, 0, "EX"}, {"T1", kBlocked, 0, "EX"}},
                 "exclusive");

  // A manual price takes no discount: each is blocked by the override.
  auto snap = Snapshot::Build(t2);
  v1::PriceOrderRequest manual = Request({{"B", 1}});
  *manual.mutable_lines(0)->mutable_manual_unit_price() = Usd(1800);
  manual.set_explain(true);
  auto m = PriceOrder(*snap, manual);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->lines(0).price_source(), v1::PRICE_SOURCE_OVERRIDE);
  for (const auto& e : m->lines(0).explanations()) {
    EXPECT_EQ(e.outcome(), kBlocked) << e.discount_id();
    EXPECT_EQ(e.beaten_by(), "OVERRIDE") << e.discount_id();
  }
}

TEST(PriceDetailsTest, WhereTheUnitPriceCameFrom) {
  struct Case {
    const char* name;
    std::vector<v1::TradeAgreement> agreements;
    v1::PriceSource source;
    std::string agreement, group;
    int64_t unit_price;
  } cases[] = {
      {"base", {}, v1::PRICE_SOURCE_BASE, "", "", 1000},
      {"the customer's", {Agreement("TA-C", 900, "C1", ""), Agreement("TA-ALL", 950, "", "")},
       v1::PRICE_SOURCE_TRADE_AGREEMENT, "TA-C", "", 900},
      {"a price group's, cheaper", {Agreement("TA-C", 900, "C1", ""), Agreement("TA-G", 800, "", "G1")},
       v1::PRICE_SOURCE_TRADE_AGREEMENT, "TA-G", "G1", 800},
      {"all customers'", {Agreement("TA-ALL", 950, "", "")}, v1::PRICE_SOURCE_TRADE_AGREEMENT,
       "TA-ALL", "", 950},
  };
  for (const Case& c : cases) {
    Tables t;
    t.products = {Product("A", 1000)};
    t.price_groups.emplace_back().set_price_group_id("G1");
    t.trade_agreements = c.agreements;
    Order o{{{"A", 1}}};
    o.price_groups = {"G1"};
    o.explain = true;
    auto r = Price(t, o);
    EXPECT_EQ(r.lines(0).price_source(), c.source) << c.name;
    EXPECT_EQ(r.lines(0).trade_agreement_id(), c.agreement) << c.name;
    EXPECT_EQ(r.lines(0).price_group_id(), c.group) << c.name;
    EXPECT_EQ(r.lines(0).unit_price().minor_units(), c.unit_price) << c.name;
    // Cost 5.00: the margin at the price charged, explained even with alerts off.
    EXPECT_EQ(r.lines(0).margin_bp(), (c.unit_price - 500) * 10000 / c.unit_price) << c.name;
  }
}

// The explanation comes from the pricing pass itself: asked for, it
// changes no amount; and on every line the APPLIED amounts add up to the
// line's discount, each discount explained once.
TEST(PriceDetailsTest, RandomOrdersExplainedExactlyAsPriced) {
  std::mt19937 rng(7);
  for (int round = 0; round < 500; ++round) {
    Tables t;
    Order o;
    RandomWorld(rng, 10, &t, &o);
    const v1::PriceOrderResponse plain = Price(t, o);
    o.explain = true;
    const v1::PriceOrderResponse explained = Price(t, o);
    ASSERT_EQ(plain.lines_size(), explained.lines_size());
    EXPECT_EQ(plain.total().minor_units(), explained.total().minor_units()) << round;
    for (int i = 0; i < explained.lines_size(); ++i) {
      const v1::PricedLine& line = explained.lines(i);
      EXPECT_EQ(line.discount().minor_units(), plain.lines(i).discount().minor_units()) << round;
      int64_t applied = 0;
      std::set<std::string> seen;
      for (const auto& e : line.explanations()) {
        EXPECT_TRUE(seen.insert(e.discount_id()).second) << round << " " << e.discount_id();
        EXPECT_NE(e.outcome(), v1::DISCOUNT_OUTCOME_KIND_UNSPECIFIED) << round;
        if (e.outcome() == kApplied) applied += e.amount().minor_units();
      }
      EXPECT_EQ(applied, line.discount().minor_units()) << "round " << round << " line " << i;
      // Every discount the line took is explained as APPLIED with its amount.
      for (const auto& d : line.discounts()) {
        bool found = false;
        for (const auto& e : line.explanations()) {
          found = found || (e.discount_id() == d.discount_id() && e.outcome() == kApplied &&
                            e.amount().minor_units() == d.amount().minor_units());
        }
        EXPECT_TRUE(found) << round << " " << d.discount_id();
      }
    }
  }
}

// ------------------------------------------------------------- validation

TEST(ValidationTest, Discounts) {
  struct Case {
    std::string name;
    v1::Discount d;
    std::string field;  // empty = valid
  };
  v1::Discount no_deal = Simple("d", kBest, 1, {});
  v1::Discount over = Percent("d", kBest, 1, 10001);
  v1::Discount zero_amount = AmountOff("d", kBest, 1, 0);
  v1::Discount mm = MixMatch("d", 1, {});
  mm.set_percent_bp(100);
  v1::Discount qty;
  qty.set_discount_id("q");
  qty.set_kind(v1::DISCOUNT_KIND_QUANTITY);
  qty.set_concurrency(kBest);
  qty.add_tiers()->set_min_quantity(5);
  qty.mutable_tiers(0)->set_percent_bp(100);
  qty.add_tiers()->set_min_quantity(5);
  qty.mutable_tiers(1)->set_percent_bp(200);
  v1::Discount th = Threshold("t", kBest, 1, {{5000, 100}, {4000, 200}});
  v1::Discount th_equal = Threshold("t", kBest, 1, {{5000, 100}, {5000, 200}});
  Case cases[] = {
      {"valid percent", Percent("d", kBest, 1, 10000), ""},
      {"no deal", no_deal, "discount.percent_bp"},
      {"percent over 100%", over, "discount.percent_bp"},
      {"zero amount", zero_amount, "discount.amount_off"},
      {"mix and match needs > 1", mm, "discount.mix_match_needed"},
      {"quantity tiers must increase", qty, "discount.tiers[1].min_quantity"},
      {"threshold tiers must not decrease", th, "discount.tiers[1].min_amount"},
      {"equal threshold tiers are fine", th_equal, ""},
  };
  for (const Case& c : cases) {
    absl::Status s = ValidateDiscount(c.d);
    if (c.field.empty()) {
      EXPECT_TRUE(s.ok()) << c.name << ": " << s;
    } else {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.name;
      EXPECT_NE(s.message().find(c.field), absl::string_view::npos) << c.name << ": " << s;
    }
  }
}

TEST(ValidationTest, OtherMasterData) {
  v1::Product p = Product("A", 100);
  *p.mutable_base_price() = Usd(-1);
  EXPECT_NE(ValidateProduct(p).message().find("product.base_price"), absl::string_view::npos);
  v1::TaxRate both;
  both.set_tax_rate_id("t");
  both.set_country("US");
  both.set_postal_prefix("1");
  EXPECT_FALSE(ValidateTaxRate(both).ok());
  v1::TradeAgreement a = Agreement("t", 100, "C1", "G1");
  EXPECT_NE(ValidateTradeAgreement(a).message().find("customer_id"), absl::string_view::npos);
  v1::Coupon c;
  c.set_coupon_code("X");
  EXPECT_NE(ValidateCoupon(c).message().find("coupon.discount_id"), absl::string_view::npos);
}

}  // namespace
}  // namespace callcenter::pricing
