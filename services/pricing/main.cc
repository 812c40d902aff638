// The pricing service: products, prices, discounts, coupons, charges, tax.
#include "libs/server/service_main.h"
#include "services/pricing/migrations.h"
#include "services/pricing/pricing_service.h"

int main(int argc, char** argv) {
  using namespace callcenter;
  server::ServiceSpec spec{"pricing", "pricing_svc", 50053, &migrations::PricingMigrations()};
  return server::RunServiceMain(argc, argv, spec, [](const server::Wiring& w)
                                    -> absl::StatusOr<server::Built> {
    auto service = std::make_shared<pricing::PricingServiceImpl>(w.pool, w.metrics);
    return server::SnapshotService(w, service, "pricing_changed",
                                   [service] { return service->Refresh(/*force=*/true); });
  });
}
