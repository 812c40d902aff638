// Guided selling's answers from its in-memory index, as the catalogs grow:
//   bazel run -c opt //tests/benchmarks:selling_benchmark
// BM_ItemScripts/N: the item scripts of one added product (as AddLine asks)
// with N scripts in the index, one per product (a catalog that scripts
// every product). The time should not grow with N.
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "services/guidedselling/domain/selling.h"

namespace callcenter::guidedselling {
namespace {

void BM_ItemScripts(benchmark::State& state) {
  std::vector<v1::Script> scripts;
  for (int i = 0; i < state.range(0); ++i) {
    v1::Script s;
    s.set_script_id("S" + std::to_string(i));
    s.set_kind(common::v1::SCRIPT_KIND_SCRIPT);
    s.set_timing(common::v1::SCRIPT_TIMING_ITEM);
    s.set_priority(i % 10);
    s.set_product_id("P" + std::to_string(i));
    s.set_text("Mention the two-year warranty of this product.");
    s.set_active(true);
    scripts.push_back(std::move(s));
  }
  // The call center's and the source code's own scripts.
  for (int i = 0; i < 20; ++i) {
    v1::Script s;
    s.set_script_id("C" + std::to_string(i));
    s.set_timing(i % 2 ? common::v1::SCRIPT_TIMING_BEGINNING : common::v1::SCRIPT_TIMING_END);
    s.set_call_center_id("cc1");
    s.set_source_code(i % 3 ? "SPRING" : "");
    s.set_active(true);
    scripts.push_back(std::move(s));
  }
  auto index = SellingIndex::Build(std::move(scripts), {});
  v1::GetScriptsRequest req;
  req.set_timing(common::v1::SCRIPT_TIMING_ITEM);
  req.set_call_center_id("cc1");
  req.set_source_code("SPRING");
  req.add_product_ids("P" + std::to_string(state.range(0) / 2));
  for (auto _ : state) {
    auto out = index->Scripts(req);
    if (out.size() != 1) state.SkipWithError("expected the product's one script");
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_ItemScripts)->Arg(100)->Arg(10000)->Arg(100000);

}  // namespace
}  // namespace callcenter::guidedselling

BENCHMARK_MAIN();
