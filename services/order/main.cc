// The order service: call centers, users, customers, sales orders.
#include <memory>

#include "libs/server/service_main.h"
#include "services/order/migrations.h"
#include "services/order/order_service.h"
#include "services/order/store.h"

int main(int argc, char** argv) {
  using namespace callcenter;
  server::ServiceSpec spec{"order", "order_svc", 50052, &order::OrderSchemaMigrations()};
  return server::RunServiceMain(argc, argv, spec, [](const server::Wiring& w)
                                    -> absl::StatusOr<server::Built> {
    auto store = std::make_shared<order::PgOrderStore>(w.pool);
    // A repeated request_id gets its first result for this long; older
    // stored responses are purged (0 = kept for ever).
    const int64_t retention_h = w.config->Int("IDEMPOTENCY_RETENTION_HOURS", 72, 0, 24 * 3650);
    const int64_t purge_ms = w.config->Int("IDEMPOTENCY_PURGE_INTERVAL_MS", 600000, 1000, 86400000);
    server::Built built;
    built.services.push_back(std::make_shared<order::CallCenterServiceImpl>(store.get(), w.metrics));
    built.services.push_back(std::make_shared<order::CustomerServiceImpl>(store.get(), w.metrics));
    built.services.push_back(std::make_shared<order::SalesOrderServiceImpl>(store.get(), w.metrics));
    built.services.push_back(std::make_shared<order::ContinuityServiceImpl>(store.get(), w.metrics));
    built.on_stop = [store] {};  // keeps the store alive as long as the services
    server::PurgeEvery(absl::Milliseconds(purge_ms), absl::Hours(retention_h), "stored responses",
                       [store](absl::Duration age) { return store->PurgeStoredResponses(age); },
                       &built);
    return built;
  });
}
