// The pricing service: products, prices, discounts, coupons, charges, tax.
#include "libs/server/service_main.h"
#include "services/pricing/migrations.h"
#include "services/pricing/pricing_service.h"

int main(int argc, char** argv) {
  using namespace callcenter;
  server::ServiceSpec spec{"pricing", "pricing_svc", 50053, &migrations::PricingMigrations(),
                           pricing::PricingQueries()};
  return server::RunServiceMain(argc, argv, spec, [](const server::Wiring& w)
                                    -> absl::StatusOr<server::Built> {
    const int64_t refresh_ms = w.config->Int("SNAPSHOT_REFRESH_MS", 5000, 100, 3600000);
    auto service = std::make_shared<pricing::PricingServiceImpl>(w.pool, w.metrics);
    server::Built built;
    built.services.push_back(service);
    server::KeepSnapshotFresh(
        w, "pricing_changed", absl::Milliseconds(refresh_ms), [service] { return service->Refresh(/*force=*/true); },
        [service] { service->Refresh().IgnoreError(); }, &built);
    return built;
  });
}
