// RunRfm (DOMAIN 11) over 100,000 customers and 1,000,000 submitted orders
// (10 each on average, over a year, 5 % canceled), through the order
// service's gRPC API on 127.0.0.1:0 against a real PostgreSQL (PGHOST etc.
// as for the tests). The data is made in the database by generate_series
// (a minute or so); each iteration is one whole run, every customer
// scored and written:
//   bazel run -c opt //tests/benchmarks:rfm_benchmark
#include <iostream>
#include <memory>

#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "libs/db/migrate.h"
#include "libs/db/testing.h"
#include "libs/server/host.h"
#include "services/order/migrations.h"
#include "services/order/order_service.h"

namespace callcenter::order {
namespace {

constexpr int kCustomers = 100000;
constexpr int kOrders = 1000000;

struct World {
  std::unique_ptr<db::TestDatabase> db;
  std::unique_ptr<db::Pool> pool;
  std::unique_ptr<PgOrderStore> store;
  std::unique_ptr<CustomerServiceImpl> customers;
  std::unique_ptr<server::ServiceHost> host;
  std::unique_ptr<v1::CustomerService::Stub> stub;
};

World* MakeWorld() {
  auto* w = new World;
  w->db = db::TestDatabase::Create();
  if (!w->db || !db::Migrate(w->db->conninfo(), "order_svc", OrderSchemaMigrations()).ok()) {
    std::cerr << "needs PostgreSQL (PGHOST etc.)\n";
    return nullptr;
  }
  db::PoolOptions po;
  po.conninfo = w->db->conninfo();
  po.schema = "order_svc";
  w->pool = std::make_unique<db::Pool>(po);
  const absl::Time start = absl::Now();
  absl::Status made = w->pool->Transact([](pqxx::work& txn) {
    txn.exec("SET LOCAL statement_timeout = 0");  // the pool's 10 s is for calls, not this
    txn.exec(
        "INSERT INTO customers (id, body) SELECT 'rfm-' || i, jsonb_build_object('customer_id', "
        "'rfm-' || i, 'name', 'Customer ' || i, 'customer_group', CASE WHEN i % 4 = 0 THEN "
        "'WHOLESALE' ELSE 'RETAIL' END) FROM generate_series(1, " +
        std::to_string(kCustomers) + ") i");
    // Orders skewed over customers and days; the document is a stand-in
    // (RunRfm reads only the columns).
    txn.exec(
        "INSERT INTO orders (order_id, call_center_id, customer_id, status, version, doc, "
        "total_minor, currency, submitted_on) SELECT gen_random_uuid(), 'cc', 'rfm-' || "
        "(1 + (hashint4(i) & 2147483647) % " +
        std::to_string(kCustomers) +
        "), CASE WHEN i % 20 = 0 THEN 'ORDER_STATUS_CANCELED' ELSE 'ORDER_STATUS_CONFIRMED' END, "
        "1, '\\x00'::bytea, 100 + (hashint4(i + 7) & 2147483647) % 50000, 'USD', date "
        "'2026-12-01' - (hashint4(i + 13) & 2147483647) % 365 FROM generate_series(1, " +
        std::to_string(kOrders) + ") i");
    txn.exec("ANALYZE customers");
    txn.exec("ANALYZE orders");
    return absl::OkStatus();
  });
  if (!made.ok()) {
    std::cerr << "could not make the data: " << made << "\n";
    return nullptr;
  }
  std::cerr << kCustomers << " customers and " << kOrders << " orders made in "
            << absl::ToDoubleSeconds(absl::Now() - start) << " s\n";
  w->store = std::make_unique<PgOrderStore>(w->pool.get());
  w->customers = std::make_unique<CustomerServiceImpl>(w->store.get(), nullptr);
  server::HostOptions ho;
  ho.listen_address = "127.0.0.1:0";
  ho.drain_delay = absl::ZeroDuration();
  w->host = std::make_unique<server::ServiceHost>(ho);
  w->host->Register(w->customers.get());
  if (!w->host->Start().ok()) return nullptr;
  w->stub = v1::CustomerService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", w->host->port()), grpc::InsecureChannelCredentials()));
  return w;
}

World* TheWorld() {
  static World* w = MakeWorld();
  return w;
}

// One whole run: args = window days, customer group (0 = all, 1 = RETAIL).
void BM_RunRfm(benchmark::State& state) {
  World* w = TheWorld();
  if (w == nullptr) {
    state.SkipWithError("no PostgreSQL");
    return;
  }
  int scored = 0;
  for (auto _ : state) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Minutes(5)));
    v1::RunRfmRequest req;
    req.set_as_of("2026-12-01");
    req.set_window_days(static_cast<int32_t>(state.range(0)));
    req.set_divisions(5);
    if (state.range(1) == 1) req.set_customer_group("RETAIL");
    v1::RunRfmResponse resp;
    grpc::Status s = w->stub->RunRfm(&ctx, req, &resp);
    if (!s.ok()) {
      state.SkipWithError(s.error_message().c_str());
      return;
    }
    scored = resp.scored();
  }
  state.counters["scored"] = scored;
}
BENCHMARK(BM_RunRfm)
    ->Args({365, 0})
    ->Args({90, 0})
    ->Args({365, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

}  // namespace
}  // namespace callcenter::order

BENCHMARK_MAIN();
