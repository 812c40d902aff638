// Pricing engine benchmark: a 20-line order against 10,000 trade agreements,
// 1,000 discounts and 2,000 coupons, and the snapshot rebuild for that data.
//   bazel run -c opt //tests/benchmarks:pricing_benchmark
#include <random>

#include "benchmark/benchmark.h"
#include "libs/db/entity_table.h"
#include "services/pricing/domain/engine.h"

namespace callcenter::pricing {
namespace {

constexpr int kProducts = 500;

common::v1::Money Usd(int64_t m) {
  common::v1::Money x;
  x.set_currency("USD");
  x.set_minor_units(m);
  return x;
}

std::string ProductId(int i) { return "P" + std::to_string(i); }

Snapshot::Tables MakeTables() {
  std::mt19937 rng(7);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  Snapshot::Tables t;
  for (int i = 0; i < kProducts; ++i) {
    v1::Product p;
    p.set_product_id(ProductId(i));
    p.set_name("Product " + std::to_string(i));
    *p.mutable_base_price() = Usd(500 + pick(20000));
    t.products.push_back(p);
  }
  for (int g = 0; g < 20; ++g) {
    v1::PriceGroup pg;
    pg.set_price_group_id("G" + std::to_string(g));
    pg.set_priority(g);
    t.price_groups.push_back(pg);
  }
  for (int i = 0; i < 10000; ++i) {
    v1::TradeAgreement a;
    a.set_trade_agreement_id("TA" + std::to_string(i));
    a.set_product_id(ProductId(pick(kProducts)));
    switch (pick(3)) {
      case 0: a.set_customer_id("C" + std::to_string(pick(1000))); break;
      case 1: a.set_price_group_id("G" + std::to_string(pick(20))); break;
      default: break;
    }
    *a.mutable_price() = Usd(400 + pick(20000));
    a.set_from_quantity(pick(5));
    a.set_valid_from("2026-01-01");
    a.set_valid_to("2026-12-31");
    t.trade_agreements.push_back(a);
  }
  const v1::Concurrency conc[] = {v1::CONCURRENCY_EXCLUSIVE, v1::CONCURRENCY_BEST_PRICE,
                                  v1::CONCURRENCY_COMPOUND};
  for (int i = 0; i < 1000; ++i) {
    v1::Discount d;
    d.set_discount_id("D" + std::to_string(i));
    d.set_concurrency(conc[pick(3)]);
    d.set_priority(pick(5));
    d.set_requires_coupon(i < 200);
    for (int k = 0; k < 3; ++k) d.add_product_ids(ProductId(pick(kProducts)));
    switch (i % 10) {
      case 0: {
        d.set_kind(v1::DISCOUNT_KIND_QUANTITY);
        auto* tier = d.add_tiers();
        tier->set_min_quantity(2);
        tier->set_percent_bp(500);
        break;
      }
      case 1:
        d.set_kind(v1::DISCOUNT_KIND_MIX_AND_MATCH);
        d.set_mix_match_needed(2);
        d.set_percent_bp(1000);
        break;
      case 2: {
        d.set_kind(v1::DISCOUNT_KIND_THRESHOLD);
        d.clear_product_ids();
        auto* tier = d.add_tiers();
        *tier->mutable_min_amount() = Usd(10000 + pick(50000));
        tier->set_percent_bp(300);
        break;
      }
      default:
        d.set_kind(v1::DISCOUNT_KIND_SIMPLE);
        if (pick(2)) {
          d.set_percent_bp(100 + pick(3000));
        } else {
          *d.mutable_amount_off() = Usd(50 + pick(500));
        }
    }
    t.discounts.push_back(d);
  }
  for (int i = 0; i < 2000; ++i) {
    v1::Coupon c;
    c.set_coupon_code("CP" + std::to_string(i));
    c.set_discount_id("D" + std::to_string(pick(200)));
    c.set_active(true);
    c.set_max_uses(1000);
    t.coupons.push_back(c);
    t.coupon_uses[c.coupon_code()] = pick(500);
  }
  v1::DeliveryCharge dc;
  dc.set_delivery_mode("STANDARD");
  auto* tier = dc.add_tiers();
  *tier->mutable_from_amount() = Usd(0);
  *tier->mutable_amount() = Usd(595);
  t.delivery_charges.push_back(dc);
  v1::TaxRate tax;
  tax.set_tax_rate_id("US");
  tax.set_country("US");
  tax.set_rate_bp(725);
  t.tax_rates.push_back(tax);
  return t;
}

v1::PriceOrderRequest MakeOrder() {
  std::mt19937 rng(11);
  v1::PriceOrderRequest r;
  r.set_currency("USD");
  r.set_pricing_date("2026-06-15");
  r.set_customer_id("C42");
  r.set_customer_price_group("G3");
  r.add_call_center_price_groups("G7");
  r.add_call_center_price_groups("G12");
  for (int i = 0; i < 20; ++i) {
    auto* l = r.add_lines();
    l->set_line_id("L" + std::to_string(i));
    l->set_product_id(ProductId(static_cast<int>(rng() % kProducts)));
    l->set_quantity(1 + static_cast<int>(rng() % 4));
  }
  r.add_coupon_codes("CP17");
  r.set_delivery_mode("STANDARD");
  r.mutable_delivery_address()->set_country("US");
  r.set_concurrency_model(common::v1::CONCURRENCY_MODEL_WITHIN_PRIORITY_NEVER_ACROSS);
  return r;
}

void BM_PriceOrder20Lines(benchmark::State& state) {
  auto snapshot = Snapshot::Build(MakeTables());
  const v1::PriceOrderRequest order = MakeOrder();
  for (auto _ : state) {
    auto priced = PriceOrder(*snapshot, order);
    benchmark::DoNotOptimize(priced);
  }
}
BENCHMARK(BM_PriceOrder20Lines)->Unit(benchmark::kMicrosecond);

// The same order priced with its price details (GetPriceDetails): every
// matching discount's outcome recorded by the same pass.
void BM_PriceOrder20LinesExplained(benchmark::State& state) {
  auto snapshot = Snapshot::Build(MakeTables());
  v1::PriceOrderRequest order = MakeOrder();
  order.set_explain(true);
  int explained = 0;
  for (auto _ : state) {
    auto priced = PriceOrder(*snapshot, order);
    benchmark::DoNotOptimize(priced);
    explained = 0;
    for (const auto& l : priced->lines()) explained += l.explanations_size();
  }
  state.counters["discounts_explained"] = explained;
}
BENCHMARK(BM_PriceOrder20LinesExplained)->Unit(benchmark::kMicrosecond);

void BM_SnapshotRebuild(benchmark::State& state) {
  const Snapshot::Tables tables = MakeTables();
  for (auto _ : state) {
    auto snapshot = Snapshot::Build(tables);  // copies the tables, as a refresh does
    benchmark::DoNotOptimize(snapshot);
  }
}
BENCHMARK(BM_SnapshotRebuild)->Unit(benchmark::kMillisecond);

// A refresh as the service does it, less the network: every row parsed from
// its stored proto JSON, then the snapshot built.
void BM_SnapshotRebuildFromJson(benchmark::State& state) {
  const Snapshot::Tables tables = MakeTables();
  std::vector<std::string> agreements, discounts, coupons, products;
  for (const auto& x : tables.trade_agreements) agreements.push_back(db::ToJson(x));
  for (const auto& x : tables.discounts) discounts.push_back(db::ToJson(x));
  for (const auto& x : tables.coupons) coupons.push_back(db::ToJson(x));
  for (const auto& x : tables.products) products.push_back(db::ToJson(x));
  for (auto _ : state) {
    Snapshot::Tables t;
    for (const auto& j : products) db::FromJson(j, &t.products.emplace_back()).IgnoreError();
    for (const auto& j : agreements) db::FromJson(j, &t.trade_agreements.emplace_back()).IgnoreError();
    for (const auto& j : discounts) db::FromJson(j, &t.discounts.emplace_back()).IgnoreError();
    for (const auto& j : coupons) db::FromJson(j, &t.coupons.emplace_back()).IgnoreError();
    t.price_groups = tables.price_groups;
    t.delivery_charges = tables.delivery_charges;
    t.tax_rates = tables.tax_rates;
    auto snapshot = Snapshot::Build(std::move(t));
    benchmark::DoNotOptimize(snapshot);
  }
}
BENCHMARK(BM_SnapshotRebuildFromJson)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace callcenter::pricing

BENCHMARK_MAIN();
