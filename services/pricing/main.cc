// The pricing service: products, prices, discounts, coupons, charges, tax.
#include "libs/db/listener.h"
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
    // Changes made through any replica NOTIFY pricing_changed; the version
    // check every SNAPSHOT_REFRESH_MS catches a missed notification.
    auto listener = std::make_shared<db::ChangeListener>(
        w.pool->options().conninfo, "pricing_changed", absl::Milliseconds(refresh_ms),
        [service] { service->Refresh().IgnoreError(); });
    server::Built built;
    built.services.push_back(service);
    built.on_ready = [service, listener]() -> absl::Status {
      absl::Status s = service->Refresh(/*force=*/true);
      if (s.ok()) listener->Start();
      return s;
    };
    built.on_stop = [listener] { listener->Stop(); };
    return built;
  });
}
