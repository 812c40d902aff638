// Fraud scoring benchmark: one order against 1,000 active rules and 100,000
// static fraud entries.
//   bazel run -c opt //tests/benchmarks:fraud_benchmark
#include <random>

#include "benchmark/benchmark.h"
#include "services/hold/domain/fraud.h"

namespace callcenter::hold {
namespace {

std::shared_ptr<const FraudIndex> MakeIndex() {
  std::mt19937 rng(3);
  std::vector<v1::FraudRule> rules;
  for (int i = 0; i < 1000; ++i) {
    v1::FraudRule r;
    r.set_rule_id("R" + std::to_string(i));
    r.set_score(1 + rng() % 50);
    r.set_active(true);
    switch (i % 4) {
      case 0:
        r.mutable_order_total_at_least()->set_currency("USD");
        r.mutable_order_total_at_least()->set_minor_units(rng() % 200000);
        break;
      case 1: r.set_customer_id("C" + std::to_string(rng() % 10000)); break;
      case 2: r.set_delivery_country(i % 8 == 2 ? "US" : "GB"); break;
      default:
        r.set_product_id("P" + std::to_string(rng() % 500));
        r.set_min_quantity(1 + rng() % 5);
    }
    rules.push_back(r);
  }
  std::vector<v1::FraudData> data;
  const v1::FraudDataKind kinds[] = {v1::FRAUD_DATA_KIND_EMAIL, v1::FRAUD_DATA_KIND_PHONE,
                                     v1::FRAUD_DATA_KIND_POSTAL_CODE};
  for (int i = 0; i < 100000; ++i) {
    v1::FraudData d;
    d.set_kind(kinds[i % 3]);
    d.set_value(i % 3 == 0 ? "user" + std::to_string(i) + "@example.com"
                           : i % 3 == 1 ? "555" + std::to_string(1000000 + i)
                                        : "Z" + std::to_string(i));
    d.set_score(1 + rng() % 30);
    data.push_back(d);
  }
  return FraudIndex::Build(rules, data);
}

v1::EvaluateFraudRequest MakeOrder() {
  v1::EvaluateFraudRequest o;
  o.set_order_id("o1");
  o.set_customer_id("C42");
  o.set_email("user300@example.com");
  o.set_phone("555-100-0301");
  o.set_billing_postal_code("Z302");
  o.set_delivery_postal_code("Z999999");
  o.set_delivery_country("US");
  o.mutable_order_total()->set_currency("USD");
  o.mutable_order_total()->set_minor_units(75000);
  for (int i = 0; i < 10; ++i) {
    auto* l = o.add_lines();
    l->set_product_id("P" + std::to_string(i * 37));
    l->set_quantity(1 + i % 3);
  }
  return o;
}

void BM_EvaluateFraud(benchmark::State& state) {
  auto index = MakeIndex();
  const v1::EvaluateFraudRequest order = MakeOrder();
  for (auto _ : state) {
    v1::EvaluateFraudResponse out;
    index->Evaluate(order, &out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_EvaluateFraud)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace callcenter::hold

BENCHMARK_MAIN();
