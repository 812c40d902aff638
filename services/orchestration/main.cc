// The orchestration service: the front door (OrderEntryService).
#include "grpcpp/grpcpp.h"
#include "libs/server/service_main.h"
#include "services/orchestration/migrations.h"
#include "services/orchestration/order_entry_service.h"

int main(int argc, char** argv) {
  using namespace callcenter;
  server::ServiceSpec spec{"orchestration", "orchestration_svc", 50051,
                           &migrations::OrchestrationMigrations(), {}};
  return server::RunServiceMain(argc, argv, spec, [](const server::Wiring& w)
                                    -> absl::StatusOr<server::Built> {
    orchestration::OrderEntryOptions options;
    options.jwt_secret = w.config->Required("CALLCENTER_JWT_SECRET");
    options.downstream_timeout =
        absl::Milliseconds(w.config->Int("DOWNSTREAM_TIMEOUT_MS", 3000, 10, 600000));
    auto channel = [&](const char* name, const char* fallback) {
      grpc::ChannelArguments args;
      args.SetLoadBalancingPolicyName("round_robin");  // headless Services: one entry per pod
      return grpc::CreateCustomChannel(w.config->String(name, fallback),
                                       grpc::InsecureChannelCredentials(), args);
    };
    orchestration::Downstream downstream;
    downstream.orders = order::v1::SalesOrderService::NewStub(channel("ORDER_ADDR", "dns:///127.0.0.1:50052"));
    downstream.pricing =
        pricing::v1::PricingService::NewStub(channel("PRICING_ADDR", "dns:///127.0.0.1:50053"));
    downstream.payments =
        payment::v1::PaymentService::NewStub(channel("PAYMENT_ADDR", "dns:///127.0.0.1:50055"));
    // Read now so that a bad value fails at start; used by later issues.
    w.config->String("GUIDEDSELLING_ADDR", "dns:///127.0.0.1:50054");
    w.config->String("HOLD_ADDR", "dns:///127.0.0.1:50056");
    server::Built built;
    built.services.push_back(std::make_shared<orchestration::OrderEntryServiceImpl>(
        std::move(downstream), options, w.metrics));
    return built;
  });
}
