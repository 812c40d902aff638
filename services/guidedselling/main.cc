// The guided-selling service: source codes, scripts, upsell rules, media,
// catalog requests.
#include "libs/server/service_main.h"
#include "services/guidedselling/guidedselling_service.h"
#include "services/guidedselling/migrations.h"

int main(int argc, char** argv) {
  using namespace callcenter;
  server::ServiceSpec spec{"guidedselling", "guidedselling_svc", 50054,
                           &migrations::GuidedSellingMigrations(),
                           guidedselling::GuidedSellingQueries()};
  return server::RunServiceMain(argc, argv, spec, [](const server::Wiring& w)
                                    -> absl::StatusOr<server::Built> {
    const int64_t refresh_ms = w.config->Int("SNAPSHOT_REFRESH_MS", 30000, 100, 3600000);
    auto service = std::make_shared<guidedselling::GuidedSellingServiceImpl>(w.pool, w.metrics);
    server::Built built;
    built.services.push_back(service);
    server::KeepSnapshotFresh(
        w, "selling_changed", absl::Milliseconds(refresh_ms), [service] { return service->Refresh(); },
        [service] { service->Refresh().IgnoreError(); }, &built);
    return built;
  });
}
