// A catalog loaded the way an import does it, one UpsertProduct after
// another, through pricing's gRPC API on 127.0.0.1:0 against a real
// PostgreSQL (PGHOST etc. as for the tests):
//   bazel run -c opt //tests/benchmarks:catalog_benchmark
// BM_UpsertProduct/N: one upsert into a catalog of N products (the time
// per upsert should not grow with N). BM_FirstPriceAfterImport/N: the
// first PriceOrder after a run of upserts, which rebuilds the snapshot of
// all N products once (Snapshot::GetFresh).
#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "libs/db/migrate.h"
#include "libs/db/testing.h"
#include "libs/server/host.h"
#include "services/pricing/migrations.h"
#include "services/pricing/pricing_service.h"

namespace callcenter::pricing {
namespace {

struct World {
  std::unique_ptr<db::TestDatabase> db;
  std::unique_ptr<db::Pool> pool;
  std::unique_ptr<PricingServiceImpl> service;
  std::unique_ptr<server::ServiceHost> host;
  std::unique_ptr<v1::PricingService::Stub> stub;
  int products = 0;

  ~World() {
    if (host) host->Shutdown();
  }
};

std::unique_ptr<World> MakeWorld() {
  auto w = std::make_unique<World>();
  w->db = db::TestDatabase::Create();
  if (!w->db || !db::Migrate(w->db->conninfo(), "pricing_svc", migrations::PricingMigrations()).ok()) {
    std::cerr << "needs PostgreSQL (PGHOST etc.)\n";
    return nullptr;
  }
  db::PoolOptions po;
  po.conninfo = w->db->conninfo();
  po.schema = "pricing_svc";
  w->pool = std::make_unique<db::Pool>(po);
  w->service = std::make_unique<PricingServiceImpl>(w->pool.get(), nullptr);
  if (!w->service->Refresh(true).ok()) return nullptr;
  server::HostOptions ho;
  ho.listen_address = "127.0.0.1:0";
  ho.drain_delay = absl::ZeroDuration();
  w->host = std::make_unique<server::ServiceHost>(ho);
  w->host->Register(w->service.get());
  if (!w->host->Start().ok()) return nullptr;
  w->stub = v1::PricingService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", w->host->port()), grpc::InsecureChannelCredentials()));
  return w;
}

bool Upsert(World& w) {
  const int n = w.products++;
  v1::UpsertProductRequest req;
  v1::Product* p = req.mutable_product();
  p->set_product_id(absl::StrCat("P", n));
  p->set_name(absl::StrCat("Product ", n));
  p->mutable_base_price()->set_currency("USD");
  p->mutable_base_price()->set_minor_units(1000 + n % 5000);
  p->mutable_unit_cost()->set_currency("USD");
  p->mutable_unit_cost()->set_minor_units(500);
  grpc::ClientContext ctx;
  v1::UpsertProductResponse resp;
  return w.stub->UpsertProduct(&ctx, req, &resp).ok();
}

bool PriceOne(World& w) {
  v1::PriceOrderRequest req;
  req.set_currency("USD");
  v1::PriceLineInput* line = req.add_lines();
  line->set_line_id("l1");
  line->set_product_id("P0");
  line->set_quantity(1);
  grpc::ClientContext ctx;
  v1::PriceOrderResponse resp;
  return w.stub->PriceOrder(&ctx, req, &resp).ok();
}

// A world whose catalog holds `products` products (null: no PostgreSQL,
// or an upsert failed).
std::unique_ptr<World> WorldWith(int products) {
  std::unique_ptr<World> w = MakeWorld();
  while (w && w->products < products) {
    if (!Upsert(*w)) return nullptr;
  }
  return w;
}

// A catalog of range(0) products, then upserts timed one by one.
void BM_UpsertProduct(benchmark::State& state) {
  std::unique_ptr<World> w = WorldWith(state.range(0));
  if (!w) return state.SkipWithError("no PostgreSQL, or the catalog could not be loaded");
  for (auto _ : state) {
    if (!Upsert(*w)) return state.SkipWithError("UpsertProduct failed");
  }
  state.counters["catalog"] = static_cast<double>(w->products);
}
BENCHMARK(BM_UpsertProduct)->Arg(1000)->Arg(10000)->Iterations(500)->Unit(benchmark::kMillisecond);

// A catalog of range(0) products; each iteration upserts 10 more (not
// timed) and times the first PriceOrder after them.
void BM_FirstPriceAfterImport(benchmark::State& state) {
  std::unique_ptr<World> w = WorldWith(state.range(0));
  if (!w) return state.SkipWithError("no PostgreSQL, or the catalog could not be loaded");
  for (auto _ : state) {
    state.PauseTiming();
    for (int i = 0; i < 10; ++i) {
      if (!Upsert(*w)) return state.SkipWithError("UpsertProduct failed");
    }
    state.ResumeTiming();
    if (!PriceOne(*w)) return state.SkipWithError("PriceOrder failed");
  }
}
BENCHMARK(BM_FirstPriceAfterImport)->Arg(1000)->Arg(10000)->Iterations(20)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace callcenter::pricing

BENCHMARK_MAIN();
