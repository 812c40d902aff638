#include "services/pricing/domain/engine.h"

#include "gtest/gtest.h"

namespace callcenter::pricing {
namespace {

common::v1::Money Usd(int64_t m) {
  common::v1::Money x;
  x.set_currency("USD");
  x.set_minor_units(m);
  return x;
}

Snapshot Data() {
  Snapshot s;
  v1::Product p;
  p.set_product_id("P1");
  p.set_name("Widget");
  *p.mutable_base_price() = Usd(850);
  s.products["P1"] = p;
  v1::DeliveryCharge c;
  c.set_delivery_mode("STD");
  auto* t0 = c.add_tiers();
  *t0->mutable_from_amount() = Usd(0);
  *t0->mutable_amount() = Usd(595);
  auto* t1 = c.add_tiers();
  *t1->mutable_from_amount() = Usd(5000);
  *t1->mutable_amount() = Usd(795);
  auto* t2 = c.add_tiers();
  *t2->mutable_from_amount() = Usd(10000);
  *t2->mutable_amount() = Usd(0);
  s.delivery_charges["STD"] = c;
  v1::TaxRate country;
  country.set_tax_rate_id("us");
  country.set_country("US");
  country.set_rate_bp(500);
  v1::TaxRate prefix;
  prefix.set_tax_rate_id("ny");
  prefix.set_postal_prefix("100");
  prefix.set_rate_bp(887);
  s.tax_rates = {country, prefix};
  return s;
}

v1::PriceOrderRequest Request(int quantity) {
  v1::PriceOrderRequest r;
  r.set_currency("USD");
  auto* l = r.add_lines();
  l->set_line_id("L1");
  l->set_product_id("P1");
  l->set_quantity(quantity);
  return r;
}

TEST(EngineTest, BasePriceTimesQuantity) {
  auto out = PriceOrder(Data(), Request(3));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->lines(0).unit_price().minor_units(), 850);
  EXPECT_EQ(out->lines(0).net_amount().minor_units(), 2550);
  EXPECT_EQ(out->subtotal().minor_units(), 2550);
  EXPECT_EQ(out->total().minor_units(), 2550);
}

TEST(EngineTest, ManualPriceWins) {
  v1::PriceOrderRequest r = Request(2);
  *r.mutable_lines(0)->mutable_manual_unit_price() = Usd(700);
  auto out = PriceOrder(Data(), r);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->lines(0).price_overridden());
  EXPECT_EQ(out->subtotal().minor_units(), 1400);
}

TEST(EngineTest, DeliveryTiersAndTaxByPrefixThenCountry) {
  struct Case {
    int quantity;
    std::string postal;
    int64_t charges, tax, total;
  } cases[] = {
      // 25.50 < 50.00 -> 5.95; US 5%: 1.275 -> 1.28 on goods, 0.2975 -> 0.30 on charges.
      {3, "90210", 595, 128 + 30, 2550 + 595 + 158},
      // 59.50 -> 7.95; NY prefix 8.87%: 5.27765 -> 5.28, 0.705165 -> 0.71.
      {7, "10001", 795, 528 + 71, 5950 + 795 + 599},
      // 119.00 -> free delivery; 5% = 5.95.
      {14, "90210", 0, 595, 11900 + 595},
  };
  for (const Case& c : cases) {
    v1::PriceOrderRequest r = Request(c.quantity);
    r.set_delivery_mode("STD");
    r.mutable_delivery_address()->set_country("US");
    r.mutable_delivery_address()->set_postal_code(c.postal);
    auto out = PriceOrder(Data(), r);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->charges_total().minor_units(), c.charges) << c.quantity;
    EXPECT_EQ(out->tax_total().minor_units(), c.tax) << c.quantity;
    EXPECT_EQ(out->total().minor_units(), c.total) << c.quantity;
  }
}

TEST(EngineTest, Errors) {
  EXPECT_EQ(PriceOrder(Data(), Request(0)).status().code(), absl::StatusCode::kInvalidArgument);
  v1::PriceOrderRequest unknown = Request(1);
  unknown.mutable_lines(0)->set_product_id("nope");
  EXPECT_EQ(PriceOrder(Data(), unknown).status().code(), absl::StatusCode::kNotFound);
  v1::PriceOrderRequest coupon = Request(1);
  coupon.add_coupon_codes("SAVE");
  EXPECT_EQ(PriceOrder(Data(), coupon).status().code(), absl::StatusCode::kUnimplemented);
}

TEST(EngineTest, Validation) {
  v1::Product p;
  p.set_product_id("x");
  p.set_name("X");
  *p.mutable_base_price() = Usd(-1);
  EXPECT_NE(ValidateProduct(p).message().find("product.base_price"), absl::string_view::npos);
  v1::TaxRate both;
  both.set_tax_rate_id("t");
  both.set_country("US");
  both.set_postal_prefix("1");
  EXPECT_FALSE(ValidateTaxRate(both).ok());
  v1::Discount mm;
  mm.set_discount_id("d");
  mm.set_kind(v1::DISCOUNT_KIND_MIX_AND_MATCH);
  mm.set_concurrency(v1::CONCURRENCY_COMPOUND);
  mm.set_mix_match_needed(1);
  EXPECT_NE(ValidateDiscount(mm).message().find("mix_match_needed"), absl::string_view::npos);
}

}  // namespace
}  // namespace callcenter::pricing
