// The payment service: authorisations, voids, gift cards.
#include "libs/server/service_main.h"
#include "services/payment/migrations.h"
#include "services/payment/payment_service.h"

int main(int argc, char** argv) {
  using namespace callcenter;
  server::ServiceSpec spec{"payment", "payment_svc", 50055, &migrations::PaymentMigrations()};
  return server::RunServiceMain(argc, argv, spec, [](const server::Wiring& w)
                                    -> absl::StatusOr<server::Built> {
    const std::string connector = w.config->String("PAYMENT_CONNECTOR", "test");
    if (connector != "test") {
      return absl::InvalidArgumentError("PAYMENT_CONNECTOR: only \"test\" is built in");
    }
    auto test_connector = std::make_shared<payment::TestConnector>();
    server::Built built;
    built.services.push_back(
        std::make_shared<payment::PaymentServiceImpl>(w.pool, w.metrics, test_connector.get()));
    built.on_stop = [test_connector] {};
    return built;
  });
}
