// The pricing engine on master data and orders made from the fuzzer's
// bytes (only what the services' upsert checks accept, as in production):
// never a crash; a priced order has no line below zero, each line's net
// is quantity x unit price less its discounts, the discounts add up per
// line and over the order, and the total is what the parts make. Priced
// with details, the amounts are the same and the APPLIED outcomes of every
// line add up to its discount.
#include <cstdint>
#include <string>
#include <vector>

#include "services/pricing/domain/engine.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using callcenter::fuzz::FuzzInput;
namespace v1 = callcenter::pricing::v1;

callcenter::common::v1::Money Usd(int64_t m) {
  callcenter::common::v1::Money x;
  x.set_currency("USD");
  x.set_minor_units(m);
  return x;
}

std::string Product(FuzzInput& in) { return "P" + std::to_string(in.Range(0, 4)); }

v1::Discount MakeDiscount(FuzzInput& in, int id) {
  v1::Discount d;
  d.set_discount_id("D" + std::to_string(id));
  d.set_name(d.discount_id());
  d.set_kind(static_cast<v1::DiscountKind>(in.Range(1, 4)));
  d.set_concurrency(static_cast<v1::Concurrency>(in.Range(1, 3)));
  d.set_priority(static_cast<int32_t>(in.Range(0, 3)));
  for (int k = 0, n = in.Range(0, 2); k < n; ++k) d.add_product_ids(Product(in));
  if (in.Byte() % 4 == 0) d.add_price_group_ids("G" + std::to_string(in.Range(0, 1)));
  d.set_requires_coupon(in.Byte() % 5 == 0);
  switch (d.kind()) {
    case v1::DISCOUNT_KIND_QUANTITY:
    case v1::DISCOUNT_KIND_THRESHOLD: {
      int64_t floor = 0;
      for (int k = 0, n = in.Range(1, 3); k < n; ++k) {
        v1::DiscountTier* t = d.add_tiers();
        floor += in.Range(1, 5000);
        if (d.kind() == v1::DISCOUNT_KIND_QUANTITY) {
          t->set_min_quantity(static_cast<int32_t>(floor % 50 + k * 50 + 1));
        } else {
          *t->mutable_min_amount() = Usd(floor);
        }
        if (in.Byte() % 2) t->set_percent_bp(static_cast<int32_t>(in.Range(1, 10000)));
        else *t->mutable_amount_off() = Usd(in.Range(1, 100000));
      }
      break;
    }
    case v1::DISCOUNT_KIND_MIX_AND_MATCH:
      d.set_mix_match_needed(static_cast<int32_t>(in.Range(2, 4)));
      [[fallthrough]];
    default:
      switch (in.Byte() % 3) {
        case 0: d.set_percent_bp(static_cast<int32_t>(in.Range(1, 10000))); break;
        case 1: *d.mutable_amount_off() = Usd(in.Range(1, 100000)); break;
        default: *d.mutable_fixed_price() = Usd(in.Range(0, 100000)); break;
      }
  }
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  callcenter::pricing::Snapshot::Tables t;
  for (int p = 0; p < 5; ++p) {
    v1::Product product;
    product.set_product_id("P" + std::to_string(p));
    product.set_name(product.product_id());
    *product.mutable_base_price() = Usd(in.Range(0, 1000000));
    *product.mutable_unit_cost() = Usd(in.Range(0, 1000000));
    product.set_prevent_discounts(in.Byte() % 7 == 0);
    if (callcenter::pricing::ValidateProduct(product).ok()) t.products.push_back(product);
  }
  for (int g = 0; g < 2; ++g) {
    v1::PriceGroup group;
    group.set_price_group_id("G" + std::to_string(g));
    group.set_priority(static_cast<int32_t>(in.Range(0, 3)));
    t.price_groups.push_back(group);
  }
  for (int a = 0, n = in.Range(0, 3); a < n; ++a) {
    v1::TradeAgreement ta;
    ta.set_trade_agreement_id("T" + std::to_string(a));
    ta.set_product_id(Product(in));
    switch (in.Byte() % 3) {
      case 0: ta.set_customer_id("C1"); break;
      case 1: ta.set_price_group_id("G" + std::to_string(in.Range(0, 1))); break;
      default: break;
    }
    *ta.mutable_price() = Usd(in.Range(0, 1000000));
    ta.set_from_quantity(static_cast<int32_t>(in.Range(0, 5)));
    if (callcenter::pricing::ValidateTradeAgreement(ta).ok()) t.trade_agreements.push_back(ta);
  }
  for (int d = 0, n = in.Range(0, 10); d < n; ++d) {
    v1::Discount discount = MakeDiscount(in, d);
    if (callcenter::pricing::ValidateDiscount(discount).ok()) t.discounts.push_back(discount);
  }
  v1::Coupon coupon;
  coupon.set_coupon_code("CODE");
  coupon.set_discount_id("D" + std::to_string(in.Range(0, 9)));
  coupon.set_active(true);
  t.coupons.push_back(coupon);
  const auto snapshot = callcenter::pricing::Snapshot::Build(std::move(t));

  v1::PriceOrderRequest req;
  req.set_currency("USD");
  req.set_pricing_date("2026-06-15");
  req.set_customer_id("C1");
  if (in.Byte() % 2) req.add_call_center_price_groups("G0");
  if (in.Byte() % 2) req.set_customer_price_group("G1");
  if (in.Byte() % 3 == 0) req.add_coupon_codes("CODE");
  req.set_concurrency_model(in.Byte() % 2
                                ? callcenter::common::v1::CONCURRENCY_MODEL_WITHIN_PRIORITY_NEVER_ACROSS
                                : callcenter::common::v1::CONCURRENCY_MODEL_BEST_PRICE_COMPOUND_ACROSS);
  for (int l = 0, n = in.Range(1, 6); l < n; ++l) {
    v1::PriceLineInput* line = req.add_lines();
    line->set_line_id("L" + std::to_string(l));
    line->set_product_id(Product(in));
    // Mostly small (fast runs), now and then up to the limit.
    line->set_quantity(static_cast<int32_t>(in.Byte() % 8 == 0 ? in.Range(1, 9999) : in.Range(1, 20)));
    if (in.Byte() % 6 == 0) *line->mutable_manual_unit_price() = Usd(in.Range(0, 1000000));
  }
  const auto priced = callcenter::pricing::PriceOrder(*snapshot, req);
  if (!priced.ok()) return 0;  // e.g. a product that failed its own checks
  __int128 subtotal = 0, discounts = 0;
  for (const v1::PricedLine& line : priced->lines()) {
    const __int128 gross = static_cast<__int128>(line.quantity()) * line.unit_price().minor_units();
    FUZZ_CHECK(line.net_amount().minor_units() >= 0);
    FUZZ_CHECK(line.net_amount().minor_units() == gross - line.discount().minor_units());
    int64_t parts = 0;
    for (const auto& d : line.discounts()) {
      FUZZ_CHECK(d.amount().minor_units() > 0);
      parts += d.amount().minor_units();
    }
    FUZZ_CHECK(parts == line.discount().minor_units());
    subtotal += gross;
    discounts += line.discount().minor_units();
  }
  FUZZ_CHECK(priced->subtotal().minor_units() == subtotal);
  FUZZ_CHECK(priced->discount_total().minor_units() == discounts);
  FUZZ_CHECK(priced->total().minor_units() == subtotal - discounts +
                                                  priced->charges_total().minor_units() +
                                                  priced->tax_total().minor_units());
  req.set_explain(true);
  const auto explained = callcenter::pricing::PriceOrder(*snapshot, req);
  FUZZ_CHECK(explained.ok());
  FUZZ_CHECK(explained->total().minor_units() == priced->total().minor_units());
  for (int i = 0; i < explained->lines_size(); ++i) {
    const v1::PricedLine& line = explained->lines(i);
    FUZZ_CHECK(line.discount().minor_units() == priced->lines(i).discount().minor_units());
    int64_t applied = 0;
    for (const auto& e : line.explanations()) {
      FUZZ_CHECK(e.outcome() != v1::DISCOUNT_OUTCOME_KIND_UNSPECIFIED);
      if (e.outcome() == v1::DISCOUNT_OUTCOME_KIND_APPLIED) applied += e.amount().minor_units();
    }
    if (applied != line.discount().minor_units()) {
      // What a developer needs to see the disagreement.
      for (const auto& d : snapshot->tables().discounts) fprintf(stderr, "%s\n", d.ShortDebugString().c_str());
      fprintf(stderr, "request: %s\nline: %s\n", req.ShortDebugString().c_str(),
              line.ShortDebugString().c_str());
    }
    FUZZ_CHECK(applied == line.discount().minor_units());
  }
  return 0;
}
