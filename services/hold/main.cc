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
    return server::SnapshotService(w, std::make_shared<hold::HoldServiceImpl>(w.pool, w.metrics),
                                   "fraud_changed", /*default_refresh_ms=*/30000);
  });
}
