// The guided-selling service: source codes, scripts, upsell rules, media,
// catalog requests.
#include "libs/server/service_main.h"
#include "services/guidedselling/guidedselling_service.h"
#include "services/guidedselling/migrations.h"

int main(int argc, char** argv) {
  using namespace callcenter;
  server::ServiceSpec spec{"guidedselling", "guidedselling_svc", 50054,
                           &migrations::GuidedSellingMigrations()};
  return server::RunServiceMain(
      argc, argv, spec, [](const server::Wiring& w) -> absl::StatusOr<server::Built> {
        return server::SnapshotService(
            w, std::make_shared<guidedselling::GuidedSellingServiceImpl>(w.pool, w.metrics),
            "selling_changed");
      });
}
