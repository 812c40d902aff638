// The order service: call centers, users, customers, sales orders.
#include <memory>

#include "libs/server/service_main.h"
#include "services/order/migrations.h"
#include "services/order/order_service.h"
#include "services/order/store.h"

int main(int argc, char** argv) {
  using namespace callcenter;
  server::ServiceSpec spec{"order", "order_svc", 50052, &migrations::OrderMigrations(),
                           order::PgOrderStore::Queries()};
  return server::RunServiceMain(argc, argv, spec, [](const server::Wiring& w)
                                    -> absl::StatusOr<server::Built> {
    auto store = std::make_shared<order::PgOrderStore>(w.pool);
    server::Built built;
    built.services.push_back(std::make_shared<order::CallCenterServiceImpl>(store.get(), w.metrics));
    built.services.push_back(std::make_shared<order::CustomerServiceImpl>(store.get(), w.metrics));
    built.services.push_back(std::make_shared<order::SalesOrderServiceImpl>(store.get(), w.metrics));
    built.services.push_back(std::make_shared<order::ContinuityServiceImpl>(store.get(), w.metrics));
    built.on_stop = [store] {};  // keeps the store alive as long as the services
    return built;
  });
}
