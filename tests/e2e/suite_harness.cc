#include "tests/e2e/suite_harness.h"

#include "absl/strings/str_cat.h"
#include "libs/auth/jwt.h"
#include "libs/db/migrate.h"
#include "services/guidedselling/guidedselling_service.h"
#include "services/guidedselling/migrations.h"
#include "services/hold/hold_service.h"
#include "services/hold/migrations.h"
#include "services/orchestration/migrations.h"
#include "services/order/migrations.h"
#include "services/order/order_service.h"
#include "services/order/store.h"
#include "services/payment/migrations.h"
#include "services/payment/payment_service.h"
#include "services/pricing/migrations.h"
#include "services/pricing/pricing_service.h"

namespace callcenter::testing {

Suite* suite = nullptr;
namespace {

std::shared_ptr<grpc::Channel> Channel(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
}

}  // namespace

int Suite::Serve(std::vector<std::shared_ptr<grpc::Service>> services) {
  server::HostOptions ho;
  ho.listen_address = "127.0.0.1:0";
  ho.drain_delay = absl::ZeroDuration();
  ho.shutdown_grace = absl::Seconds(1);
  auto host = std::make_unique<server::ServiceHost>(ho);
  for (auto& s : services) {
    host->Register(s.get());
    services_.push_back(s);
  }
  if (!host->Start().ok()) return 0;
  host->SetReady(true);
  const int port = host->port();
  hosts_.push_back(std::move(host));
  return port;
}

std::unique_ptr<Suite> Suite::Start() {
  std::unique_ptr<Suite> s(new Suite());
  s->db_ = db::TestDatabase::Create();
  if (!s->db_) return nullptr;
  auto pool = [&](const std::string& schema,
                  const std::vector<db::Migration>& migrations) -> db::Pool* {
    if (!db::Migrate(s->db_->conninfo(), schema, migrations).ok()) return nullptr;
    db::PoolOptions po;
    po.conninfo = s->db_->conninfo();
    po.schema = schema;
    po.max_size = 8;
    s->pools_.push_back(std::make_unique<db::Pool>(po));
    return s->pools_.back().get();
  };
  db::Pool* order_pool = pool("order_svc", order::OrderSchemaMigrations());
  db::Pool* pricing_pool = pool("pricing_svc", migrations::PricingMigrations());
  db::Pool* selling_pool = pool("guidedselling_svc", migrations::GuidedSellingMigrations());
  db::Pool* payment_pool = pool("payment_svc", migrations::PaymentMigrations());
  db::Pool* hold_pool = pool("hold_svc", migrations::HoldMigrations());
  db::Pool* saga_pool = pool("orchestration_svc", migrations::OrchestrationMigrations());
  if (!order_pool || !pricing_pool || !selling_pool || !payment_pool || !hold_pool || !saga_pool) {
    return nullptr;
  }
  auto store = std::make_shared<order::PgOrderStore>(order_pool);
  s->keep_.push_back(store);
  s->order_port_ = s->Serve({std::make_shared<order::CallCenterServiceImpl>(store.get(), nullptr),
                             std::make_shared<order::CustomerServiceImpl>(store.get(), nullptr),
                             std::make_shared<order::SalesOrderServiceImpl>(store.get(), nullptr),
                             std::make_shared<order::ContinuityServiceImpl>(store.get(), nullptr)});
  auto pricing_service = std::make_shared<pricing::PricingServiceImpl>(pricing_pool, nullptr);
  if (!pricing_service->Refresh(true).ok()) return nullptr;
  s->pricing_port_ = s->Serve({pricing_service});
  auto selling_service = std::make_shared<guidedselling::GuidedSellingServiceImpl>(selling_pool, nullptr);
  if (!selling_service->Refresh().ok()) return nullptr;
  s->selling_port_ = s->Serve({selling_service});
  auto connector = std::make_shared<payment::TestConnector>();
  s->keep_.push_back(connector);
  s->connector = connector.get();
  s->payment_port_ =
      s->Serve({std::make_shared<payment::PaymentServiceImpl>(payment_pool, nullptr, connector.get())});
  auto hold_service = std::make_shared<hold::HoldServiceImpl>(hold_pool, nullptr);
  if (!hold_service->Refresh().ok()) return nullptr;
  s->hold_port_ = s->Serve({hold_service});
  s->sagas_ = std::make_unique<orchestration::SagaLog>(saga_pool);
  orchestration::OrderEntryOptions options;
  options.jwt_secret = kSecret;
  s->front_door_ = std::make_shared<orchestration::FrontDoor>(
      s->MakeDownstream(), options, s->sagas_.get(), &s->front_door_metrics_);
  const int front_port = s->Serve({orchestration::FrontDoor::Service(s->front_door_),
                                   orchestration::FrontDoor::Fulfillment(s->front_door_)});
  if (!s->order_port_ || !s->pricing_port_ || !s->selling_port_ || !s->payment_port_ ||
      !s->hold_port_ || !front_port) {
    return nullptr;
  }
  s->front_channel = Channel(front_port);
  s->front = orchestration::v1::OrderEntryService::NewStub(s->front_channel);
  s->fulfillment = orchestration::v1::FulfillmentService::NewStub(Channel(front_port));
  s->call_centers = order::v1::CallCenterService::NewStub(Channel(s->order_port_));
  s->customers = order::v1::CustomerService::NewStub(Channel(s->order_port_));
  s->orders = order::v1::SalesOrderService::NewStub(Channel(s->order_port_));
  s->continuity = order::v1::ContinuityService::NewStub(Channel(s->order_port_));
  s->pricing = pricing::v1::PricingService::NewStub(Channel(s->pricing_port_));
  s->selling = guidedselling::v1::GuidedSellingService::NewStub(Channel(s->selling_port_));
  s->payments = payment::v1::PaymentService::NewStub(Channel(s->payment_port_));
  s->holds = hold::v1::HoldService::NewStub(Channel(s->hold_port_));
  return s;
}

orchestration::Downstream Suite::MakeDownstream() const {
  orchestration::Downstream d;
  d.orders = order::v1::SalesOrderService::NewStub(Channel(order_port_));
  d.continuity = order::v1::ContinuityService::NewStub(Channel(order_port_));
  d.pricing = pricing::v1::PricingService::NewStub(Channel(pricing_port_));
  d.selling = guidedselling::v1::GuidedSellingService::NewStub(Channel(selling_port_));
  d.payments = payment::v1::PaymentService::NewStub(Channel(payment_port_));
  d.holds = hold::v1::HoldService::NewStub(Channel(hold_port_));
  return d;
}

std::shared_ptr<orchestration::FrontDoor> Suite::ExtraDoor(
    orchestration::OrderEntryOptions options,
    const std::function<void(orchestration::Downstream&)>& rewire) {
  options.jwt_secret = kSecret;
  orchestration::Downstream downstream = MakeDownstream();
  if (rewire) rewire(downstream);
  return std::make_shared<orchestration::FrontDoor>(std::move(downstream), options, sagas_.get(),
                                                    nullptr);
}

std::unique_ptr<orchestration::v1::OrderEntryService::Stub> Suite::ExtraFrontDoor(
    orchestration::OrderEntryOptions options,
    const std::function<void(orchestration::Downstream&)>& rewire) {
  return orchestration::v1::OrderEntryService::NewStub(
      Channel(Serve({orchestration::FrontDoor::Service(ExtraDoor(std::move(options), rewire))})));
}

std::unique_ptr<orchestration::v1::FulfillmentService::Stub> Suite::ExtraFulfillment(
    orchestration::OrderEntryOptions options,
    const std::function<void(orchestration::Downstream&)>& rewire) {
  return orchestration::v1::FulfillmentService::NewStub(Channel(
      Serve({orchestration::FrontDoor::Fulfillment(ExtraDoor(std::move(options), rewire))})));
}

std::unique_ptr<grpc::ClientContext> Suite::As(const std::string& user_id,
                                               absl::Duration valid_for) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization",
                   "Bearer " + auth::SignHs256(user_id, absl::Now() + valid_for, kSecret));
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  return ctx;
}

Suite::~Suite() {
  for (auto it = hosts_.rbegin(); it != hosts_.rend(); ++it) (*it)->Shutdown();
}

}  // namespace callcenter::testing
