// The orchestration service: the front door (OrderEntryService).
#include "grpcpp/grpcpp.h"
#include "libs/grpcclient/channel.h"
#include "libs/logging/log.h"
#include "libs/server/service_main.h"
#include "libs/tls/tls.h"
#include "services/orchestration/front_door.h"
#include "services/orchestration/migrations.h"
#include "services/orchestration/saga.h"

int main(int argc, char** argv) {
  using namespace callcenter;
  server::ServiceSpec spec{"orchestration", "orchestration_svc", 50051,
                           &migrations::OrchestrationMigrations()};
  return server::RunServiceMain(argc, argv, spec, [](const server::Wiring& w)
                                    -> absl::StatusOr<server::Built> {
    orchestration::OrderEntryOptions options;
    options.jwt_secret = w.config->Required("CALLCENTER_JWT_SECRET");
    options.max_token_lifetime =
        absl::Seconds(w.config->Int("JWT_MAX_LIFETIME_SECONDS", 24 * 3600, 60, 366 * 24 * 3600));
    options.limits = validation::Limits::FromConfig(*w.config);
    options.downstream_timeout =
        absl::Milliseconds(w.config->Int("DOWNSTREAM_TIMEOUT_MS", 3000, 10, 600000));
    const int64_t recovery_ms = w.config->Int("SAGA_RECOVERY_INTERVAL_MS", 5000, 100, 3600000);
    const int64_t idle_ms = w.config->Int("SAGA_IDLE_MS", 30000, 0, 86400000);
    const int64_t retention_h = w.config->Int("SAGA_RETENTION_HOURS", 720, 0, 24 * 3650);
    const int64_t purge_ms = w.config->Int("SAGA_PURGE_INTERVAL_MS", 600000, 1000, 86400000);
    // Every method the front door calls downstream is a read or a change
    // keyed by a request id, so a call that found no healthy server
    // (UNAVAILABLE) is retried within its deadline.
    // With TLS_CA_FILE, mutual TLS to each service (this service's own
    // certificate as the client's).
    const std::shared_ptr<grpc::ChannelCredentials> credentials =
        tls::ChannelCredentials(*w.tls);
    auto channel = [&](const char* name, const char* fallback, const char* service) {
      return grpcclient::NewIdempotentServiceChannel(w.config->String(name, fallback), service,
                                                     {}, credentials);
    };
    orchestration::Downstream downstream;
    downstream.orders = order::v1::SalesOrderService::NewStub(
        channel("ORDER_ADDR", "dns:///127.0.0.1:50052",
                order::v1::SalesOrderService::service_full_name()));
    downstream.continuity = order::v1::ContinuityService::NewStub(
        channel("ORDER_ADDR", "dns:///127.0.0.1:50052",
                order::v1::ContinuityService::service_full_name()));
    downstream.pricing = pricing::v1::PricingService::NewStub(
        channel("PRICING_ADDR", "dns:///127.0.0.1:50053",
                pricing::v1::PricingService::service_full_name()));
    downstream.selling = guidedselling::v1::GuidedSellingService::NewStub(
        channel("GUIDEDSELLING_ADDR", "dns:///127.0.0.1:50054",
                guidedselling::v1::GuidedSellingService::service_full_name()));
    downstream.payments = payment::v1::PaymentService::NewStub(
        channel("PAYMENT_ADDR", "dns:///127.0.0.1:50055",
                payment::v1::PaymentService::service_full_name()));
    downstream.holds = hold::v1::HoldService::NewStub(channel(
        "HOLD_ADDR", "dns:///127.0.0.1:50056", hold::v1::HoldService::service_full_name()));
    auto sagas = std::make_shared<orchestration::SagaLog>(w.pool);
    auto front_door = std::make_shared<orchestration::FrontDoor>(std::move(downstream), options,
                                                                 sagas.get(), w.metrics);
    server::Built built;
    built.services.push_back(orchestration::FrontDoor::Service(front_door));
    // Unfinished submits (a crashed replica's) are finished or undone.
    // Last, the DONE records still queued (the saga log lives as long).
    built.on_stop = [sagas] { sagas->FlushDone().IgnoreError(); };
    server::RunEvery(
        absl::Milliseconds(recovery_ms),
        [front_door, idle_ms] {
          auto settled = front_door->recovery().Run(absl::Milliseconds(idle_ms));
          if (!settled.ok()) {
            log::Warning("saga recovery failed",
                         {{"error", std::string(settled.status().message())}});
          }
        },
        &built);
    // Authorisations no order recorded (a crash or a timeout between
    // authorising and saving) are voided once they are older than any
    // AddPayment still on its way could be.
    const int64_t sweep_ms = w.config->Int("PAYMENT_SWEEP_INTERVAL_MS", 10000, 1000, 86400000);
    const int64_t sweep_age_ms =
        w.config->Int("PAYMENT_SWEEP_MIN_AGE_MS", 300000, 1000, 7 * 86400000LL);
    if (absl::Milliseconds(sweep_age_ms) <= 2 * options.downstream_timeout) {
      w.config->Invalid("PAYMENT_SWEEP_MIN_AGE_MS",
                        "must be more than twice DOWNSTREAM_TIMEOUT_MS (a payment younger may "
                        "still be on its way onto its order)");
    }
    server::RunEvery(
        absl::Milliseconds(sweep_ms),
        [front_door, sweep_age_ms] {
          auto voided = front_door->sweeper().Sweep(absl::Milliseconds(sweep_age_ms));
          if (!voided.ok()) {
            log::Warning("payment sweep failed",
                         {{"error", std::string(voided.status().message())}});
          }
        },
        &built);
    server::RunEvery(absl::Milliseconds(200), [sagas] {
      absl::Status flushed = sagas->FlushDone();
      if (!flushed.ok()) {
        log::Warning("saga DONE records not written yet", {{"error", std::string(flushed.message())}});
      }
    }, &built);
    // Finished sagas leave after the retention period (0: kept for ever).
    server::PurgeEvery(absl::Milliseconds(purge_ms), absl::Hours(retention_h), "finished sagas",
                       [sagas](absl::Duration age) { return sagas->PurgeFinished(age); }, &built);
    return built;
  });
}
