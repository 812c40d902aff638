// The pricing service: products, prices, discounts, coupons, charges, tax.
#include <atomic>
#include <thread>

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
    auto stop = std::make_shared<std::atomic<bool>>(false);
    auto refresher = std::make_shared<std::thread>();
    server::Built built;
    built.services.push_back(service);
    // Load the snapshot before readiness; then refresh periodically so that
    // changes made through another replica show up here too.
    built.on_ready = [service, stop, refresher, refresh_ms]() -> absl::Status {
      absl::Status s = service->Refresh();
      if (!s.ok()) return s;
      if (!refresher->joinable()) {
        *refresher = std::thread([service, stop, refresh_ms] {
          while (!*stop) {
            for (int64_t waited = 0; waited < refresh_ms && !*stop; waited += 100) {
              std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
            if (!*stop) service->Refresh().IgnoreError();
          }
        });
      }
      return absl::OkStatus();
    };
    built.on_stop = [stop, refresher] {
      *stop = true;
      if (refresher->joinable()) refresher->join();
    };
    return built;
  });
}
