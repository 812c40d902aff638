#include "libs/priced_line/fingerprint.h"

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "callcenter/pricing/v1/pricing.pb.h"
#include "gtest/gtest.h"
#include "libs/money/money_proto.h"

namespace callcenter::priced_line {
namespace {

using common::v1::Money;

Money Usd(int64_t minor) { return MoneyOf("USD", minor); }

pricing::v1::PricedLine Priced() {
  pricing::v1::PricedLine p;
  p.set_line_id("l1");
  p.set_product_id("p1");
  p.set_quantity(2);
  p.set_product_name("Blue mug");
  *p.mutable_base_price() = Usd(1000);
  *p.mutable_unit_price() = Usd(900);
  *p.mutable_discount() = Usd(180);
  *p.mutable_net_amount() = Usd(1620);
  *p.mutable_tax() = Usd(130);
  auto* d = p.add_discounts();
  d->set_discount_id("D10");
  d->set_name("Ten off");
  *d->mutable_amount() = Usd(180);
  p.set_margin_bp(3200);
  p.set_margin_alert(common::v1::MARGIN_ALERT_OK);
  return p;
}

// The order line as ApplyPricing leaves it after `p`.
common::v1::OrderLine AsOrderLine(const pricing::v1::PricedLine& p) {
  common::v1::OrderLine l;
  l.set_line_id(p.line_id());
  l.set_product_id(p.product_id());
  l.set_quantity(p.quantity());
  l.set_product_name(p.product_name());
  if (p.has_base_price()) *l.mutable_base_price() = p.base_price();
  if (p.has_unit_price()) *l.mutable_unit_price() = p.unit_price();
  if (p.has_discount()) *l.mutable_discount() = p.discount();
  if (p.has_net_amount()) *l.mutable_net_amount() = p.net_amount();
  if (p.has_tax()) *l.mutable_tax() = p.tax();
  *l.mutable_discounts() = p.discounts();
  l.set_margin_bp(p.margin_bp());
  l.set_margin_alert(p.margin_alert());
  return l;
}

TEST(FingerprintTest, APricedLineAndTheOrderLineItPricedAgree) {
  const pricing::v1::PricedLine p = Priced();
  common::v1::OrderLine l = AsOrderLine(p);
  EXPECT_EQ(Fingerprint(p), Fingerprint(l));
  // Fields pricing does not set do not count.
  l.set_shipped_quantity(1);
  l.set_price_overridden(true);
  l.set_override_reason_code("MATCH");
  l.set_origin(common::v1::LINE_ORIGIN_UPSELL);
  *l.mutable_matched_unit_price() = Usd(5);
  EXPECT_EQ(Fingerprint(p), Fingerprint(l));
}

// A field added to these messages must be weighed for the fingerprint
// (and for ApplyPricing) before this count is raised.
TEST(FingerprintTest, CoversEveryFieldPricingSets) {
  EXPECT_EQ(pricing::v1::PricedLine::descriptor()->field_count(), 19);
  EXPECT_EQ(common::v1::AppliedDiscount::descriptor()->field_count(), 4);
  EXPECT_EQ(Money::descriptor()->field_count(), 2);
  using Change = std::function<void(pricing::v1::PricedLine*)>;
  const std::vector<Change> changes = {
      [](auto* p) { p->set_product_name("Red mug"); },
      [](auto* p) { p->clear_product_name(); },
      // Strings at the edge between one word and several.
      [](auto* p) { p->set_product_name("Blue mu"); },
      [](auto* p) { p->set_product_name(std::string(7, '\0')); },
      [](auto* p) { p->set_product_name(std::string(8, '\0')); },
      [](auto* p) { p->mutable_base_price()->set_minor_units(1001); },
      [](auto* p) { p->mutable_base_price()->set_currency("EUR"); },
      [](auto* p) { p->mutable_base_price()->set_currency("USDUSDUS"); },
      [](auto* p) { p->clear_base_price(); },
      [](auto* p) { *p->mutable_base_price() = Money(); },
      [](auto* p) { p->mutable_unit_price()->set_minor_units(901); },
      [](auto* p) { p->clear_unit_price(); },
      [](auto* p) { p->mutable_discount()->set_minor_units(181); },
      [](auto* p) { p->clear_discount(); },
      [](auto* p) { p->mutable_net_amount()->set_minor_units(1619); },
      [](auto* p) { p->clear_net_amount(); },
      [](auto* p) { p->mutable_tax()->set_minor_units(131); },
      [](auto* p) { p->clear_tax(); },
      [](auto* p) { p->mutable_discounts(0)->set_discount_id("D11"); },
      [](auto* p) { p->mutable_discounts(0)->set_name("Eleven off"); },
      [](auto* p) { p->mutable_discounts(0)->set_coupon_code("SPRING"); },
      [](auto* p) { p->mutable_discounts(0)->mutable_amount()->set_minor_units(1); },
      [](auto* p) { p->mutable_discounts(0)->clear_amount(); },
      [](auto* p) { p->clear_discounts(); },
      [](auto* p) { *p->add_discounts() = p->discounts(0); },
      [](auto* p) { p->set_margin_bp(3201); },
      [](auto* p) { p->set_margin_bp(-3200); },
      [](auto* p) { p->set_margin_alert(common::v1::MARGIN_ALERT_WARNING); },
      // The same bytes split differently between two strings.
      [](auto* p) {
        p->mutable_discounts(0)->set_discount_id("D10T");
        p->mutable_discounts(0)->set_name("en off");
      },
  };
  std::set<uint64_t> seen = {Fingerprint(Priced())};
  for (size_t i = 0; i < changes.size(); ++i) {
    pricing::v1::PricedLine p = Priced();
    changes[i](&p);
    EXPECT_TRUE(seen.insert(Fingerprint(p)).second) << "change " << i;
    EXPECT_EQ(Fingerprint(p), Fingerprint(AsOrderLine(p))) << "change " << i;
  }
}

TEST(FingerprintTest, NeverZeroAndTheSameInEveryBuild) {
  // Two services compare fingerprints: the value may not depend on the
  // process (a seeded hash would).
  EXPECT_EQ(Fingerprint(Priced()), 0x7b0f203baf2698b5ULL);
  EXPECT_NE(Fingerprint(common::v1::OrderLine()), 0u);
  EXPECT_NE(Fingerprint(common::v1::OrderLine()), Fingerprint(Priced()));
}

}  // namespace
}  // namespace callcenter::priced_line
