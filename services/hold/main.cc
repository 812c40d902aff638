// The hold service: hold codes, holds, fraud scoring.
#include "libs/server/service_main.h"
#include "services/hold/hold_service.h"
#include "services/hold/migrations.h"

int main(int argc, char** argv) {
  using namespace callcenter;
  server::ServiceSpec spec{"hold", "hold_svc", 50056, &migrations::HoldMigrations(),
                           hold::HoldQueries()};
  return server::RunServiceMain(argc, argv, spec, [](const server::Wiring& w)
                                    -> absl::StatusOr<server::Built> {
    const int64_t refresh_ms = w.config->Int("SNAPSHOT_REFRESH_MS", 30000, 100, 3600000);
    auto service = std::make_shared<hold::HoldServiceImpl>(w.pool, w.metrics);
    server::Built built;
    built.services.push_back(service);
    server::KeepSnapshotFresh(
        w, "fraud_changed", absl::Milliseconds(refresh_ms), [service] { return service->Refresh(); },
        [service] { service->Refresh().IgnoreError(); }, &built);
    return built;
  });
}
