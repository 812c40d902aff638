// The orchestration service: the front door (OrderEntryService and
// FulfillmentService, one port).
#include "grpcpp/grpcpp.h"
#include "libs/grpcclient/channel.h"
#include "libs/logging/log.h"
#include "libs/server/service_main.h"
#include "libs/tls/tls.h"
#include "services/orchestration/front_door.h"
#include "services/orchestration/migrations.h"
#include "services/orchestration/settings.h"
#include "services/orchestration/store.h"

int main(int argc, char** argv) {
  using namespace callcenter;
  server::ServiceSpec spec{"orchestration", "orchestration_svc", 50051,
                           &migrations::OrchestrationMigrations()};
  return server::RunServiceMain(
      argc, argv, spec, [](const server::Wiring& w) -> absl::StatusOr<server::Built> {
        const orchestration::FrontDoorSettings settings =
            orchestration::FrontDoorSettings::Read(*w.config);
        // Every method the front door calls downstream is a read or a change
        // keyed by a request id, so a call that found no healthy server
        // (UNAVAILABLE) is retried within its deadline.
        // With TLS_CA_FILE, mutual TLS to each service (this service's own
        // certificate as the client's).
        const std::shared_ptr<grpc::ChannelCredentials> credentials =
            tls::ChannelCredentials(*w.tls);
        auto channel = [&](const std::string& target, const char* service) {
          return grpcclient::NewIdempotentServiceChannel(target, service, {}, credentials);
        };
        orchestration::Downstream downstream;
        downstream.orders = order::v1::SalesOrderService::NewStub(
            channel(settings.order_addr, order::v1::SalesOrderService::service_full_name()));
        downstream.continuity = order::v1::ContinuityService::NewStub(
            channel(settings.order_addr, order::v1::ContinuityService::service_full_name()));
        downstream.pricing = pricing::v1::PricingService::NewStub(
            channel(settings.pricing_addr, pricing::v1::PricingService::service_full_name()));
        downstream.selling = guidedselling::v1::GuidedSellingService::NewStub(
            channel(settings.guidedselling_addr,
                    guidedselling::v1::GuidedSellingService::service_full_name()));
        downstream.payments = payment::v1::PaymentService::NewStub(
            channel(settings.payment_addr, payment::v1::PaymentService::service_full_name()));
        downstream.holds = hold::v1::HoldService::NewStub(
            channel(settings.hold_addr, hold::v1::HoldService::service_full_name()));
        auto sagas = std::make_shared<orchestration::SagaLog>(w.pool);
        auto front_door = std::make_shared<orchestration::FrontDoor>(
            std::move(downstream), settings.entry, sagas.get(), w.metrics);
        server::Built built;
        built.services.push_back(orchestration::FrontDoor::Service(front_door));
        built.services.push_back(orchestration::FrontDoor::Fulfillment(front_door));
        // Unfinished submits (a crashed replica's) are finished or undone.
        // Last, the DONE records still queued (the saga log lives as long).
        built.on_stop = [sagas] { sagas->FlushDone().IgnoreError(); };
        server::RunEvery(
            settings.saga_recovery_interval,
            [front_door, idle = settings.saga_idle] {
              auto settled = front_door->recovery().Run(idle);
              if (!settled.ok()) {
                log::Warning("saga recovery failed",
                             {{"error", std::string(settled.status().message())}});
              }
            },
            &built);
        // Authorisations no order recorded (a crash or a timeout between
        // authorising and saving) are voided once they are older than any
        // AddPayment still on its way could be.
        server::RunEvery(
            settings.payment_sweep_interval,
            [front_door, min_age = settings.payment_sweep_min_age] {
              auto voided = front_door->sweeper().Sweep(min_age);
              if (!voided.ok()) {
                log::Warning("payment sweep failed",
                             {{"error", std::string(voided.status().message())}});
              }
            },
            &built);
        server::RunEvery(
            absl::Milliseconds(200),
            [sagas] {
              absl::Status flushed = sagas->FlushDone();
              if (!flushed.ok()) {
                log::Warning("saga DONE records not written yet",
                             {{"error", std::string(flushed.message())}});
              }
            },
            &built);
        // Finished sagas leave after the retention period (0: kept for ever).
        server::PurgeEvery(
            settings.saga_purge_interval, settings.saga_retention, "finished sagas",
            [sagas](absl::Duration age) { return sagas->PurgeFinished(age); }, &built);
        return built;
      });
}
