#ifndef CALLCENTER_LIBS_SERVER_SERVICE_MAIN_H_
#define CALLCENTER_LIBS_SERVER_SERVICE_MAIN_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "libs/config/config.h"
#include "libs/db/migrate.h"
#include "libs/db/pool.h"
#include "libs/metrics/metrics.h"
#include "libs/tls/tls.h"

namespace callcenter::server {

// What differs between the six services' main().
struct ServiceSpec {
  std::string service;   // "pricing"
  std::string schema;    // its PostgreSQL schema
  int default_port;      // from API.md
  const std::vector<db::Migration>* migrations;
};

// Everything a service's wiring gets: its config (to read its own
// variables), the pool and the metrics. It returns the gRPC services to
// serve, plus an optional background task started once ready (saga
// recovery, snapshot refresh, ...).
struct Wiring {
  Config* config;
  db::Pool* pool;
  metrics::Metrics* metrics;
  // This service's certificates (TLS_*): for its calls to other services.
  const tls::Files* tls;
};
struct Built {
  std::vector<std::shared_ptr<grpc::Service>> services;
  // Called once the database is reachable and migrated, before readiness.
  std::function<absl::Status()> on_ready;
  // Called at shutdown, after the server stopped.
  std::function<void()> on_stop;
};
using Builder = std::function<absl::StatusOr<Built>(const Wiring&)>;

// For a service with an in-memory snapshot: `load` runs once the database
// is ready (readiness waits for it), then `refresh` runs whenever another
// replica NOTIFYs `channel`, and every `period` as a safety net.
void KeepSnapshotFresh(const Wiring& wiring, const std::string& channel, absl::Duration period,
                       std::function<absl::Status()> load, std::function<void()> refresh,
                       Built* built);

// How often a snapshot service checks its snapshot's version when no
// NOTIFY came (a missed one, a reconnect): one row read, so often.
inline constexpr int64_t kDefaultSnapshotCheckMs = 1000;

// The wiring of a service whose state is an in-memory snapshot: serves
// `service`, loads the snapshot once the database is ready (`load`, by
// default service->Refresh()), then refreshes it on NOTIFY `channel` and
// checks its version every SNAPSHOT_REFRESH_MS (kDefaultSnapshotCheckMs).
template <typename Service>
Built SnapshotService(const Wiring& wiring, std::shared_ptr<Service> service,
                      const std::string& channel, std::function<absl::Status()> load = nullptr) {
  const int64_t refresh_ms =
      wiring.config->Int("SNAPSHOT_REFRESH_MS", kDefaultSnapshotCheckMs, 100, 3600000);
  if (!load) load = [service] { return service->Refresh(); };
  Built built;
  built.services.push_back(service);
  KeepSnapshotFresh(wiring, channel, absl::Milliseconds(refresh_ms), std::move(load),
                    [service] { service->Refresh().IgnoreError(); }, &built);
  return built;
}

// Runs `task` every `period` on a thread of its own from readiness until
// shutdown (after any on_ready / before any on_stop already in `built`):
// for recovery loops and clean-ups.
void RunEvery(absl::Duration period, std::function<void()> task, Built* built);

// A retention clean-up on RunEvery: every `period`, `purge(retention)`
// deletes what is older than `retention` and returns how many rows went;
// the outcome is logged as `what` ("stored responses", ...). A zero
// retention keeps everything: nothing runs.
void PurgeEvery(absl::Duration period, absl::Duration retention, const std::string& what,
                std::function<absl::StatusOr<int>(absl::Duration)> purge, Built* built);

// The common main(): reads config (PORT, METRICS_PORT, DATABASE_URL or PG*,
// DB_POOL_SIZE, DRAIN_DELAY_MS, SHUTDOWN_GRACE_MS, MIGRATE_ON_START; a bad
// value exits 2), `--migrate` applies migrations and exits, otherwise serves
// with readiness NOT_SERVING until the database is reachable and migrated,
// and drains on SIGTERM/SIGINT. Returns the process exit code.
int RunServiceMain(int argc, char** argv, const ServiceSpec& spec, const Builder& build);

}  // namespace callcenter::server

#endif  // CALLCENTER_LIBS_SERVER_SERVICE_MAIN_H_
