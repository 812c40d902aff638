// The guided-selling service: source codes, scripts, upsell rules, media,
// catalog requests.
#include "libs/db/listener.h"
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
    auto listener = std::make_shared<db::ChangeListener>(
        w.pool->options().conninfo, "selling_changed", absl::Milliseconds(refresh_ms),
        [service] { service->Refresh().IgnoreError(); });
    server::Built built;
    built.services.push_back(service);
    built.on_ready = [service, listener]() -> absl::Status {
      absl::Status s = service->Refresh();
      if (s.ok()) listener->Start();
      return s;
    };
    built.on_stop = [listener] { listener->Stop(); };
    return built;
  });
}
