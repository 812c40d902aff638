// The hold service: hold codes, holds, fraud scoring.
#include "libs/server/service_main.h"
#include "services/hold/hold_service.h"
#include "services/hold/migrations.h"

int main(int argc, char** argv) {
  using namespace callcenter;
  server::ServiceSpec spec{"hold", "hold_svc", 50056, &migrations::HoldMigrations()};
  return server::RunServiceMain(argc, argv, spec, [](const server::Wiring& w)
                                    -> absl::StatusOr<server::Built> {
    const int64_t retention_h =
        w.config->Int("FRAUD_EVALUATION_RETENTION_HOURS", 720, 0, 24 * 3650);
    const int64_t purge_ms =
        w.config->Int("FRAUD_EVALUATION_PURGE_INTERVAL_MS", 600000, 1000, 86400000);
    auto service = std::make_shared<hold::HoldServiceImpl>(w.pool, w.metrics);
    server::Built built = server::SnapshotService(w, service, "fraud_changed");
    // Stored evaluations leave after the retention period (0: kept for ever).
    server::PurgeEvery(absl::Milliseconds(purge_ms), absl::Hours(retention_h), "fraud evaluations",
                       [service](absl::Duration age) { return service->PurgeEvaluations(age); },
                       &built);
    return built;
  });
}
